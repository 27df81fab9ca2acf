"""Understanding answers: the natural ways of saying yes, no or a number."""

from __future__ import annotations

from assistant.stt.base import Vocabulary, normalize

YES = ("yes", "yeah", "yep", "sure", "of course", "i am", "i think so", "ready", "okay",
       "definitely", "absolutely", "yes i am")
NO = ("no", "nope", "not really", "not yet", "i am not", "no i am not", "not quite")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten")


def yes_no_vocabulary() -> Vocabulary:
    return Vocabulary(YES + NO)


def number_vocabulary(low: int, high: int) -> Vocabulary:
    return Vocabulary(tuple(NUMBER_WORDS[n] for n in range(low, high + 1)))


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when it is neither."""
    said = normalize(text)
    if said in NO or any(said.startswith(n + " ") for n in ("no", "nope")):
        return False
    if said in YES or said.split()[:1] in (["yes"], ["yeah"], ["sure"]):
        return True
    return None


def parse_number(text: str, low: int, high: int) -> int | None:
    """The number said (as a word or digits) if it is within [low, high]."""
    for token in normalize(text).split():
        value = NUMBER_WORDS.index(token) if token in NUMBER_WORDS else None
        if value is None and token.isdigit():
            value = int(token)
        if value is not None and low <= value <= high:
            return value
    return None
