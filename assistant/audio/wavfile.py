"""WAV files as microphone and speaker, and WAV reading/writing helpers."""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, mono, resample, to_pipeline
from assistant.clock import AnyClock
from assistant.errors import AudioFileError

TRAILING_SILENCE = 5.0  # seconds of silence after a file ends, so a last answer can end


def read_wav(path: str | Path) -> AudioChunk:
    """Read a PCM WAV file of any rate and channel count (8, 16, 24 or 32-bit)."""
    try:
        with wave.open(str(path), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            raw = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise AudioFileError(f"{path}: no such file; give the path of a WAV recording") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioFileError(
            f"{path}: not a readable PCM WAV file ({exc}); convert it with "
            f"'sox {path} -r 16000 -c 1 -b 16 out.wav'"
        ) from None
    if rate <= 0 or channels <= 0:
        raise AudioFileError(f"{path}: WAV header has no valid rate or channel count")
    if width == 1:
        pcm = (np.frombuffer(raw, np.uint8).astype(np.int16) - 128) << 8
    elif width == 2:
        pcm = np.frombuffer(raw, "<i2")
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        pcm = ((b[:, 2].astype(np.int8).astype(np.int32) << 8) | b[:, 1]).astype(np.int16)
    elif width == 4:
        pcm = (np.frombuffer(raw, "<i4") >> 16).astype(np.int16)
    else:
        raise AudioFileError(f"{path}: unsupported sample width {width * 8} bits")
    usable = len(pcm) - len(pcm) % channels
    return AudioChunk.from_samples(pcm[:usable].reshape(-1, channels), rate)


def write_wav(path: str | Path, audio: AudioChunk) -> None:
    """Write a chunk as a 16-bit WAV file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(audio.channels)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(audio.data)


class WavMicrophone:
    """A WAV file heard as if it were the microphone, from session time 0.

    Converted once to 16 kHz mono. In fast mode the listener moves the manual
    clock as it consumes the audio; real-time mode waits for the clock before
    handing out each block.
    """

    def __init__(self, path: str | Path, clock: AnyClock, *, realtime: bool = False,
                 block_seconds: float = 0.02) -> None:
        self.path = Path(path)
        self.audio = to_pipeline(read_wav(path))
        self.clock = clock
        self.realtime = realtime
        self.block_bytes = 2 * max(1, round(block_seconds * PIPELINE_RATE))

    def chunks(self) -> Iterator[AudioChunk]:
        data = self.audio.data + bytes(2 * round(TRAILING_SILENCE * PIPELINE_RATE))
        for start in range(0, len(data), self.block_bytes):
            chunk = AudioChunk(PIPELINE_RATE, 1, data[start : start + self.block_bytes],
                               start / (2 * PIPELINE_RATE))
            if self.realtime:
                self.clock.wait_until(chunk.end)
            yield chunk

    def close(self) -> None:
        pass


class VirtualPlayback:
    """Playback on the session clock: it lasts exactly as long as the audio."""

    def __init__(self, audio: AudioChunk, clock: AnyClock,
                 on_end: Callable[[AudioChunk, float], None] | None = None) -> None:
        self.audio = audio
        self.clock = clock
        self.started = clock.now()
        self.end = self.started + audio.seconds
        self._on_end = on_end
        self._finished = False

    def done(self) -> bool:
        return self.clock.now() >= self.end

    def _finish(self, end: float) -> float:
        if not self._finished:
            self._finished = True
            self.end = end
            if self._on_end is not None:
                played = max(0, round((end - self.started) * self.audio.rate))
                data = self.audio.data[: played * 2 * self.audio.channels]
                self._on_end(AudioChunk(self.audio.rate, self.audio.channels, data,
                                        self.started), end)
        return self.end

    def stop(self) -> float:
        return self._finish(min(self.end, self.clock.now()))

    def wait(self) -> float:
        self.clock.wait_until(self.end)
        return self._finish(self.end)


class WavSpeaker:
    """Writes what the assistant says to a WAV file, with the pauses between sentences.

    The file is a faithful timeline: gaps on the session clock become silence,
    and a sentence cut short by a barge-in is cut short in the file too.
    """

    def __init__(self, path: str | Path, clock: AnyClock, rate: int = 22_050) -> None:
        self.path = Path(path)
        self.clock = clock
        self.rate = rate
        try:
            self._file = self.path.open("wb")
        except OSError as exc:
            raise AudioFileError(f"{path}: cannot write audio output ({exc.strerror})") from None
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self._written = 0.0  # session time up to which the file holds audio

    def _pad_to(self, t: float) -> None:
        gap = round((t - self._written) * self.rate)
        if gap > 0:
            self._wav.writeframes(bytes(2 * gap))
            self._written += gap / self.rate

    def _write(self, played: AudioChunk, end: float) -> None:
        self._pad_to(played.timestamp)
        pcm = resample(mono(played.samples()), played.rate, self.rate)
        self._wav.writeframes(pcm.astype("<i2").tobytes())
        self._written += len(pcm) / self.rate

    def start(self, audio: AudioChunk) -> VirtualPlayback:
        return VirtualPlayback(audio, self.clock, self._write)

    def close(self) -> None:
        self._pad_to(self.clock.now())
        self._wav.close()
        self._file.close()


class NullSpeaker:
    """Plays nothing, but takes the time playing would take (for demos without a sound card)."""

    def __init__(self, clock: AnyClock) -> None:
        self.clock = clock
        self.seconds = 0.0

    def _count(self, played: AudioChunk, end: float) -> None:
        self.seconds += played.seconds

    def start(self, audio: AudioChunk) -> VirtualPlayback:
        return VirtualPlayback(audio, self.clock, self._count)

    def close(self) -> None:
        pass
