from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunk import AudioChunk
from assistant.audio.wavfile import WavMicrophone, WavSpeaker, read_wav, write_wav
from assistant.clock import ManualClock
from assistant.errors import AudioFileError


def write_raw(path: Path, rate: int, channels: int, width: int, frames: bytes) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_read_wav_any_width(tmp_path: Path, width: int) -> None:
    n = 800
    if width == 1:
        raw = bytes([128 + 64] * n)
    else:
        value = 1 << (8 * width - 2)  # half of full scale
        raw = value.to_bytes(width, "little", signed=True) * n
    write_raw(tmp_path / "x.wav", 8000, 1, width, raw)
    chunk = read_wav(tmp_path / "x.wav")
    assert chunk.frames == n
    assert chunk.samples()[0, 0] == pytest.approx(16_384, abs=1)


def test_non_audio_file_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    with pytest.raises(AudioFileError, match=r"notes\.wav: not a readable PCM WAV"):
        read_wav(bad)
    with pytest.raises(AudioFileError, match=r"missing\.wav: no such file"):
        read_wav(tmp_path / "missing.wav")


def test_wav_microphone_converts_and_moves_the_clock(tmp_path: Path) -> None:
    stereo = np.zeros((44_100, 2), np.int16)
    write_raw(tmp_path / "in.wav", 44_100, 2, 2, stereo.tobytes())
    clock = ManualClock()
    mic = WavMicrophone(tmp_path / "in.wav", clock)
    chunks = list(mic.chunks())
    assert all(c.rate == 16_000 and c.channels == 1 for c in chunks)
    assert clock.now() == 0.0  # the listener, not the file, moves audio time
    assert chunks[-1].end == pytest.approx(1.0 + 5.0, abs=0.03)  # plus trailing silence


def test_wav_speaker_keeps_the_pauses(tmp_path: Path) -> None:
    clock = ManualClock()
    out = tmp_path / "out.wav"
    speaker = WavSpeaker(out, clock, rate=16_000)
    beep = AudioChunk.from_samples(np.full(1600, 1000, np.int16), 16_000)
    assert speaker.start(beep).wait() == pytest.approx(0.1)
    clock.advance(0.9)  # a second of pause in the session
    speaker.start(beep).wait()
    speaker.close()
    audio = read_wav(out).samples()[:, 0]
    assert len(audio) == pytest.approx(1.1 * 16_000, abs=2)
    assert audio[:1600].min() == 1000 and audio[1600:16_000].max() == 0
    assert audio[16_000:].min() == 1000
    write_wav(tmp_path / "copy.wav", read_wav(out))
    assert read_wav(tmp_path / "copy.wav").data == read_wav(out).data


def test_a_cut_sentence_is_cut_in_the_file(tmp_path: Path) -> None:
    clock = ManualClock()
    out = tmp_path / "out.wav"
    speaker = WavSpeaker(out, clock, rate=16_000)
    long = AudioChunk.from_samples(np.full(16_000, 1000, np.int16), 16_000)
    playback = speaker.start(long)
    clock.advance(0.25)  # a barge-in a quarter of a second into the sentence
    assert not playback.done()
    assert playback.stop() == pytest.approx(0.25)
    assert playback.wait() == pytest.approx(0.25)
    speaker.close()
    audio = read_wav(out).samples()[:, 0]
    assert len(audio) == 4000 and audio.min() == 1000
