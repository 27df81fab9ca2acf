"""Vosk (Kaldi): streaming recognition with a downloadable model per language.

The only module that imports vosk. A model is loaded once per directory and
shared; each utterance gets a fresh KaldiRecognizer, restricted to a JSON
grammar of the expected phrases (plus the model's unknown-word token) or
left free for dictation.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk
from assistant.errors import EngineError, ModelError
from assistant.models import installed_models, model_root
from assistant.stt.base import Final, Partial, Vocabulary, Word, mean_confidence

_UNK_TOKENS = ("[unk]", "<unk>", "<UNK>")  # spellings of the unknown word across models
_MODELS: dict[Path, tuple[Any, str | None]] = {}  # model dir -> (vosk.Model, its unk token)
_LOCK = threading.Lock()


def _vosk() -> Any:
    try:
        import vosk
    except ImportError:
        raise EngineError("vosk is not installed; run 'pip install vosk' "
                          "(or pass --engine pocketsphinx)") from None
    vosk.SetLogLevel(-1)
    return vosk


def find_model(explicit: Path | None, models_dir: Path) -> Path | None:
    """The model to use: `explicit` if given, else the first one installed under `models_dir`."""
    if explicit is not None:
        return explicit
    found = installed_models(models_dir)
    return found[0] if found else None


def _load(model_dir: Path) -> tuple[Any, str | None]:
    root = model_root(model_dir)
    if root is None:
        raise ModelError(f"no Vosk model at {model_dir}; run 'regroup models download' "
                         "(or pass --engine pocketsphinx)")
    key = root.resolve()
    with _LOCK:
        if key not in _MODELS:
            try:
                model = _vosk().Model(str(key))
            except Exception:
                raise ModelError(f"the Vosk model at {root} is broken (it failed to load); "
                                 "delete it and run 'regroup models download'") from None
            unk = next((t for t in _UNK_TOKENS if _find_word(model, t) >= 0), None)
            _MODELS[key] = (model, unk)
        return _MODELS[key]


def _find_word(model: Any, word: str) -> int:
    find = getattr(model, "vosk_model_find_word", None)
    return 0 if find is None else int(find(word))  # old vosk: assume every word is known


class VoskRecognizer:
    """Streaming recognition with a Vosk model directory."""

    name = "vosk"

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self._vosk = _vosk()
        self._model, self._unk = _load(self.model_dir)
        self._rec: Any = None
        self._t0: float | None = None
        self._segments: list[dict[str, Any]] = []
        self._last_partial = ""
        self.dropped: tuple[str, ...] = ()
        """Phrases of the last vocabulary left out because the model does not know a word."""

    def known(self, word: str) -> bool:
        """True when the model's vocabulary has `word`."""
        return _find_word(self._model, word) >= 0

    def _grammar(self, vocabulary: Vocabulary) -> str:
        kept, self.dropped = vocabulary.split(self.known, f"Vosk model's ({self.model_dir})")
        phrases = [*kept, self._unk] if self._unk else list(kept)
        return json.dumps(phrases, ensure_ascii=False)

    def begin(self, vocabulary: Vocabulary) -> None:
        self.dropped = ()
        if vocabulary.dictation:
            rec = self._vosk.KaldiRecognizer(self._model, PIPELINE_RATE)
        else:
            grammar = self._grammar(vocabulary)
            rec = self._vosk.KaldiRecognizer(self._model, PIPELINE_RATE, grammar)
        rec.SetWords(True)
        if hasattr(rec, "SetPartialWords"):
            rec.SetPartialWords(True)
        self._rec = rec
        self._t0 = None
        self._segments = []
        self._last_partial = ""

    def _recognizer(self) -> Any:
        if self._rec is None:
            raise RuntimeError("VoskRecognizer: call begin() before accept() or end()")
        return self._rec

    def _text(self, text: str) -> list[str]:
        return [w for w in text.split() if w not in _UNK_TOKENS]

    def accept(self, chunk: AudioChunk) -> Partial | None:
        rec = self._recognizer()
        if chunk.rate != PIPELINE_RATE or chunk.channels != 1:
            raise ValueError("VoskRecognizer takes 16 kHz mono chunks; convert with to_pipeline")
        if self._t0 is None:
            self._t0 = chunk.timestamp
        if rec.AcceptWaveform(chunk.data):
            self._segments.append(json.loads(rec.Result()))
            self._last_partial = ""
            return None
        current = self._text(json.loads(rec.PartialResult()).get("partial", ""))
        if not current:
            return None
        done = [w for seg in self._segments for w in self._text(seg.get("text", ""))]
        text = " ".join(done + current)
        if text == self._last_partial:
            return None
        self._last_partial = text
        return Partial(text)

    def end(self) -> Final:
        rec = self._recognizer()
        self._segments.append(json.loads(rec.FinalResult()))
        t0 = self._t0 or 0.0
        words = tuple(
            Word(text=w["word"], start=t0 + float(w["start"]), end=t0 + float(w["end"]),
                 confidence=float(w["conf"]) if "conf" in w else None)
            for seg in self._segments for w in seg.get("result", [])
            if w["word"] not in _UNK_TOKENS)
        text = " ".join(w for seg in self._segments for w in self._text(seg.get("text", "")))
        self._rec = None
        self._segments = []
        return Final(text=text, words=words, confidence=mean_confidence(words), engine=self.name)
