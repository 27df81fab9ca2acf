"""The `regroup` command as a person uses it: demo, transcripts, and every bad input."""

from __future__ import annotations

import html
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunk import AudioChunk
from assistant.audio.wavfile import read_wav, write_wav

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def no_sound_env(tmp_path: Path) -> dict[str, str]:
    """An environment that reaches no PulseAudio server (CI machines have no sound card)."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE")}
    env = {**env, "XDG_RUNTIME_DIR": str(runtime)}
    probe = subprocess.run([sys.executable, "-c", "import sounddevice as s; "
                            "print(len(s.query_devices()))"], env=env, capture_output=True,
                           text=True, check=False)
    if probe.stdout.strip() not in ("", "0"):
        pytest.skip("this machine has a real sound card; the no-device case needs one without")
    return env


def regroup(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def transcripts(home: Path) -> list[list[dict[str, object]]]:
    files = sorted((home / "transcripts").glob("*.jsonl"))
    return [[json.loads(line) for line in f.read_text().splitlines()] for f in files]


def test_demo_needs_no_sound_card(tmp_path: Path, private_home: Path) -> None:
    done = regroup("demo", env=no_sound_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "recognizer: pocketsphinx" in done.stdout
    assert "You: seven" in done.stdout and "ready = True" in done.stdout
    assert "transcript saved" in done.stdout
    [events] = transcripts(private_home)
    assert events[0]["type"] == "session" and events[0]["schema"] == 1
    answers = {e["name"]: e["value"] for e in events if e["type"] == "answer"}
    assert answers == {"stress_before": 7, "stress_after": 4, "ready": True}
    assert os.stat(private_home / "transcripts").st_mode & 0o777 == 0o700
    listed = regroup("transcripts", "list")
    assert "quick-reset" in listed.stdout
    shown = regroup("transcripts", "show", "last")
    assert "Regroup: From one to ten, how tense do you feel right now?" in shown.stdout
    assert "You: seven" in shown.stdout


def test_no_input_device_says_so_in_one_line(tmp_path: Path) -> None:
    done = regroup("run", "quick-reset", env=no_sound_env(tmp_path))
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no audio input device found" in lines[0] and "regroup demo" in lines[0]


def test_vosk_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    done = regroup("run", "quick-reset", "--engine", "vosk", "--audio-in", "x.wav",
                   "--audio-out", str(tmp_path / "o.wav"))
    assert done.returncode == 4
    assert len(done.stderr.strip().splitlines()) == 1
    assert "regroup models download" in done.stderr


def test_unreadable_wav_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio at all")
    done = regroup("run", "quick-reset", "--engine", "pocketsphinx", "--audio-in", str(bad),
                   "--audio-out", str(tmp_path / "o.wav"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "notes.wav" in done.stderr and "sox" in done.stderr


def test_audio_file_in_and_out(tmp_path: Path, private_home: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, AudioChunk.from_samples(np.zeros(44_100 * 30, np.int16), 44_100))
    out = tmp_path / "voice.wav"
    done = regroup("run", "quick-reset", "--engine", "pocketsphinx", "--audio-in", str(quiet),
                   "--audio-out", str(out))
    assert done.returncode == 0, done.stderr
    [events] = transcripts(private_home)
    assert events[-1]["type"] == "end" and events[-1]["reason"] == "the audio input ended"
    assert any(e["type"] == "no_answer" for e in events)
    voice = read_wav(out)
    said = sum(float(str(e["seconds"])) for e in events if e["type"] == "said")
    assert voice.seconds >= said > 3
    assert voice.rms() > 300


def test_ctrl_c_closes_the_transcript_with_cancelled(tmp_path: Path, private_home: Path) -> None:
    script = tmp_path / "user.yaml"
    script.write_text("turns:\n  - silence: 30\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "run", "quick-reset", "--engine", "pocketsphinx",
         "--user-script", str(script), "--audio-out", str(tmp_path / "o.wav"), "--realtime"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = transcripts(private_home) if (private_home / "transcripts").exists() else []
        if found and any(e["type"] == "listen" for e in found[0]):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    [events] = transcripts(private_home)
    assert events[-1]["type"] == "cancelled"
    assert events[-1]["step"] == "stress-before"


def test_model_download_without_network_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    env = {**os.environ, "REGROUP_MODELS_BASE_URL": f"http://127.0.0.1:{port}/models"}
    done = regroup("models", "download", env=env)
    assert done.returncode == 7
    assert len(done.stderr.strip().splitlines()) == 1
    assert "regroup models install" in done.stderr


@pytest.mark.parametrize("command", [
    [], ["run"], ["demo"], ["devices"], ["doctor"], ["models"], ["models", "download"],
    ["models", "install"], ["transcripts"], ["transcripts", "show"], ["flows"],
])
def test_every_command_has_help(command: list[str]) -> None:
    done = regroup(*command, "--help")
    assert done.returncode == 0
    assert "usage: regroup" in done.stdout


def test_doctor_names_the_engine(tmp_path: Path) -> None:
    done = regroup("doctor", env=no_sound_env(tmp_path))
    assert "engine in use: pocketsphinx" in done.stdout
    assert "regroup models download" in done.stdout
    assert done.returncode == 0, done.stdout


def test_typed_answers(tmp_path: Path, private_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "run", "quick-reset", "--engine", "typed",
         "--audio-out", str(tmp_path / "o.wav")],
        cwd=REPO, input="\n7\n4\nyes\n", capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "type your answer (one / two" in done.stdout
    [events] = transcripts(private_home)
    answers = {e["name"]: e["value"] for e in events if e["type"] == "answer"}
    assert answers == {"stress_before": 7, "stress_after": 4, "ready": True}
    assert [e["type"] for e in events].count("no_answer") == 1


def test_flows_validate_list_show_and_graph(tmp_path: Path) -> None:
    done = regroup("flows", "validate")
    assert done.returncode == 0 and "6 of 6 flows are valid" in done.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntitle: B\nsteps:\n  - id: rate-stress\n    ask: how?\n"
                      "    answer: numbr\n")
    bad = regroup("flows", "validate", str(broken))
    assert bad.returncode == 5
    assert (f"{broken}:4: step 'rate-stress': unknown answer kind 'numbr' (expected yes_no, "
            "choice, number, free)") in bad.stdout
    listed = regroup("flows", "list")
    assert "apology-rehearsal" in listed.stdout and "evening-reflection" in listed.stdout
    shown = regroup("flows", "show", "breathe")
    assert "breathes 4-7-8 for 4 cycles, cues: count" in shown.stdout
    picture = tmp_path / "qr.svg"
    drawn = regroup("flows", "graph", "quick-reset", "-o", str(picture))
    assert drawn.returncode == 0, drawn.stderr
    svg = html.unescape(picture.read_text())
    assert svg.startswith("<?xml") and "close-not-yet" in svg and "stress-before" in svg
