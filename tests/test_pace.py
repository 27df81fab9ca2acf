"""Pace and filler words: the delivery half of rehearsal feedback."""

from __future__ import annotations

import pytest

from assistant.coach.apology import analyse_apology
from assistant.coach.pace import count_fillers, normalise, words_per_minute
from assistant.stt.base import Word
from tests.fakes import timed
from tests.test_apology import GOOD, assert_speakable

# pace


def test_words_per_minute_from_word_times() -> None:
    assert words_per_minute(timed(30, 9.0)) == pytest.approx(200.0)
    assert words_per_minute(timed(2, 1.0)) is None
    assert words_per_minute([Word("a", 0, 0), Word("b", 0, 0), Word("c", 0, 0)]) is None


def test_rushed_attempt_is_flagged_and_costs_points() -> None:
    calm = analyse_apology(GOOD[2])
    rushed = analyse_apology(GOOD[2], timed(30, 9.0))
    assert rushed.wpm == pytest.approx(200.0)
    assert rushed.pace == "rushed"
    assert rushed.score == calm.score - 10.0
    summary = rushed.summary()
    assert "about 200 words a minute" in summary
    assert "slow down" in summary
    assert_speakable(summary)


def test_conversational_attempt_says_nothing_about_pace() -> None:
    report = analyse_apology(GOOD[2], timed(26, 12.0))
    assert report.wpm == pytest.approx(130.0)
    assert report.pace == "conversational"
    assert "words a minute" not in report.summary()


def test_slow_attempt() -> None:
    report = analyse_apology(GOOD[2], timed(12, 9.0))
    assert report.wpm == pytest.approx(80.0)
    assert report.pace == "slow"
    assert "about 80 words a minute" in report.summary()


def test_pace_is_unknown_without_times() -> None:
    report = analyse_apology(GOOD[2])
    assert report.wpm is None
    assert report.pace == "unknown"


def test_words_stand_in_for_missing_text() -> None:
    said = ["i", "am", "sorry", "it", "was", "my", "fault"]
    words = [Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(said)]
    report = analyse_apology("", words)
    assert report.words == 7
    assert report.components["responsibility"] is True


# fillers


def test_fillers_are_counted() -> None:
    text = "Um, I'd like to say sorry, like, I was, uh, basically wrong, you know, um."
    report = analyse_apology(text)
    assert dict(report.fillers) == {"um": 2, "like": 1, "uh": 1, "basically": 1, "you know": 1}


@pytest.mark.parametrize("text", [
    "I'd like to make it right",
    "I would like to fix it",
    "I really like you and I feel like I let you down",
    "What kind of apology would you like",
    "I mean it when I say I am sorry",
])
def test_words_that_only_look_like_fillers_are_not_counted(text: str) -> None:
    assert count_fillers(normalise(text).split()) == {}


def test_kind_of_and_sort_of_as_fillers() -> None:
    assert count_fillers(normalise("I was kind of rude and sort of careless").split()) == {
        "kind of": 1, "sort of": 1}


def test_many_fillers_cost_points_and_get_a_gentle_word() -> None:
    plain = analyse_apology("I am sorry, it was my fault, I will fix it today.")
    filled = analyse_apology("Um I am sorry, uh, it was my fault, um, I will fix it, like, today.")
    assert sum(filled.fillers.values()) == 4
    assert filled.score == plain.score - 10.0
    assert "Words like um" in filled.summary()
    assert "Words like" not in plain.summary()
