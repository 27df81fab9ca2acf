"""Barge-in: hearing "stop" or "pause" while Regroup itself is speaking.

The microphone hears both the person and the echo of Regroup's own voice.
`EchoGate` knows what is being played and when, learns how loud its echo
comes back (the coupling), and passes on only frames that are clearly louder
than that echo could be — the person's voice. Everything else is turned down
by 40 dB before the keyword spotter hears it, so Regroup's own voice (even
when it says the word "stop") never triggers a command.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from assistant.audio.chunk import FRAME_SECONDS, AudioChunk, Framer, to_pipeline
from assistant.stt.base import KeywordSpotter

QUIET = 10 ** (-40 / 20)


def _power(frame: AudioChunk) -> float:
    if not frame.data:
        return 0.0
    return float(np.mean(frame.samples().astype(np.float64) ** 2))


class EchoGate:
    """Decides, frame by frame, whether the microphone holds the person's voice."""

    def __init__(self, max_delay: float = 0.4, margin_db: float = 9.0,
                 floor_rms: float = 150.0) -> None:
        self.max_delay = max_delay
        self.margin = 10 ** (margin_db / 10)
        self.floor = floor_rms**2
        self._reference: dict[int, float] = {}  # 20 ms slot -> power of what was played
        self._ratios: deque[float] = deque(maxlen=200)

    @staticmethod
    def _slot(t: float) -> int:
        return int(np.floor(t / FRAME_SECONDS + 1e-6))

    def play(self, audio: AudioChunk, started: float) -> None:
        """Remember what is being played from session time `started`."""
        framer = Framer()
        for frame in framer.push(to_pipeline(audio).at(started)):
            self._reference[self._slot(frame.timestamp)] = _power(frame)
        horizon = self._slot(started) - 3000  # keep about a minute
        for slot in [s for s in self._reference if s < horizon]:
            del self._reference[slot]

    @property
    def coupling(self) -> float:
        """Echo power / played power, learned from frames where only the echo is heard."""
        if len(self._ratios) < 10:
            return 1.0  # until it is known, assume the echo is as loud as the voice itself
        return float(np.percentile(self._ratios, 30))

    def echo_power(self, frame: AudioChunk) -> float:
        """The loudest the echo could be in this frame."""
        first = self._slot(frame.timestamp - self.max_delay)
        last = self._slot(frame.timestamp)
        return max((self._reference.get(s, 0.0) for s in range(first, last + 1)), default=0.0)

    def user_voice(self, frame: AudioChunk) -> bool:
        heard = _power(frame)
        echo = self.echo_power(frame)
        if echo > self.floor:
            self._ratios.append(heard / echo)
        return heard > self.floor and heard > self.margin * self.coupling * echo


class BargeInMonitor:
    """Echo gate + keyword spotter: returns a command word said over Regroup's voice."""

    def __init__(self, spotter: KeywordSpotter, gate: EchoGate | None = None,
                 min_voice: float = 0.2) -> None:
        self.spotter = spotter
        self.gate = gate or EchoGate()
        self.min_frames = round(min_voice / FRAME_SECONDS)
        self._recent: deque[bool] = deque(maxlen=round(1.5 / FRAME_SECONDS))

    def play(self, audio: AudioChunk, started: float) -> None:
        self.gate.play(audio, started)

    def accept(self, frame: AudioChunk) -> str | None:
        voice = self.gate.user_voice(frame)
        self._recent.append(voice)
        if not voice:
            quiet = (frame.samples()[:, 0] * QUIET).astype(np.int16)
            frame = AudioChunk.from_samples(quiet, frame.rate, frame.timestamp)
        word = self.spotter.accept(frame)
        if word is not None and sum(self._recent) >= self.min_frames:
            self._recent.clear()
            return word
        return None

    def reset(self) -> None:
        self.spotter.reset()
        self._recent.clear()
