"""The flow machine with fake engines: fast, exact, no audio."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from assistant.audio.wavfile import NullSpeaker
from assistant.clock import ManualClock
from assistant.events import Event
from assistant.flow.loader import find_flow, load_flow
from assistant.flow.runner import FlowRunner
from assistant.session import Session
from assistant.strengths import StrengthList
from tests.fakes import FakeListener, FakeVoice

REPO = Path(__file__).resolve().parent.parent


def make(answers: list[str | None], flow: str = "quick-reset", tmp: Path | None = None,
         preset: dict[str, object] | None = None,
         ) -> tuple[FlowRunner, list[Event], FakeVoice, FakeListener]:
    clock = ManualClock()
    events: list[Event] = []
    voice = FakeVoice()
    listener = FakeListener(clock, answers)
    session = Session(listener=listener, voice=voice, speaker=NullSpeaker(clock), clock=clock,
                      sinks=[events.append])
    session.answers.update(preset or {})
    loaded = find_flow(flow, tmp or Path("/nonexistent"))
    strengths = StrengthList(tmp or Path("/nonexistent"))
    return FlowRunner(loaded, session, strengths, seed=1), events, voice, listener


def stored(events: list[Event]) -> dict[str, object]:
    return {e.data["name"]: e.data["value"] for e in events if e.kind == "answer"}


def test_quick_reset_stores_the_answers_and_speaks_them_back() -> None:
    runner, _events, voice, _ = make(["seven", "four", "yeah"])
    assert runner.run() == {"stress_before": 7, "stress_after": 4, "ready": True}
    assert runner.state == "finished" and runner.reason == "finished"
    assert "You went from 7 to 4." in voice.said
    assert voice.said[-1].startswith("Good. Go gently.")


def test_a_branch_follows_the_answer() -> None:
    runner, _, voice, _ = make(["seven", "four", "not really"])
    runner.run()
    assert voice.said[-1].startswith("That is fine.")


def test_silence_and_a_wrong_answer_are_reprompted() -> None:
    runner, events, voice, _ = make([None, "purple", "four", "two", "yes"])
    assert runner.run()["stress_before"] == 4
    assert [e.kind for e in events].count("no_answer") == 1
    assert any(s.startswith("I didn't hear an answer.") for s in voice.said)
    assert any("Please say a number from 1 to 10" in s for s in voice.said)


def test_too_many_failures_moves_on_without_an_answer() -> None:
    runner, events, _, _ = make([None, None, None, "two", "yes"])
    assert runner.run() == {"stress_after": 2, "ready": True}
    skipped = [e for e in events if e.kind == "answer" and e.data.get("skipped")]
    assert [e.data["step"] for e in skipped] == ["stress-before"]


def test_breathing_cues_start_exactly_on_schedule() -> None:
    runner, events, _, _ = make(["five", "three", "yes"])
    runner.run()
    cues = [e for e in events if e.kind == "cue"]
    assert [c.data["phase"] for c in cues] == ["inhale", "hold", "exhale", "hold"]
    onsets = [c.at for c in cues]
    assert [round(b - a, 6) for a, b in itertools.pairwise(onsets)] == [4.0, 4.0, 4.0]
    assert all(c.at == pytest.approx(c.data["scheduled"], abs=1e-3) for c in cues)


@pytest.mark.parametrize(("pattern", "cues", "seconds"), [
    ("4-7-8", 4 * 3, 4 * 19), ("cyclic-sigh", 33 * 3, 33 * 9), ("resonant", 30 * 2, 300),
    ("3-0-3-0", 5 * 2, 5 * 6),
])
def test_breathe_patterns_keep_time_for_minutes(pattern: str, cues: int, seconds: int) -> None:
    runner, events, _, _ = make(["no"], flow="breathe", preset={"pattern": pattern})
    runner.run()
    found = [e for e in events if e.kind == "cue"]
    assert len(found) == cues
    first = found[0].data["scheduled"]
    assert found[-1].data["scheduled"] - first < seconds
    drift = max(abs(e.at - e.data["scheduled"]) for e in found)
    assert drift < 1e-3  # the scheduled time is stored rounded to the millisecond


def test_listening_starts_after_the_question_has_been_played() -> None:
    runner, events, _, listener = make(["two", "one", "yes"])
    runner.run()
    played = [e for e in events if e.kind == "played"]
    for _, since in listener.requests:
        before = [p for p in played if p.data["end"] <= since]
        assert since == pytest.approx(before[-1].data["end"] + 0.15, abs=1e-3)
    assert [r.end_silence for r, _ in listener.requests] == [0.5, 0.5, 0.5]


@pytest.mark.parametrize(("command", "check"), [
    ("repeat", lambda said: said.count("From one to ten, how tense do you feel right now?") == 2),
    ("slower", lambda said: "I'll speak more slowly." in said),
    ("faster", lambda said: "I'll speak a little faster." in said),
    ("help", lambda said: any(s.startswith("You can say repeat") for s in said)),
])
def test_commands_that_repeat_the_step(command: str, check: object) -> None:
    runner, events, voice, _ = make([command, "seven", "four", "yes"])
    assert runner.run() == {"stress_before": 7, "stress_after": 4, "ready": True}
    assert check(voice.said)  # type: ignore[operator]
    assert [e.data["command"] for e in events if e.kind == "command"] == [command]


def test_slower_and_faster_change_the_voice_rate() -> None:
    runner, events, _, _ = make(["slower", "slower", "seven", "faster", "four", "yes"])
    runner.run()
    assert [e.data["wpm"] for e in events if e.kind == "rate"] == [140, 120, 140]


def test_skip_and_back() -> None:
    runner, events, _, _ = make(["skip", "back", "three", "yes"])
    assert runner.run() == {"stress_after": 3, "ready": True}
    steps = [e.data["id"] for e in events if e.kind == "step"]
    assert steps[:8] == ["welcome", "stress-before", "box-breath", "reframe", "affirmation",
                         "stress-after", "affirmation", "stress-after"]


def test_stop_ends_and_says_goodbye() -> None:
    runner, _events, voice, _ = make(["seven", "quit"])
    assert runner.run() == {"stress_before": 7}
    assert runner.reason == "stopped by voice"
    assert voice.said[-1].startswith("Okay, let's stop here.")


def test_pause_waits_for_resume_then_repeats_the_step() -> None:
    runner, _events, voice, _ = make(["pause", None, "resume", "seven", "four", "yes"])
    assert runner.run()["stress_before"] == 7
    assert "Paused. Say resume when you're ready, or stop to finish." in voice.said
    assert "Let's continue." in voice.said
    assert voice.said.count("From one to ten, how tense do you feel right now?") == 2


def test_affirm_adds_to_the_persons_own_list(tmp_path: Path) -> None:
    StrengthList(tmp_path).add("I stay calm with angry callers")
    runner, events, voice, _ = make(["yes", "I explain things clearly", "no"], flow="affirm",
                                    tmp=tmp_path)
    runner.run()
    assert StrengthList(tmp_path).items() == ["I stay calm with angry callers",
                                              "I explain things clearly"]
    assert any(s == "From your own list: I stay calm with angry callers" for s in voice.said)
    assert [e.data["text"] for e in events if e.kind == "strength_added"] == [
        "I explain things clearly"]


def test_rehearsal_gives_feedback_and_keeps_the_best_attempt() -> None:
    weak = "I am sorry if you were upset but I was really busy"
    strong = ("I am sorry I snapped at you in the meeting it was my fault "
              "next time I will ask for a break and I would like to make it up to you")
    runner, events, voice, _ = make(["my colleague", weak, "yes", strong, "no",
                                     "talk to her tomorrow"], flow="apology-rehearsal")
    answers = runner.run()
    feedback = [e for e in events if e.kind == "feedback"]
    assert len(feedback) == 2 and feedback[0].data["score"] < feedback[1].data["score"]
    assert answers["apology"] == strong
    [best] = [e for e in events if e.kind == "rehearsal_best"]
    assert best.data["attempt"] == 2
    assert "the if after sorry" in feedback[0].data["summary"]
    assert feedback[0].data["summary"] in voice.said


def test_timebox_jumps_to_the_closing(tmp_path: Path) -> None:
    flow = tmp_path / "t.yaml"
    flow.write_text("name: t\ntitle: T\ntimebox:\n  seconds: 30\n  say: Time to close.\n"
                    "  goto: close\nsteps:\n  - id: a\n    ask: tell me more\n"
                    "  - id: loop\n    goto: a\n  - id: close\n    end: Bye.\n")
    runner, events, voice, _ = make(["more"] * 40, flow=str(flow))
    runner.run()
    assert "Time to close." in voice.said and voice.said[-1] == "Bye."
    assert [e.kind for e in events].count("timebox") == 1
    assert runner.flow == load_flow(flow)
