"""End to end through a real audio stack: PulseAudio virtual devices, sounddevice, real engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.scripted import Turn
from tests.support.pulse import (
    MicFeeder,
    RoomFeeder,
    SinkRecorder,
    pulse_room,
    pulseaudio,
    voiced_seconds,
)

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parent.parent


def run_quick_reset(env: dict[str, str], feeder: MicFeeder | RoomFeeder,
                    sink: Path) -> tuple[subprocess.CompletedProcess[str], np.ndarray]:
    """`regroup run quick-reset` on the PulseAudio devices, with the person and a recorder."""
    feeder.start()
    recorder = SinkRecorder(env, sink)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "run", "quick-reset", "--engine",
             "pocketsphinx", "--input", "pulse", "--output", "pulse"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=240, check=False)
    finally:
        feeder.stop()
        samples = recorder.stop()
    return done, samples


def test_quick_reset_through_pulseaudio(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with pulseaudio() as env:
        env = {**env, "REGROUP_HOME": str(home)}
        turns = [Turn(text="seven", voice="en-us+f2"), Turn(text="four", voice="piper"),
                 Turn(text="yes", voice="en-us+m1")]
        (home / "transcripts").mkdir(parents=True)
        # the person blurts "two" while the question is still being played: not an answer
        early = ("From one to ten", Turn(text="two", voice="en-us+f2"))
        feeder = MicFeeder(env["REGROUP_TEST_FIFO"], home / "transcripts", turns, early)
        done, sink = run_quick_reset(env, feeder, tmp_path / "sink.raw")
    assert done.returncode == 0, done.stderr + done.stdout
    transcript = next((home / "transcripts").glob("*.jsonl"))
    assert os.stat(transcript).st_mode & 0o777 == 0o600
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    answers = {e["name"]: e["value"] for e in events if e["type"] == "answer"}
    assert answers == {"stress_before": 7, "stress_after": 4, "ready": True}, done.stdout
    assert events[-1]["type"] == "end" and events[-1]["reason"] == "finished"
    said = sum(e["seconds"] for e in events if e["type"] == "said")
    heard_voice = voiced_seconds(sink)
    # most of what the assistant said reached the speaker (pauses inside sentences are quiet)
    assert heard_voice > 0.5 * said, (heard_voice, said)
    assert len(feeder.spoken) == 4  # "two" over the question, then the three answers
    heard = [e["text"] for e in events if e["type"] == "heard"]
    assert heard[0] == "seven", heard


def test_devices_are_listed_and_an_unknown_name_gets_the_list(tmp_path: Path) -> None:
    with pulseaudio() as env:
        env = {**env, "REGROUP_HOME": str(tmp_path / "home")}
        listed = subprocess.run([sys.executable, "-m", "assistant", "devices"], env=env,
                                cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
        wrong = subprocess.run(
            [sys.executable, "-m", "assistant", "run", "quick-reset", "--engine",
             "pocketsphinx", "--input", "no-such-mic"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert listed.returncode == 0 and "pulse" in listed.stdout
    assert wrong.returncode == 3
    [line] = wrong.stderr.strip().splitlines()
    assert "no input device matches 'no-such-mic'" in line and "pulse" in line


@pytest.mark.xfail(strict=False, reason=(
    "known gap (issue 3 stays open): through PulseAudio's ALSA plugin the echo's delay in "
    "Regroup's capture times drifts between sentences (seen from 0.04 to 1.4 s), so the echo "
    "gate sometimes lets the welcome's own 'say stop' through; it passed 9 of 14 runs"))
def test_barge_in_through_a_room_where_the_speaker_leaks_into_the_mic(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "transcripts").mkdir(parents=True)
    with pulse_room(echo_volume=68) as env:  # the echo reaches the microphone at about -10 dB
        env = {**env, "REGROUP_HOME": str(home)}
        # like a person, it says "stop" again if Regroup goes on talking
        turns = [Turn(text="seven", voice="piper"),
                 Turn(text="stop", voice="piper", over="That caller", delay=2.0),
                 Turn(text="stop", voice="en-us+f2", over="That caller", delay=2.0)]
        done, _ = run_quick_reset(env, RoomFeeder(env, home / "transcripts", turns),
                                  tmp_path / "sink.raw")
    assert done.returncode == 0, done.stderr + done.stdout
    events = [json.loads(line) for line in next((home / "transcripts").glob("*.jsonl"))
              .read_text().splitlines()]
    barges = [e for e in events if e["type"] == "barge_in"]
    # the welcome says "say stop at any time" and its echo is in the microphone: no command;
    # the person's "stop" over the reframe ends the session (a repeated "stop" may also be
    # heard over the goodbye, which changes nothing)
    reframe = next(e for e in events if e["type"] == "said" and e["text"].startswith("That caller"))
    assert [b for b in barges if b["at"] < reframe["at"]] == []
    assert barges and barges[0]["command"] == "stop", done.stdout
    assert barges[0]["at"] - reframe["at"] < reframe["seconds"]  # cut before the sentence ended
    [command] = [e for e in events if e["type"] == "command"]
    assert command["step"] == "reframe"
    assert events[-1]["reason"] == "stopped by voice"
    assert {e["name"]: e["value"] for e in events if e["type"] == "answer"} == {"stress_before": 7}
