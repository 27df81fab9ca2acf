"""End to end through a real audio stack: PulseAudio virtual devices, sounddevice, real engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.scripted import Turn
from tests.support.pulse import MicFeeder, SinkRecorder, pulseaudio, voiced_seconds

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parent.parent


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
        feeder.start()
        recorder = SinkRecorder(env, tmp_path / "sink.raw")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "assistant", "run", "quick-reset", "--engine",
                 "pocketsphinx", "--input", "pulse", "--output", "pulse"],
                env=env, cwd=REPO, capture_output=True, text=True, timeout=240, check=False)
        finally:
            feeder.stop()
            sink = recorder.stop()
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
