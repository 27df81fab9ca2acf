from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.chunk import (
    PIPELINE_RATE,
    AudioChunk,
    Framer,
    StreamResampler,
    concat,
    to_pipeline,
)


def tone(freq: float, seconds: float, rate: int, channels: int = 1) -> AudioChunk:
    t = np.arange(round(seconds * rate)) / rate
    wave = (8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)
    return AudioChunk.from_samples(np.repeat(wave[:, None], channels, axis=1), rate)


def test_chunk_is_frozen_and_knows_its_format() -> None:
    c = AudioChunk.silence(0.5, timestamp=2.0)
    assert (c.rate, c.channels, c.frames) == (PIPELINE_RATE, 1, 8000)
    assert c.seconds == pytest.approx(0.5)
    assert c.end == pytest.approx(2.5)
    with pytest.raises(AttributeError):
        c.rate = 8000  # type: ignore[misc]


def test_chunk_rejects_torn_frames() -> None:
    with pytest.raises(ValueError, match="whole number of frames"):
        AudioChunk(16_000, 2, b"\x00\x00\x00")


def test_to_pipeline_converts_rate_and_channels_once() -> None:
    stereo = tone(440, 1.0, 44_100, channels=2)
    out = to_pipeline(stereo)
    assert (out.rate, out.channels) == (PIPELINE_RATE, 1)
    assert out.frames == pytest.approx(PIPELINE_RATE, abs=2)
    spectrum = np.abs(np.fft.rfft(out.samples()[:, 0]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 s of audio: bins are 1 Hz


def test_stream_resampler_matches_whole_signal_length() -> None:
    audio = tone(300, 2.0, 48_000)
    rs = StreamResampler(48_000, 1)
    pieces = [rs.convert(AudioChunk(48_000, 1, audio.data[i:i + 1920], 0.0))
              for i in range(0, len(audio.data), 1920)]
    total = sum(p.frames for p in pieces)
    assert abs(total - 32_000) < 400  # the filter holds back a few ms at the end


@pytest.mark.parametrize("block", [1, 7, 160, 320, 333, 4000])
def test_framer_gives_the_same_frames_whatever_the_block_size(block: int) -> None:
    audio = tone(200, 0.5, PIPELINE_RATE).at(10.0)
    framer = Framer()
    frames = []
    for i in range(0, len(audio.data), 2 * block):
        piece = AudioChunk(PIPELINE_RATE, 1, audio.data[i:i + 2 * block], 10.0 + i / 32_000)
        frames += framer.push(piece)
    assert len(frames) == 25
    assert all(f.frames == 320 for f in frames)
    assert [round(f.timestamp, 4) for f in frames] == [round(10.0 + k * 0.02, 4)
                                                        for k in range(25)]
    assert concat(frames).data == audio.data
