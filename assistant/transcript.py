"""Transcripts: one JSON-lines file per session, flushed and fsync'd per event.

Folder 0700, files 0600. The reader tolerates a torn last line, so a crash
leaves everything up to the last complete event readable.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.errors import StorageError
from assistant.events import SCHEMA_VERSION, Event


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    except OSError as exc:
        raise StorageError(f"cannot create private folder {path} ({exc.strerror}); "
                           "set REGROUP_HOME to a writable folder") from None
    return path


class TranscriptWriter:
    """Appends events to a new transcript file; every event is on disk before the next."""

    def __init__(self, folder: Path, flow: str) -> None:
        private_dir(folder)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.id = f"{stamp}-{flow}-{secrets.token_hex(2)}"
        self.path = folder / f"{self.id}.jsonl"
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                               0o600)
        except OSError as exc:
            raise StorageError(f"cannot create transcript {self.path} ({exc.strerror})") from None
        self.failed: str | None = None

    def __call__(self, event: Event) -> None:
        """Write one event (an `EventSink`); partial results are not kept, only finals."""
        if event.kind == "partial":
            return
        line = json.dumps(event.to_json(), ensure_ascii=False) + "\n"
        try:
            os.write(self._fd, line.encode("utf-8"))
            os.fsync(self._fd)
        except OSError as exc:  # e.g. disk full: report once, keep the session going
            if self.failed is None:
                self.failed = f"transcript {self.path} could not be written ({exc.strerror})"
                raise StorageError(self.failed + "; free some disk space") from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


@dataclass(frozen=True)
class TranscriptInfo:
    """A transcript as listed."""

    id: str
    path: Path
    flow: str
    started: str
    events: int
    complete: bool


def read_events(path: Path) -> list[dict[str, Any]]:
    """All complete events; a torn or corrupt line is skipped, never fatal."""
    events = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise StorageError(f"cannot read transcript {path} ({exc.strerror})") from None
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            events.append(item)
    return events


def list_transcripts(folder: Path) -> list[TranscriptInfo]:
    """Every transcript in the folder, oldest first."""
    if not folder.exists():
        return []
    infos = []
    for path in sorted(folder.glob("*.jsonl")):
        events = read_events(path)
        head = events[0] if events else {}
        infos.append(TranscriptInfo(
            id=path.stem, path=path, flow=str(head.get("flow", "?")),
            started=str(head.get("time", "?"))[:19].replace("T", " "), events=len(events),
            complete=bool(events) and events[-1].get("type") in ("end", "cancelled")))
    return infos


def find_transcript(folder: Path, ident: str) -> Path:
    """The transcript whose id is `ident` or starts with it (or 'last')."""
    infos = list_transcripts(folder)
    if ident == "last" and infos:
        return infos[-1].path
    matches = [i for i in infos if i.id == ident] or [i for i in infos if i.id.startswith(ident)]
    if len(matches) != 1:
        hint = "several match" if matches else "none matches"
        raise StorageError(f"transcript '{ident}': {hint}; see 'regroup transcripts list'")
    return matches[0].path


def session_header(flow: str, engine: str) -> dict[str, Any]:
    """The first event's fields."""
    return {"schema": SCHEMA_VERSION, "flow": flow, "engine": engine}
