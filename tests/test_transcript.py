from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.errors import StorageError
from assistant.events import Event
from assistant.transcript import (
    TranscriptWriter,
    find_transcript,
    list_transcripts,
    read_events,
)


def test_private_files_and_one_event_per_line(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    writer = TranscriptWriter(folder, "quick-reset")
    writer(Event("session", 0.0, {"flow": "quick-reset", "schema": 1}))
    writer(Event("heard", 1.5, {"text": "seven", "confidence": 0.9}))
    writer.close()
    assert os.stat(folder).st_mode & 0o777 == 0o700
    assert os.stat(writer.path).st_mode & 0o777 == 0o600
    events = read_events(writer.path)
    assert [e["type"] for e in events] == ["session", "heard"]
    assert events[1]["at"] == 1.5 and events[1]["text"] == "seven"


def test_a_torn_last_line_loses_only_that_event(tmp_path: Path) -> None:
    writer = TranscriptWriter(tmp_path, "x")
    writer(Event("session", 0.0, {"flow": "x"}))
    writer(Event("said", 1.0, {"text": "hello"}))
    writer.close()
    with writer.path.open("a") as f:
        f.write('{"type": "heard", "text": "sev')  # the process died mid-write
    events = read_events(writer.path)
    assert [e["type"] for e in events] == ["session", "said"]
    [info] = list_transcripts(tmp_path)
    assert info.flow == "x" and info.events == 2 and not info.complete


def test_find_by_prefix_and_last(tmp_path: Path) -> None:
    first = TranscriptWriter(tmp_path, "a")
    first(Event("session", 0.0, {"flow": "a"}))
    first.close()
    assert find_transcript(tmp_path, "last") == first.path
    assert find_transcript(tmp_path, first.id[:-2]) == first.path
    with pytest.raises(StorageError, match="none matches; see 'regroup transcripts list'"):
        find_transcript(tmp_path, "zzz")


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StorageError, match="REGROUP_HOME"):
        TranscriptWriter(blocker / "sub", "x")
