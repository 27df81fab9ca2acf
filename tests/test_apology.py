from __future__ import annotations

import re

import pytest

from assistant.coach.apology import (
    BLAME,
    BUT,
    COMPONENTS,
    CONDITIONAL,
    EXCUSE,
    FEELINGS,
    MINIMISING,
    PASSIVE,
    WEIGHTS,
    ApologyReport,
    OpeningReport,
    analyse_apology,
    analyse_opening,
    best_attempt,
)
from assistant.coach.pace import normalise
from tests.fakes import SEEDS, copied_from_seeds, timed

GOOD = [
    "I'm sorry. It was my fault, I shouldn't have raised my voice. I was stressed because of the "
    "deadline. From now on I'll take a breath first. Can I make it up to you? I hope you can "
    "forgive me.",
    "I am so sorry I missed your birthday dinner. I take full responsibility. I will make sure it "
    "never happens again. Let me take you out this weekend to make it up to you.",
    "I apologize, I was wrong to share your story without asking. That's on me. What can I do to "
    "make this right?",
    "i'm sorry i made a mistake with the report i will fix it today and from now on i will double "
    "check",
    "sorry I was rude in the meeting I interrupted you going forward I'll let you finish and I'd "
    "like to make it right please forgive me",
]

NON_APOLOGIES = [
    ("I'm sorry if you were offended by what I said.", CONDITIONAL),
    ("I'm sorry you feel that way.", FEELINGS),
    ("I'm sorry you were upset about the meeting.", FEELINGS),
    ("I'm sorry, but you were being completely unreasonable.", BUT),
    ("Sorry I was late but you know how the traffic is.", BUT),
    ("You made me so angry, it wasn't my fault.", BLAME),
    ("If you hadn't pushed me I wouldn't have said it.", BLAME),
    ("Come on, it was just a joke, it's no big deal.", MINIMISING),
    ("I was only teasing, you're overreacting.", MINIMISING),
    ("Mistakes were made and I regret that.", PASSIVE),
]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", text.strip()) if s]


def assert_speakable(text: str) -> None:
    assert "{" not in text and "}" not in text
    assert not re.search(r"[%$#@*&<>=_/\\|]", text)
    assert not re.search(r"\d[.:,]\d|\d%|[0-9]{4,}", text)
    assert 2 <= len(sentences(text)) <= 4
    assert all(s.endswith(".") for s in sentences(text))


# normalising


def test_normalise_spells_out_contractions_and_drops_punctuation() -> None:
    assert normalise("I'm SORRY, I won’t do it again!") == "i am sorry i will not do it again"
    assert normalise("I'd like that's on me") == "i would like that is on me"
    assert normalise("im sorry it wasnt fair") == "i am sorry it was not fair"


# good apologies and non-apologies


@pytest.mark.parametrize("text", GOOD)
def test_good_apologies_own_responsibility_and_score_high(text: str) -> None:
    report = analyse_apology(text)
    assert report.components["responsibility"] is True
    assert report.non_apology == ()
    assert report.score >= 60.0
    assert_speakable(report.summary())


def test_a_complete_apology_scores_full_marks() -> None:
    report = analyse_apology(GOOD[0])
    assert all(report.components.values())
    assert report.missing == ()
    assert report.score == 100.0


@pytest.mark.parametrize(("text", "label"), NON_APOLOGIES)
def test_non_apologies_are_flagged_and_score_low(text: str, label: str) -> None:
    report = analyse_apology(text)
    assert label in report.non_apology
    assert report.components["responsibility"] is False
    assert report.score <= 20.0
    assert_speakable(report.summary())


def test_a_sorry_that_is_conditional_does_not_count_as_regret() -> None:
    report = analyse_apology("I'm sorry if anyone was hurt.")
    assert report.components["regret"] is False
    assert report.non_apology == (CONDITIONAL,)
    assert report.score == 0.0


def test_not_my_fault_is_not_taking_responsibility() -> None:
    report = analyse_apology("It was not my fault.")
    assert report.non_apology == (BLAME,)
    assert report.components["responsibility"] is False


def test_explanation_without_responsibility_may_sound_like_an_excuse() -> None:
    report = analyse_apology("I was really stressed because of work.")
    assert report.non_apology == (EXCUSE,)
    assert report.score == 2.0
    assert "excuse" in report.summary()
    assert "responsibility" in report.summary()
    with_ownership = analyse_apology("I was stressed because of work, but I was wrong.")
    assert EXCUSE not in with_ownership.non_apology


# components one by one


