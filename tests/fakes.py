"""Fakes for fast unit tests of the flow machine: second implementations of the protocols."""

from __future__ import annotations

from collections import deque

from assistant.audio.chunk import AudioChunk
from assistant.clock import ManualClock
from assistant.listen import EndOfInput, Heard, ListenRequest
from assistant.stt.base import Final, Word


class FakeVoice:
    """Every sentence lasts 0.05 s per character: deterministic timing without espeak."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def render(self, text: str, rate: int = 160) -> AudioChunk:
        self.said.append(text)
        return AudioChunk.silence(0.05 * len(text), rate=22_050)


class FakeListener:
    """Answers from a list: a string is heard, None is silence until the timeout."""

    def __init__(self, clock: ManualClock, answers: list[str | None]) -> None:
        self.clock = clock
        self.answers = deque(answers)
        self.requests: list[tuple[ListenRequest, float]] = []

    def listen(self, request: ListenRequest, since: float) -> Heard | None:
        self.requests.append((request, since))
        if not self.answers:
            raise EndOfInput
        text = self.answers.popleft()
        if text is None:
            self.clock.advance_to(since + request.timeout)
            return None
        start = since + 0.5
        end = start + 0.3 * len(text.split())
        self.clock.advance_to(end + request.end_silence)
        words = tuple(Word(w, start, end, 0.9) for w in text.split())
        return Heard(Final(text, words, 0.9, "fake"), start, end, self.clock.now())

    def close(self) -> None:
        pass
