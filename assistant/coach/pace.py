"""How an attempt sounded: text normalising, speaking pace and filler words.

Pure Python. Pace comes from the recognizer's word times; fillers from the words themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assistant.stt.base import Word

Pace = Literal["rushed", "conversational", "slow", "unknown"]

RUSHED_ABOVE = 160.0
"""Words a minute above which speech tends to sound rushed."""
SLOW_BELOW = 100.0
"""Words a minute below which speech may sound hesitant (110 to 150 is the comfortable middle)."""
RUSHED_PENALTY = 10.0
SLOW_PENALTY = 4.0
SOME_FILLERS = 4.0
"""Fillers per 100 words from which a small penalty applies."""
MANY_FILLERS = 8.0
"""Fillers per 100 words that count as many."""

_NOT_TEXT = re.compile(r"[^a-z0-9' ]+")
_WHOLE = {
    "won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not",
    "let's": "let us", "im": "i am", "ive": "i have", "id": "i would", "dont": "do not",
    "didnt": "did not", "doesnt": "does not", "wont": "will not", "cant": "can not",
    "isnt": "is not", "wasnt": "was not", "werent": "were not", "shouldnt": "should not",
    "couldnt": "could not", "wouldnt": "would not", "hadnt": "had not", "havent": "have not",
    "thats": "that is", "whats": "what is", "youre": "you are", "theyre": "they are",
}
_SUFFIXES = (("n't", " not"), ("'m", " am"), ("'re", " are"), ("'ve", " have"),
             ("'ll", " will"), ("'d", " would"), ("'s", " is"))

_SIMPLE_FILLERS = {"um": "um", "umm": "um", "uhm": "um", "uh": "uh", "uhh": "uh", "er": "er",
                   "erm": "er", "err": "er", "basically": "basically", "actually": "actually",
                   "literally": "literally"}
_LIKE_NOT_FILLER_AFTER = {
    "would", "i", "you", "we", "they", "he", "she", "not", "do", "did", "does", "really",
    "feel", "felt", "feels", "look", "looks", "looked", "sound", "sounds", "seem", "seems",
    "seemed", "something", "anything", "nothing", "more", "much", "most",
}
_KIND_OF_NOT_FILLER_AFTER = {"what", "this", "that", "the", "a", "any", "some", "every", "which",
                             "same", "one", "no", "these", "those", "different"}


def spoken_words(text: str) -> list[str]:
    """The words as said: lower case, punctuation removed, contractions kept."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [w.strip("'") for w in _NOT_TEXT.sub(" ", lowered).split() if w.strip("'")]


def tokens(text: str) -> list[str]:
    """The words with contractions spelled out ("i'd" becomes "i would"), for matching."""
    out: list[str] = []
    for word in spoken_words(text):
        full = _WHOLE.get(word)
        if full is None:
            full = next((word[: -len(s)] + e for s, e in _SUFFIXES
                         if word.endswith(s) and len(word) > len(s)), word)
        out.extend(full.split())
    return out


def normalise(text: str) -> str:
    """Lower case, no punctuation, contractions spelled out, single spaces."""
    return " ".join(tokens(text))


def count_fillers(words: Sequence[str]) -> dict[str, int]:
    """Filler words and phrases found in normalised `words`, by filler, most common first."""

    def at(j: int) -> str:
        return words[j] if 0 <= j < len(words) else ""

    counts: dict[str, int] = {}
    for i, word in enumerate(words):
        before, after = at(i - 1), at(i + 1)
        found = _SIMPLE_FILLERS.get(word)
        if word == "like" and before not in _LIKE_NOT_FILLER_AFTER and after != "to":
            found = "like"
        elif (word == "know" and before == "you" and at(i - 2) not in {"do", "did", "if", "as"}
              and after not in {"that", "how", "what", "why", "when", "where", "who"}):
            found = "you know"
        elif word == "mean" and before == "i" and after not in {"it", "that", "to", "what"}:
            found = "i mean"
        elif (word == "of" and before in {"sort", "kind"}
              and at(i - 2) not in _KIND_OF_NOT_FILLER_AFTER):
            found = before + " of"
        if found:
            counts[found] = counts.get(found, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def filler_rate(fillers: Mapping[str, int], words: int) -> float:
    """Fillers per 100 words."""
    return 100.0 * sum(fillers.values()) / words if words else 0.0


def words_per_minute(words: Sequence[Word]) -> float | None:
    """Speaking rate from first word start to last word end; None under 3 words or no times."""
    if len(words) < 3:
        return None
    span = max(w.end for w in words) - min(w.start for w in words)
    return len(words) * 60.0 / span if span > 0 else None


def pace_of(wpm: float | None) -> Pace:
    if wpm is None:
        return "unknown"
    if wpm > RUSHED_ABOVE:
        return "rushed"
    return "slow" if wpm < SLOW_BELOW else "conversational"


def delivery_penalty(pace: Pace, fillers: Mapping[str, int], words: int) -> float:
    """Points taken off for a rushed or very slow pace and for many fillers."""
    penalty = {"rushed": RUSHED_PENALTY, "slow": SLOW_PENALTY}.get(pace, 0.0)
    rate = filler_rate(fillers, words)
    if rate >= MANY_FILLERS:
        penalty += 10.0
    elif rate >= SOME_FILLERS:
        penalty += 5.0
    return penalty


def spoken_feedback(praise: str, advice: str, pace: Pace, wpm: float | None,
                    fillers: Mapping[str, int], words: int) -> str:
    """Praise, advice, then a sentence on pace (when off) and on fillers (when frequent)."""
    out = [praise, advice]
    about = f"about {round(wpm / 10) * 10}" if wpm is not None else ""
    if pace == "rushed":
        out.append(f"You spoke at {about} words a minute, which can come across as hurried, "
                   "so slow down and give each sentence a moment to land.")
    elif pace == "slow":
        out.append(f"You spoke at {about} words a minute, which may sound a little unsure, "
                   "so let the words flow a bit more freely.")
    if fillers and filler_rate(fillers, words) >= SOME_FILLERS:
        common = next(iter(fillers))
        out.append(f"Words like {common} crept in quite often, and a short quiet pause "
                   "can do the same job.")
    return " ".join(out)


def measure(text: str, words: Sequence[Word]) -> tuple[str, int, float | None, Pace,
                                                        dict[str, int]]:
    """Normalised text, word count, words a minute, pace and fillers of one attempt.

    The recognizer's words stand in for the text when the text is empty.
    """
    if not text.strip():
        text = " ".join(w.text for w in words)
    said = normalise(text)
    wpm = words_per_minute(words)
    return said, len(spoken_words(text)), wpm, pace_of(wpm), count_fillers(said.split())
