"""Every flow end to end: the scripted user's real speech through the real recognizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import RunOptions, run_flow
from assistant.settings import load_settings
from assistant.transcript import read_events

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
DEMOS = REPO / "flows" / "demo"


def run(flow: str, script: Path, **preset: object) -> tuple[str, list[dict[str, object]]]:
    settings = load_settings(engine="pocketsphinx")
    result = run_flow(settings, RunOptions(flow=flow, user_script=script, silent=True,
                                           live=False, seed=4, preset=dict(preset)))
    return result.reason, read_events(result.transcript)


def answers(events: list[dict[str, object]]) -> dict[str, object]:
    return {str(e["name"]): e["value"] for e in events if e["type"] == "answer" and e["name"]}


@pytest.mark.parametrize(("flow", "expected"), [
    ("quick-reset", {"stress_before": 7, "stress_after": 4, "ready": True}),
    ("breathe", {"pattern": "box", "again": False}),
    ("affirm", {"more": False}),
    ("evening-reflection", {"root": "misunderstanding", "priority": "relationship"}),
    ("apology-rehearsal", {}),
    ("conversation-prep", {"mutual": False}),
])
def test_each_flow_completes_with_its_demo_user(flow: str, expected: dict[str, object]) -> None:
    reason, events = run(flow, DEMOS / f"{flow}.yaml")
    assert reason == "finished"
    assert events[-1]["type"] == "end" and events[-1]["reason"] == "finished"
    got = answers(events)
    assert {k: got.get(k) for k in expected} == expected
    assert not [e for e in events if e["type"] == "error"]


def test_evening_reflection_reprompts_after_silence() -> None:
    _, events = run("evening-reflection", DEMOS / "evening-reflection.yaml")
    kinds = [e["type"] for e in events]
    assert kinds.count("no_answer") == 1
    said = [str(e["text"]) for e in events if e["type"] == "said"]
    assert any(s.startswith("I didn't hear an answer.") for s in said)
    assert "next_step" in answers(events)


def test_apology_rehearsal_keeps_the_better_attempt() -> None:
    _, events = run("apology-rehearsal", DEMOS / "apology-rehearsal.yaml")
    feedback = [e for e in events if e["type"] == "feedback"]
    assert len(feedback) == 2
    assert float(str(feedback[1]["score"])) > float(str(feedback[0]["score"]))
    [best] = [e for e in events if e["type"] == "rehearsal_best"]
    assert best["attempt"] == 2 and "fault" in str(best["text"])
    assert any("if after sorry" in str(f["summary"]) for f in feedback[:1])


def test_a_misheard_answer_is_asked_again(tmp_path: Path) -> None:
    script = tmp_path / "user.yaml"
    script.write_text("voice: piper\nturns:\n  - seven\n  - four\n  - the weather\n"
                      "  - say: 'yes'\n    voice: en-us+m1\n")
    reason, events = run("quick-reset", script)
    assert reason == "finished"
    said = [str(e["text"]) for e in events if e["type"] == "said"]
    assert "Sorry, I didn't get that. Please answer yes or no." in said
    assert answers(events)["ready"] is True


def test_every_voice_command_through_real_speech(tmp_path: Path) -> None:
    script = tmp_path / "user.yaml"
    script.write_text(
        "voice: piper\nturns:\n"
        "  - repeat\n  - help\n  - slow down\n  - faster\n  - seven\n"  # stress-before
        "  - next\n"                                                     # stress-after: skipped
        "  - back\n"                                                   # ready: back to stress-after
        "  - four\n  - say: 'yes'\n    voice: en-us+f2\n")
    reason, events = run("quick-reset", script)
    assert reason == "finished"
    commands = [e["command"] for e in events if e["type"] == "command"]
    assert commands == ["repeat", "help", "slower", "faster", "skip", "back"]
    assert answers(events) == {"stress_before": 7, "stress_after": 4, "ready": True}
    rates = [e["wpm"] for e in events if e["type"] == "rate"]
    assert rates == [140, 160]


def test_breathe_pattern_from_the_command_line() -> None:
    script = DEMOS / "breathe.yaml"
    reason, events = run("breathe", script, pattern="4-7-8")
    assert reason == "finished"
    [breathing] = [e for e in events if e["type"] == "breathing"][:1]
    assert breathing["pattern"] == "4-7-8" and breathing["cycles"] == 4
