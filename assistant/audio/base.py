"""The two audio engine protocols. A WAV file is just another microphone or speaker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.audio.chunk import AudioChunk


class Microphone(Protocol):
    """A source of 16 kHz mono chunks stamped with session time."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Chunks in order; the iterator ends when the input ends."""
        ...

    def close(self) -> None:
        """Release the device or file."""
        ...


class Playback(Protocol):
    """A sentence being played. Its times are session times."""

    started: float
    """When the first sample was handed to the device."""

    def done(self) -> bool:
        """True once the device has played the last sample."""
        ...

    def stop(self) -> float:
        """Cut playback now (barge-in); return when it ended."""
        ...

    def wait(self) -> float:
        """Block until playback has finished on the device; return when it did."""
        ...


class Speaker(Protocol):
    """A sink for the assistant's voice."""

    def start(self, audio: AudioChunk) -> Playback:
        """Begin playing `audio` and return at once."""
        ...

    def close(self) -> None:
        """Flush and release the device or file."""
        ...
