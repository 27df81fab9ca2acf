"""A simulated room: what the speaker plays leaks back into the microphone.

Used with scripted users to test that Regroup never takes its own voice for
the person's, at a level chosen in dB (a laptop's speaker next to its
microphone is roughly -10 dB to 0 dB; a headset far lower) and a delay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.audio.base import Playback, Speaker
from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, to_pipeline


@dataclass
class Room:
    """Remembers what is played when, and gives back its echo for any stretch of time."""

    gain_db: float = -10.0
    """Echo level relative to the played audio."""
    delay: float = 0.03
    """Seconds from the speaker to the microphone (device latency and air)."""
    _playing: list[tuple[float, np.ndarray]] = field(default_factory=list)

    def play(self, audio: AudioChunk, started: float) -> None:
        pcm = to_pipeline(audio).samples()[:, 0].astype(np.float64)
        self._playing.append((started + self.delay, pcm * 10 ** (self.gain_db / 20)))
        self._playing = self._playing[-20:]

    def cut(self, at: float) -> None:
        """Playback stopped at session time `at`: nothing after it leaks."""
        for i, (start, pcm) in enumerate(self._playing):
            keep = max(0, round((at + self.delay - start) * PIPELINE_RATE))
            if keep < len(pcm):
                self._playing[i] = (start, pcm[:keep])

    def echo(self, start: float, frames: int) -> np.ndarray:
        """The echo heard by the microphone from `start` for `frames` samples."""
        out = np.zeros(frames)
        for begin, pcm in self._playing:
            offset = round((start - begin) * PIPELINE_RATE)
            lo, hi = max(0, offset), min(len(pcm), offset + frames)
            if lo < hi:
                out[lo - offset : hi - offset] += pcm[lo:hi]
        return out


class RoomPlayback:
    """A playback whose cut also silences the room's echo."""

    def __init__(self, inner: Playback, room: Room) -> None:
        self.inner = inner
        self.room = room
        self.started = inner.started

    def done(self) -> bool:
        return self.inner.done()

    def stop(self) -> float:
        end = self.inner.stop()
        self.room.cut(end)
        return end

    def wait(self) -> float:
        return self.inner.wait()


class RoomSpeaker:
    """A speaker in a room: plays through `inner` and leaks into the room."""

    def __init__(self, inner: Speaker, room: Room) -> None:
        self.inner = inner
        self.room = room

    def start(self, audio: AudioChunk) -> RoomPlayback:
        playback = self.inner.start(audio)
        self.room.play(audio, playback.started)
        return RoomPlayback(playback, self.room)

    def close(self) -> None:
        self.inner.close()
