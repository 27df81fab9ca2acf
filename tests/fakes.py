"""Fakes for fast unit tests of the flow machine: second implementations of the protocols."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from assistant.audio.chunk import AudioChunk
from assistant.clock import ManualClock
from assistant.listen import EndOfInput, Heard, ListenRequest
from assistant.stt.base import Final, Word

REPO = Path(__file__).resolve().parent.parent
# the seed articles sit in shared/ beside the repository (for CI and developers alike)
SEEDS = next((p for p in (REPO.parent / "shared" / "seeds", Path("/work/shared/seeds"))
              if p.is_dir()), REPO.parent / "shared" / "seeds")


def copied_from_seeds(texts: list[str], run: int = 7) -> list[str]:
    """Every run of `run` words in `texts` that also stands in a seed article."""
    from assistant.coach.pace import normalise

    seeds = " ".join(normalise(p.read_text()) for p in SEEDS.glob("*.txt"))
    found = []
    for text in texts:
        said = normalise(text).split()
        found += [" ".join(said[i:i + run]) for i in range(len(said) - run + 1)
                  if " ".join(said[i:i + run]) in seeds]
    return found


def timed(count: int, seconds: float, start: float = 12.0) -> list[Word]:
    """`count` evenly spaced words spanning `seconds` from `start`."""
    step = seconds / count
    return [Word(f"w{i}", start + i * step, start + (i + 1) * step, 0.9) for i in range(count)]


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
