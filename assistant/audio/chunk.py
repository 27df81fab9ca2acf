"""Audio moves as small frozen chunks that carry their format.

Everything that enters the pipeline is converted once, where it enters, to
16 kHz mono signed 16-bit (`to_pipeline`). Timestamps are seconds on the
session clock (audio time), so a chunk knows when it started and ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

PIPELINE_RATE = 16_000
FRAME_SECONDS = 0.02  # the pipeline's frame: 20 ms, 320 samples at 16 kHz

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class AudioChunk:
    """A piece of signed 16-bit PCM audio with its format and start time."""

    rate: int
    """Samples per second."""
    channels: int
    """Interleaved channel count."""
    data: bytes = field(repr=False)
    """Little-endian int16 samples, interleaved by channel."""
    timestamp: float = 0.0
    """Start time in seconds on the session clock."""
    width: int = 2
    """Bytes per sample; only 2 (int16) is used inside Regroup."""

    def __post_init__(self) -> None:
        if self.width != 2:
            raise ValueError("AudioChunk holds int16 audio only (width=2)")
        if len(self.data) % (self.width * self.channels):
            raise ValueError("AudioChunk data is not a whole number of frames")

    @property
    def frames(self) -> int:
        """Samples per channel."""
        return len(self.data) // (self.width * self.channels)

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return self.frames / self.rate

    @property
    def end(self) -> float:
        """Time just after the last sample."""
        return self.timestamp + self.seconds

    def samples(self) -> Samples:
        """A read-only numpy view, shape (frames, channels)."""
        return np.frombuffer(self.data, dtype="<i2").reshape(-1, self.channels)

    @classmethod
    def from_samples(cls, samples: npt.NDArray[np.generic], rate: int,
                     timestamp: float = 0.0) -> AudioChunk:
        """Build a chunk from int16 samples, 1-D (mono) or (frames, channels)."""
        arr = np.asarray(samples)
        channels = 1 if arr.ndim == 1 else int(arr.shape[1])
        data = np.ascontiguousarray(arr, dtype="<i2").tobytes()
        return cls(rate=rate, channels=channels, data=data, timestamp=timestamp)

    @classmethod
    def silence(cls, seconds: float, rate: int = PIPELINE_RATE,
                timestamp: float = 0.0) -> AudioChunk:
        """Digital silence of the given length."""
        return cls(rate=rate, channels=1, data=bytes(2 * round(seconds * rate)),
                   timestamp=timestamp)

    def at(self, timestamp: float) -> AudioChunk:
        """The same audio stamped with another start time."""
        return AudioChunk(self.rate, self.channels, self.data, timestamp)

    def rms(self) -> float:
        """Root-mean-square level, in int16 units."""
        if not self.data:
            return 0.0
        return float(np.sqrt(np.mean(self.samples().astype(np.float64) ** 2)))


def mono(samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Average the channels of a (frames, channels) array into one."""
    if samples.ndim == 1 or samples.shape[1] == 1:
        return samples.reshape(-1)
    mixed = samples.astype(np.int32).mean(axis=1)
    out: Samples = np.clip(np.round(mixed), -32768, 32767).astype(np.int16)
    return out


def resample(samples: npt.NDArray[np.int16], rate_in: int, rate_out: int) -> Samples:
    """High-quality resampling of a whole mono signal."""
    if rate_in == rate_out:
        return samples.astype(np.int16, copy=False)
    import soxr  # imported here: only conversions need it

    out = soxr.resample(samples.astype(np.float32) / 32768.0, rate_in, rate_out)
    pcm: Samples = np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)
    return pcm


def to_pipeline(chunk: AudioChunk) -> AudioChunk:
    """Convert a whole chunk (any rate, any channels) to 16 kHz mono int16."""
    if chunk.rate == PIPELINE_RATE and chunk.channels == 1:
        return chunk
    pcm = resample(mono(chunk.samples()), chunk.rate, PIPELINE_RATE)
    return AudioChunk.from_samples(pcm, PIPELINE_RATE, chunk.timestamp)


def concat(chunks: list[AudioChunk]) -> AudioChunk:
    """Join chunks of one format; the result starts when the first did."""
    if not chunks:
        return AudioChunk.silence(0.0)
    first = chunks[0]
    for c in chunks[1:]:
        if (c.rate, c.channels) != (first.rate, first.channels):
            raise ValueError("cannot join chunks of different formats")
    return AudioChunk(first.rate, first.channels, b"".join(c.data for c in chunks),
                      first.timestamp)


def trim_silence(chunk: AudioChunk, level: float = 120.0, keep: float = 0.01) -> AudioChunk:
    """The chunk without its leading and trailing quiet, keeping `keep` seconds of each."""
    if not chunk.data:
        return chunk
    pcm = chunk.samples()
    loud = np.nonzero(np.abs(pcm.astype(np.int32)).max(axis=1) > level)[0]
    if len(loud) == 0:
        return chunk
    margin = round(keep * chunk.rate)
    lo, hi = max(0, int(loud[0]) - margin), min(len(pcm), int(loud[-1]) + 1 + margin)
    return AudioChunk.from_samples(pcm[lo:hi], chunk.rate, chunk.timestamp)


class StreamResampler:
    """Converts a live stream of chunks to 16 kHz mono, keeping filter state between chunks."""

    def __init__(self, rate_in: int, channels: int) -> None:
        self.rate_in = rate_in
        self.channels = channels
        self._stream = None
        if rate_in != PIPELINE_RATE:
            import soxr

            self._stream = soxr.ResampleStream(rate_in, PIPELINE_RATE, 1, dtype="int16")

    def convert(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk in pipeline format, stamped with the same start time."""
        pcm = mono(chunk.samples())
        if self._stream is not None:
            pcm = self._stream.resample_chunk(np.ascontiguousarray(pcm))
        return AudioChunk.from_samples(pcm, PIPELINE_RATE, chunk.timestamp)


class Framer:
    """Re-cuts pipeline chunks of any size into fixed 20 ms frames.

    Whatever block size a source delivers, the VAD and the recognizer see
    the same frames, so the transcript does not depend on the chunk size.
    """

    def __init__(self, frame_seconds: float = FRAME_SECONDS) -> None:
        self.frame_bytes = 2 * round(frame_seconds * PIPELINE_RATE)
        self._buffer = b""
        self._start: float | None = None

    def push(self, chunk: AudioChunk) -> list[AudioChunk]:
        """Add a chunk; return every whole frame now available."""
        if chunk.rate != PIPELINE_RATE or chunk.channels != 1:
            chunk = to_pipeline(chunk)
        if self._start is None or not self._buffer:
            self._start = chunk.timestamp - len(self._buffer) / (2 * PIPELINE_RATE)
        self._buffer += chunk.data
        frames = []
        while len(self._buffer) >= self.frame_bytes:
            data, self._buffer = self._buffer[: self.frame_bytes], self._buffer[self.frame_bytes :]
            frames.append(AudioChunk(PIPELINE_RATE, 1, data, self._start))
            self._start += self.frame_bytes / (2 * PIPELINE_RATE)
        return frames

    def reset(self) -> None:
        """Forget any partial frame."""
        self._buffer = b""
        self._start = None
