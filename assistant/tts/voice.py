"""The voice protocol and the pyttsx3 (espeak-ng) voice. The only module importing pyttsx3.

pyttsx3 renders each sentence to a WAV file (about 10 ms a sentence with
espeak-ng); Regroup then plays that audio itself on the chosen device, so it
knows exactly when playback ended. pyttsx3's own Linux playback (aplay) is
never used.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Protocol

from assistant.audio.chunk import AudioChunk, trim_silence
from assistant.audio.wavfile import read_wav, write_wav
from assistant.errors import EngineError


class Voice(Protocol):
    """Turns a sentence into audio."""

    def render(self, text: str, rate: int) -> AudioChunk:
        """The spoken sentence at `rate` words per minute, at the voice's own sample rate."""
        ...


def tempo(audio: AudioChunk, factor: float) -> AudioChunk:
    """The audio played `factor` times as fast, same pitch (sox's WSOLA `tempo` effect)."""
    sox = shutil.which("sox")
    if sox is None:
        raise EngineError("changing the speaking rate needs sox; run 'sudo apt-get install sox'")
    with tempfile.TemporaryDirectory(prefix="regroup-tempo-") as tmp:
        src, dst = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        write_wav(src, audio)
        done = subprocess.run([sox, str(src), str(dst), "tempo", "-s", f"{factor:.3f}"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EngineError(f"sox could not change the speaking rate: {done.stderr.strip()}")
        return read_wav(dst)


class Pyttsx3Voice:
    """espeak-ng through pyttsx3, rendered to memory."""

    def __init__(self, rate: int = 165, voice: str | None = "en-us") -> None:
        try:
            import pyttsx3

            self._engine: Any = pyttsx3.init("espeak" if os.name == "posix" else None)
        except (ImportError, RuntimeError, OSError) as exc:
            raise EngineError(
                f"the pyttsx3 voice cannot start ({exc}); run 'sudo apt-get install espeak-ng' "
                "and 'pip install pyttsx3'") from None
        self._engine.setProperty("rate", rate)
        self._rate = rate
        if voice:
            self._engine.setProperty("voice", self._voice_id(voice))
        self._dir = tempfile.mkdtemp(prefix="regroup-voice-")

    def _voice_id(self, wanted: str) -> str:
        voices = self._engine.getProperty("voices")
        for v in voices:
            if wanted.lower() in (str(v.id).lower(), str(v.name).lower()):
                return str(v.id)
        for v in voices:
            if str(v.id).lower().endswith("/" + wanted.lower()):
                return str(v.id)
        names = ", ".join(sorted(str(v.id).split("/")[-1] for v in voices)[:40])
        raise EngineError(f"no voice called '{wanted}'; some available: {names}")

    def render(self, text: str, rate: int | None = None) -> AudioChunk:
        """The sentence at `rate` words per minute.

        pyttsx3's espeak driver applies rate changes late or not at all when the rate
        changes during a session, so the voice always renders at its starting rate and
        other rates are made by changing the tempo (pitch kept) of the rendered audio.
        """
        audio = self._render(text)
        if rate is None or rate == self._rate or not audio.data:
            return audio
        return tempo(audio, rate / self._rate)

    def _render(self, text: str) -> AudioChunk:
        path = Path(self._dir) / "sentence.wav"
        with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to …"
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
        try:
            # espeak-ng starts a sentence with 0-50 ms of silence that varies by word; without
            # it a breathing cue is heard exactly when it is scheduled, and replies start sooner
            return trim_silence(read_wav(path))
        finally:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.rmdir(self._dir)
