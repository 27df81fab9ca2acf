"""Typed answers (keyboard mode): for quiet places and for debugging a flow."""

from __future__ import annotations

import sys
from typing import TextIO

from assistant.clock import AnyClock
from assistant.listen import EndOfInput, Heard, ListenRequest
from assistant.stt.base import Final, Word


class TypedListener:
    """Reads one line per answer from a text stream instead of listening."""

    name = "typed"

    def __init__(self, clock: AnyClock, stream: TextIO | None = None,
                 prompt: TextIO | None = None) -> None:
        self.clock = clock
        self.stream = stream or sys.stdin
        self.prompt = prompt if prompt is not None else sys.stdout

    def listen(self, request: ListenRequest, since: float) -> Heard | None:
        """One typed line is one answer; an empty line counts as silence."""
        phrases = request.vocabulary.phrases
        hint = f" ({' / '.join(phrases)})" if phrases else ""
        self.prompt.write(f"  type your answer{hint}: ")
        self.prompt.flush()
        line = self.stream.readline()
        if not line:
            raise EndOfInput
        text = line.strip()
        now = self.clock.now()
        if not text:
            return None
        words = tuple(Word(w, now, now, 1.0) for w in text.split())
        return Heard(Final(text, words, 1.0, self.name), now, now, now)

    def close(self) -> None:
        pass