@pytest.mark.parametrize(("component", "text"), [
    ("regret", "I am truly sorry."),
    ("regret", "I regret how that went."),
    ("regret", "I apologise."),
    ("explanation", "I was exhausted after the night shift."),
    ("explanation", "What happened was the train stopped."),
    ("responsibility", "That was my fault."),
    ("responsibility", "I should not have shouted."),
    ("responsibility", "That's on me."),
    ("responsibility", "I take responsibility."),
    ("repentance", "It won't happen again."),
    ("repentance", "Next time I will check first."),
    ("repair", "What can I do to make this right?"),
    ("repair", "I'd like to make this right."),
    ("forgiveness", "Can you forgive me?"),
    ("forgiveness", "I hope you can forgive me."),
])
def test_each_component_is_detected_on_its_own(component: str, text: str) -> None:
    report = analyse_apology(text)
    assert {c for c in COMPONENTS if report.components[c]} == {component}
    assert component not in report.missing
    assert len(report.missing) == 5


def test_weights_put_responsibility_first_repair_second_forgiveness_last() -> None:
    assert sum(WEIGHTS.values()) == 100.0
    ranked = sorted(WEIGHTS, key=lambda c: -WEIGHTS[c])
    assert ranked[:2] == ["responsibility", "repair"]
    assert ranked[-1] == "forgiveness"
    assert analyse_apology("That was my fault.").score == 30.0
    assert analyse_apology("Can you forgive me?").score == 8.0


# summaries


def test_summary_mentions_responsibility_when_missing() -> None:
    report = analyse_apology("I'm sorry. I will fix it and it won't happen again.")
    assert report.components["responsibility"] is False
    summary = report.summary()
    assert "responsibility" in summary
    assert summary.startswith("Nice work, you offered to put things right")
    assert_speakable(summary)


def test_summary_addresses_the_non_apology_before_missing_parts() -> None:
    summary = analyse_apology("I'm sorry, but you started it.").summary()
    assert "points back at them" in summary


def test_summary_of_a_complete_apology_is_warm() -> None:
    summary = analyse_apology(GOOD[0]).summary()
    assert summary.startswith("Nice work, you took clear ownership of your part")
    assert "covered every part" in summary


def test_summaries_are_in_our_own_words() -> None:
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available")
    texts = [analyse_apology(t, timed(30, 9.0)).summary() for t, _ in NON_APOLOGIES]
    texts += [analyse_apology(t).summary() for t in GOOD]
    texts += [analyse_opening(t).summary() for t in ("I want to talk", "You never listen")]
    assert copied_from_seeds(texts) == []


# best attempt


def test_best_attempt_picks_the_highest_score() -> None:
    reports = [analyse_apology(NON_APOLOGIES[0][0]), analyse_apology(GOOD[0]),
               analyse_apology(GOOD[2])]
    assert best_attempt(reports) == 1


def test_best_attempt_prefers_the_later_on_a_tie() -> None:
    first, second = analyse_apology(GOOD[2]), analyse_apology(GOOD[2])
    assert best_attempt([first, second]) == 1
    assert best_attempt([analyse_opening("You never listen")]) == 0
    with pytest.raises(ValueError):
        best_attempt([])


# openings


GOOD_OPENING = ("I'd like us to find a way forward together. Our friendship matters to me, and "
                "I'd like to hear how you see it.")


def test_good_opening() -> None:
    report = analyse_opening(GOOD_OPENING)
    assert isinstance(report, OpeningReport)
    assert dict(report.checks) == {"intention": True, "care": True, "invitation": True}
    assert report.accusations == ()
    assert report.score == 100.0
    assert_speakable(report.summary())


def test_accusatory_opening() -> None:
    report = analyse_opening("You always do this. Why did you leave me out? You never listen.")
    assert report.accusations == ("you always", "you never", "why did you")
    assert report.score == 0.0
    assert "accusing" in report.summary()
    assert_speakable(report.summary())


def test_opening_missing_the_invitation() -> None:
    report = analyse_opening("My goal is that we sort this out, because I value working with you.")
    assert report.missing == ("invitation",)
    assert report.score == 65.0
    assert "open question" in report.summary()


def test_opening_pace_and_fillers() -> None:
    report = analyse_opening("Um so like I want us to talk", timed(8, 2.0))
    assert report.pace == "rushed"
    assert dict(report.fillers) == {"um": 1, "like": 1}
    assert report.score == 35.0 - 10.0 - 10.0
    assert "about 240 words a minute" in report.summary()


def test_report_is_frozen() -> None:
    report: ApologyReport = analyse_apology(GOOD[0])
    with pytest.raises(AttributeError):
        report.score = 0.0  # type: ignore[misc]
