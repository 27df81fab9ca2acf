"""Session time. Real runs use the monotonic clock; file and scripted runs use audio time.

A `ManualClock` only moves when audio moves (a chunk heard, a sentence
played) or when a wait is asked for, so tests never sleep and a five-minute
breathing session runs in milliseconds.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Where the session is in time, in seconds."""

    def now(self) -> float:
        """The current session time."""
        ...

    def wait_until(self, t: float) -> None:
        """Return once the session time has reached `t`."""
        ...


class MonotonicClock:
    """Wall time since the session started, from `time.monotonic`."""

    virtual = False

    def __init__(self) -> None:
        self._origin = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._origin

    def wait_until(self, t: float) -> None:
        delay = t - self.now()
        if delay > 0:
            time.sleep(delay)

    def advance_to(self, t: float) -> None:
        """Real time moves by itself; nothing to do."""


class ManualClock:
    """Audio time: moves forward only when told to."""

    virtual = True

    def __init__(self, start: float = 0.0) -> None:
        self._t = start

    def now(self) -> float:
        return self._t

    def wait_until(self, t: float) -> None:
        self.advance_to(t)

    def advance_to(self, t: float) -> None:
        """Move to `t` if it is later than now."""
        if t > self._t:
            self._t = t

    def advance(self, seconds: float) -> None:
        """Move forward by `seconds`."""
        self._t += max(0.0, seconds)


AnyClock = MonotonicClock | ManualClock
