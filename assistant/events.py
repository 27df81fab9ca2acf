"""Session events: what happened, when.

Transcripts, the live console and scripted users consume them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Event:
    """One thing that happened in a session."""

    kind: str
    """session, step, said, listen, heard, no_answer, answer, error, cancelled, end."""
    at: float
    """Session time in seconds (audio time in file and scripted runs)."""
    data: dict[str, Any] = field(default_factory=dict)
    """The event's own fields."""
    wall: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(
        timespec="milliseconds"))
    """Wall-clock time, UTC, ISO 8601."""

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "at": round(self.at, 3), "time": self.wall, **self.data}


EventSink = Callable[[Event], None]
