"""Barge-in: hearing "stop" or "pause" while Regroup itself is speaking.

The microphone hears both the person and the echo of Regroup's own voice.
`EchoGate` knows what is being played and when, learns how loud its echo
comes back (the coupling), and passes on only frames that are clearly louder
than that echo could be — the person's voice. Everything else is replaced
by faint noise before the keyword spotter hears it, so Regroup's own voice
(even when it says the word "stop") never triggers a command.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from assistant.audio.chunk import FRAME_SECONDS, AudioChunk, Framer, to_pipeline
from assistant.flow.answers import BARGE_IN, command_phrases, parse_command
from assistant.stt.base import Recognizer, Vocabulary

# ordinary short things people say over a speaker, so they are not heard as commands
OVER_WORDS = ("yes", "no", "okay", "sorry", "what", "thanks", "right", "sure", "really")
MIN_VOICED = 6  # frames (120 ms) of the person's own voice


def _power(frame: AudioChunk) -> float:
    if not frame.data:
        return 0.0
    return float(np.mean(frame.samples().astype(np.float64) ** 2))


class EchoGate:
    """Decides, frame by frame, whether the microphone holds the person's voice.

    It finds how late the echo arrives (by matching the loudness contours of
    what was played and what was heard, 0 to `max_delay` seconds: audio hosts
    may buffer the microphone by half a second or more), learns how
    loud it comes back (the median ratio), and calls a frame the person's voice
    only when it is `margin_db` louder than the echo could be.
    """

    def __init__(self, max_delay: float = 1.5, margin_db: float = 9.0,
                 floor_rms: float = 150.0) -> None:
        self.lags = round(max_delay / FRAME_SECONDS)
        self.margin = 10 ** (margin_db / 10)
        self.floor = floor_rms**2
        self._reference: dict[int, float] = {}  # 20 ms slot -> power of what was played
        self._heard: deque[tuple[int, float]] = deque(maxlen=250)  # (slot, power) heard
        self._ratios: deque[float] = deque(maxlen=250)
        self.lag: int | None = None  # echo delay in slots, once found
        self._candidate: int | None = None
        self._since_estimate = 0

    @staticmethod
    def _slot(t: float) -> int:
        return int(np.floor(t / FRAME_SECONDS + 1e-6))

    def play(self, audio: AudioChunk, started: float) -> None:
        """Remember what is being played from session time `started`."""
        for frame in Framer().push(to_pipeline(audio).at(started)):
            self._reference[self._slot(frame.timestamp)] = _power(frame)
        horizon = self._slot(started) - 3000  # keep about a minute
        for slot in [s for s in self._reference if s < horizon]:
            del self._reference[slot]

    def _estimate_lag(self) -> None:
        if len(self._heard) < 100:  # two seconds of playback before trusting a delay
            return
        slots = np.array([s for s, _ in self._heard])
        heard = np.log10(np.array([p for _, p in self._heard]) + 1.0)
        best, best_score = None, 0.6  # demand a clear match
        for lag in range(self.lags + 1):  # the last one only bounds the search
            ref = np.log10(np.array([self._reference.get(int(s) - lag, 0.0)
                                     for s in slots]) + 1.0)
            if ref.std() < 0.1 or heard.std() < 0.1:
                continue
            score = float(np.corrcoef(heard, ref)[0, 1])
            if score > best_score:
                best, best_score = lag, score
        if best is None or best >= self.lags:
            return
        # trusted only when two estimates in a row agree (a stream that is still settling
        # moves its delay around)
        if self._candidate is not None and abs(best - self._candidate) <= 1:
            self.lag = best
        self._candidate = best

    @property
    def delay(self) -> float | None:
        """The learned echo delay in seconds, once known."""
        return None if self.lag is None else self.lag * FRAME_SECONDS

    @property
    def coupling(self) -> float:
        """Echo power / played power, once the delay is known."""
        if self.lag is None or len(self._ratios) < 10:
            return 1.0  # until it is known, assume the echo is as loud as the voice itself
        return float(np.median(self._ratios))

    def echo_power(self, frame: AudioChunk) -> float:
        """The loudest the echo could be in this frame."""
        slot = self._slot(frame.timestamp)
        if self.lag is None:
            window = range(slot - self.lags, slot + 1)
        else:
            window = range(slot - self.lag - 2, slot - self.lag + 3)  # +-40 ms of slack
        return max(self._reference.get(s, 0.0) for s in window)

    def user_voice(self, frame: AudioChunk) -> bool:
        heard = _power(frame)
        slot = self._slot(frame.timestamp)
        if any(self._reference.get(s, 0.0) > 0 for s in range(slot - self.lags, slot + 1)):
            self._heard.append((slot, heard))
            self._since_estimate += 1
            if self._since_estimate >= 25 or self.lag is None:
                self._since_estimate = 0
                self._estimate_lag()
        echo = self.echo_power(frame)
        if self.lag is not None and echo > self.floor:
            self._ratios.append(heard / echo)
        return heard > self.floor and heard > self.margin * self.coupling * echo


class BargeInMonitor:
    """Echo gate + a short recognition of what the person said over Regroup's voice.

    Frames the gate calls the person's voice open a short utterance; about
    140 ms of echo or silence closes it, and the recognizer, limited to the
    barge-in commands plus a few ordinary words (so that "okay" or "sorry"
    is not forced into "stop"), decides whether it was "stop" or "pause".
    """

    def __init__(self, recognizer: Recognizer, gate: EchoGate | None = None,
                 close_after: float = 0.14, longest: float = 2.0) -> None:
        self.recognizer = recognizer
        self.gate = gate or EchoGate()
        self.close_frames = round(close_after / FRAME_SECONDS)
        self.longest = round(longest / FRAME_SECONDS)
        self.vocabulary = Vocabulary(command_phrases(BARGE_IN) + OVER_WORDS)
        self._preroll: deque[AudioChunk] = deque(maxlen=10)  # quiet first sounds, like "s"
        self.overheard: dict[str, object] | None = None  # the last thing heard over the voice
        self._open = False
        self._frames = self._quiet = self._voiced = 0

    def play(self, audio: AudioChunk, started: float) -> None:
        self.gate.play(audio, started)

    def accept(self, frame: AudioChunk) -> str | None:
        """Feed one frame heard while Regroup speaks or waits; a command once one was said."""
        voice = self.gate.user_voice(frame)
        if not self._open:
            self._preroll.append(frame)
            if not voice:
                return None
            self._open, self._frames, self._quiet, self._voiced = True, 0, 0, 0
            self.recognizer.begin(self.vocabulary)
            for f in self._preroll:
                self.recognizer.accept(f)
            self._preroll.clear()
            return None
        self.recognizer.accept(frame)
        self._frames += 1
        self._voiced += voice
        self._quiet = 0 if voice else self._quiet + 1
        if self._quiet < self.close_frames and self._frames < self.longest:
            return None
        self._open = False
        text = self.recognizer.end().text
        command = parse_command(text)
        self.overheard = {"text": text, "voiced_ms": self._voiced * 20, "lag_ms":
                          None if self.gate.lag is None else self.gate.lag * 20,
                          "coupling_db": round(10 * float(np.log10(self.gate.coupling)), 1)}
        # until the echo's delay has been learned from Regroup's own speech, nothing said over
        # it is acted on: a missed "stop" can be said again, hearing itself cannot be undone
        if command in BARGE_IN and self._voiced >= MIN_VOICED and self.gate.lag is not None:
            return command
        return None

    def reset(self) -> None:
        if self._open:
            self.recognizer.end()
        self._open = False
        self._preroll.clear()
