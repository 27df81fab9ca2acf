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


class Speaker(Protocol):
    """A sink that plays a sentence and returns once it has really been played."""

    def play(self, audio: AudioChunk) -> float:
        """Play `audio`; return the session time at which playback finished."""
        ...

    def close(self) -> None:
        """Flush and release the device or file."""
        ...


class ListenAware(Protocol):
    """A microphone that wants to know when the assistant starts listening (scripted users)."""

    def on_listen(self, step: str, at: float) -> None:
        """The assistant starts listening for an answer to `step` at session time `at`."""
        ...
