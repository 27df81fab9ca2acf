"""The flow machine with fake engines: fast, exact, no audio."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from assistant.audio.wavfile import NullSpeaker
from assistant.clock import ManualClock
from assistant.events import Event
from assistant.flow.model import load_flow
from assistant.flow.runner import FlowRunner
from assistant.session import Session
from tests.fakes import FakeListener, FakeVoice

REPO = Path(__file__).resolve().parent.parent


def make(answers: list[str | None]) -> tuple[FlowRunner, list[Event], FakeVoice, FakeListener]:
    clock = ManualClock()
    events: list[Event] = []
    voice = FakeVoice()
    listener = FakeListener(clock, answers)
    session = Session(listener=listener, voice=voice, speaker=NullSpeaker(clock), clock=clock,
                      sinks=[events.append])
    return FlowRunner(load_flow(REPO / "flows" / "quick-reset.yaml"), session), events, voice, \
        listener


def test_quick_reset_stores_the_answers() -> None:
    runner, events, voice, _ = make(["seven", "yeah"])
    assert runner.run() == {"stress_before": 7, "ready": True}
    assert runner.state == "finished"
    steps = [e.data["id"] for e in events if e.kind == "step"]
    assert steps == ["welcome", "stress-before", "box-breath", "reframe", "ready", "close"]
    assert voice.said[-1].startswith("Take this calm")


def test_silence_and_a_wrong_answer_are_reprompted() -> None:
    runner, events, voice, _ = make([None, "purple", "four", "not really"])
    assert runner.run() == {"stress_before": 4, "ready": False}
    kinds = [e.kind for e in events]
    assert kinds.count("no_answer") == 1
    assert any(s.startswith("I didn't hear an answer.") for s in voice.said)
    assert any("Please say a number from 1 to 10" in s for s in voice.said)


def test_too_many_failures_moves_on_without_an_answer() -> None:
    runner, events, _, _ = make([None, None, None, "yes"])
    assert runner.run() == {"ready": True}
    skipped = [e for e in events if e.kind == "answer" and e.data.get("skipped")]
    assert [e.data["step"] for e in skipped] == ["stress-before"]


def test_breathing_cues_start_exactly_on_schedule() -> None:
    runner, events, _, _ = make(["five", "yes"])
    runner.run()
    cues = [e for e in events if e.kind == "cue"]
    assert [c.data["phase"] for c in cues] == ["inhale", "hold", "exhale", "hold"]
    onsets = [c.at for c in cues]
    assert [round(b - a, 6) for a, b in itertools.pairwise(onsets)] == [4.0, 4.0, 4.0]
    assert all(c.at == pytest.approx(c.data["scheduled"]) for c in cues)


def test_listening_starts_after_the_question_has_been_played() -> None:
    runner, events, _, listener = make(["two", "yes"])
    runner.run()
    played = [e for e in events if e.kind == "played"]
    for _, since in listener.requests:
        before = [p for p in played if p.data["end"] <= since]
        assert since == pytest.approx(before[-1].data["end"] + 0.15)
    assert [r.end_silence for r, _ in listener.requests] == [0.5, 0.5]
