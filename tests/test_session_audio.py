"""Whole sessions with the real voice and recognizer, fed by the scripted user."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audio.vad import WebRtcVoiceDetector
from assistant.audio.wavfile import NullSpeaker
from assistant.clock import ManualClock
from assistant.events import Event
from assistant.flow.loader import find_flow
from assistant.flow.runner import FlowRunner
from assistant.listen import AudioListener
from assistant.scripted import ScriptedMicrophone, Turn
from assistant.session import Session
from assistant.strengths import StrengthList
from assistant.stt.pocketsphinx_engine import PocketSphinxRecognizer
from assistant.tts.voice import Pyttsx3Voice, Voice
from tests.fakes import FakeVoice

pytestmark = pytest.mark.slow
TURNS = [Turn(silence=10.0), Turn(text="three", voice="en-us+f2"),
         Turn(text="two", voice="piper"), Turn(text="not really", voice="en-us+f2")]


def run_session(block_seconds: float, tmp_path: Path,
                voice: Voice | None = None) -> list[Event]:
    clock = ManualClock()
    events: list[Event] = []
    mic = ScriptedMicrophone(TURNS, clock, block_seconds=block_seconds)
    listener = AudioListener(mic, PocketSphinxRecognizer(), WebRtcVoiceDetector(), clock)
    session = Session(listener=listener, voice=voice or Pyttsx3Voice(),
                      speaker=NullSpeaker(clock),
                      clock=clock, sinks=[events.append, mic])
    FlowRunner(find_flow("quick-reset", tmp_path), session, StrengthList(tmp_path), seed=3).run()
    return events


def test_reprompts_on_silence(tmp_path: Path) -> None:
    events = run_session(0.02, tmp_path)
    kinds = [e.kind for e in events]
    assert kinds.count("no_answer") == 1
    heard = [e.data["text"] for e in events if e.kind == "heard"]
    assert len(heard) == 3 and heard[:2] == ["three", "two"]
    answers = {e.data["name"]: e.data["value"] for e in events if e.kind == "answer"}
    assert answers == {"stress_before": 3, "stress_after": 2, "ready": False}
    said = [e.data["text"] for e in events if e.kind == "said"]
    assert any(s.startswith("I didn't hear an answer") for s in said)


def test_transcript_is_the_same_whatever_the_chunk_size(tmp_path: Path) -> None:
    # espeak-ng's sentence lengths vary by a few samples from run to run, so the assistant's
    # side uses a voice of exact lengths here; the user's speech and the recognizer are real
    def heard(block: float) -> list[tuple[object, ...]]:
        events = run_session(block, tmp_path, FakeVoice())
        return [(e.kind, round(e.at, 3), e.data.get("text"), str(e.data.get("words")))
                for e in events if e.kind in ("listen", "heard", "no_answer")]

    reference = heard(0.02)
    assert [r[0] for r in reference] == ["listen", "no_answer", "listen", "heard", "listen",
                                         "heard", "listen", "heard"]
    for block in (0.01, 0.032, 0.1):
        assert heard(block) == reference
