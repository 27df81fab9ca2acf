"""Voice-activity detection: is this 20 ms frame speech?

WebRTC's VAD decides, gated by a minimum level so that very quiet hiss never
counts as a voice. The only module that imports webrtcvad.
"""

from __future__ import annotations

from typing import Protocol

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk
from assistant.errors import EngineError


class VoiceDetector(Protocol):
    """Classifies one pipeline frame (10, 20 or 30 ms at 16 kHz)."""

    def is_speech(self, frame: AudioChunk) -> bool:
        """True when the frame holds voice."""
        ...


class WebRtcVoiceDetector:
    """WebRTC VAD (aggressiveness 0–3) with an energy floor."""

    def __init__(self, aggressiveness: int = 2, min_rms: float = 120.0) -> None:
        try:
            import webrtcvad
        except ImportError:
            raise EngineError("webrtcvad is missing; run 'pip install webrtcvad-wheels'") from None
        if not 0 <= aggressiveness <= 3:
            raise EngineError(f"VAD aggressiveness must be 0..3, not {aggressiveness}")
        self._vad = webrtcvad.Vad(aggressiveness)
        self.min_rms = min_rms

    def is_speech(self, frame: AudioChunk) -> bool:
        if frame.rms() < self.min_rms:
            return False
        return bool(self._vad.is_speech(frame.data, PIPELINE_RATE))


class EnergyVoiceDetector:
    """A level threshold only: for tests and for very clean input."""

    def __init__(self, min_rms: float = 300.0) -> None:
        self.min_rms = min_rms

    def is_speech(self, frame: AudioChunk) -> bool:
        return frame.rms() >= self.min_rms
