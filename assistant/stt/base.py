"""The recognizer protocol and the results it emits.

An utterance is `begin(vocabulary)`, any number of `accept(chunk)` calls
(each may return a `Partial`), then `end()` which returns the `Final`.
Word times are seconds on the session clock (the engine adds the time stamp
of the first chunk it was given to its own utterance-relative times).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.audio.chunk import AudioChunk
from assistant.errors import EngineError


@dataclass(frozen=True)
class Word:
    """One recognized word."""

    text: str
    start: float
    """Session time the word started."""
    end: float
    """Session time the word ended."""
    confidence: float | None = None
    """0..1 where the engine gives one."""


@dataclass(frozen=True)
class Partial:
    """The engine's current best guess while the person is still speaking."""

    text: str


@dataclass(frozen=True)
class Final:
    """What the person said in one utterance."""

    text: str
    words: tuple[Word, ...] = ()
    confidence: float | None = None
    """Mean word confidence where the engine gives one."""
    engine: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """What the recognizer should listen for: a list of phrases, or free dictation when empty."""

    phrases: tuple[str, ...] = ()

    @property
    def dictation(self) -> bool:
        """True when any words are allowed."""
        return not self.phrases

    def split(self, known: Callable[[str], bool],
              engine: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(normalized phrases the engine can say, phrases dropped); an error if none is left."""
        kept: dict[str, None] = {}
        dropped: list[str] = []
        for phrase in self.phrases:
            words = normalize(phrase).split()
            if words and all(known(w) for w in words):
                kept.setdefault(" ".join(words), None)
            else:
                dropped.append(phrase)
        if not kept:
            raise EngineError(f"none of the expected answers {list(self.phrases)} are in the "
                              f"{engine} vocabulary; use common words in the flow")
        return tuple(kept), tuple(dropped)

    def words(self) -> list[str]:
        """Every distinct word in the phrases, in order of first use."""
        seen: dict[str, None] = {}
        for phrase in self.phrases:
            for w in normalize(phrase).split():
                seen.setdefault(w, None)
        return list(seen)


DICTATION = Vocabulary()


class Recognizer(Protocol):
    """A streaming speech recognizer over 16 kHz mono int16 chunks."""

    name: str

    def begin(self, vocabulary: Vocabulary) -> None:
        """Start an utterance, restricted to `vocabulary` (or free dictation)."""
        ...

    def accept(self, chunk: AudioChunk) -> Partial | None:
        """Feed audio; return a new partial result when the guess changed."""
        ...

    def end(self) -> Final:
        """Finish the utterance and return what was said."""
        ...


_NON_WORD = re.compile(r"[^a-z0-9' \u0080-\uffff]+")


def normalize(text: str) -> str:
    """Lower case, punctuation removed, single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def mean_confidence(words: tuple[Word, ...]) -> float | None:
    """The mean of the words' confidences, or None if the engine gave none."""
    known = [w.confidence for w in words if w.confidence is not None]
    return sum(known) / len(known) if known else None

