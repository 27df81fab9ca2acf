"""PocketSphinx 5: the embedded default. Its wheel bundles a US-English model.

The only module that imports pocketsphinx. Dictation streams through a
decoder with live cepstral mean normalisation (it adapts to the voice over
the session) and gives partial results. A list of expected answers becomes
a JSGF grammar on a second decoder that normalises over the whole answer
("batch" CMN): answers are short, so decoding them at the end costs a few
tens of milliseconds and is much more accurate on a voice heard for the
first time.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk
from assistant.errors import EngineError
from assistant.stt.base import Final, Partial, Vocabulary, Word, mean_confidence

FRAME_RATE = 100  # pocketsphinx analyses audio in 10 ms frames
PARTIAL_EVERY = 0.2  # seconds of audio between partial-result checks
_FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+\+.*\+\+)$")
_ALT = re.compile(r"\(\d+\)$")


def _decoder(cmn: str) -> Any:
    try:
        from pocketsphinx import Decoder
    except ImportError:
        raise EngineError("pocketsphinx is not installed; run 'pip install pocketsphinx'") from None
    return Decoder(samprate=PIPELINE_RATE, loglevel="FATAL", cmn=cmn)


class PocketSphinxRecognizer:
    """Streaming recognition with the bundled US-English acoustic model."""

    name = "pocketsphinx"

    def __init__(self) -> None:
        self._live: Any = None  # made at the first open answer (saves ~200 ms at start-up)
        self._batch = _decoder("batch")
        self._decoder = self._batch
        self._cmn: str | None = None  # what the last short answer taught about the voice
        self._buffer = bytearray()
        self._searches: dict[Vocabulary, str] = {}
        self.dropped: tuple[str, ...] = ()
        self._t0: float | None = None
        self._fed = 0.0
        self._next_partial = PARTIAL_EVERY
        self._last_partial = ""

    def known(self, word: str) -> bool:
        """True when the dictionary can pronounce `word`."""
        return self._batch.lookup_word(word) is not None

    def _search_for(self, vocabulary: Vocabulary) -> str:
        name = self._searches.get(vocabulary)
        if name is None:
            phrases, self.dropped = vocabulary.split(self.known, "pocketsphinx dictionary's")
            name = "g" + hashlib.sha1("|".join(phrases).encode()).hexdigest()[:12]
            rule = " | ".join(phrases)
            jsgf = f"#JSGF V1.0;\ngrammar {name};\npublic <a> = {rule};\n"
            self._batch.add_jsgf_string(name, jsgf)
            self._searches[vocabulary] = name
        return name

    def begin(self, vocabulary: Vocabulary) -> None:
        if vocabulary.dictation:
            if self._live is None:
                self._live = _decoder("live")
            if self._cmn is not None:
                self._live.set_cmn(self._cmn)
                self._cmn = None
            self._decoder = self._live
        else:
            self._decoder = self._batch
            self._decoder.activate_search(self._search_for(vocabulary))
        self._decoder.start_utt()
        self._buffer.clear()
        self._t0 = None
        self._fed = 0.0
        self._next_partial = PARTIAL_EVERY
        self._last_partial = ""

    def accept(self, chunk: AudioChunk) -> Partial | None:
        if self._t0 is None:
            self._t0 = chunk.timestamp
        self._fed += chunk.seconds
        if self._decoder is self._batch:
            self._buffer += chunk.data
            return None
        self._decoder.process_raw(chunk.data, False, False)
        if self._fed < self._next_partial:
            return None
        self._next_partial = self._fed + PARTIAL_EVERY
        hyp = self._decoder.hyp()
        text = hyp.hypstr if hyp is not None else ""
        if text and text != self._last_partial:
            self._last_partial = text
            return Partial(text)
        return None

    def end(self) -> Final:
        if self._decoder is self._batch:
            self._decoder.process_raw(bytes(self._buffer), False, True)
            self._buffer.clear()
        self._decoder.end_utt()
        if self._decoder is self._batch and self._fed > 0.5:
            # what the whole answer taught us about this voice and microphone
            # starts the live decoder off well for the next open answer
            self._cmn = self._batch.get_cmn(False)
        t0 = self._t0 or 0.0
        words = []
        for seg in self._decoder.seg() or ():
            if _FILLERS.match(seg.word):
                continue
            words.append(Word(text=_ALT.sub("", seg.word),
                              start=t0 + seg.start_frame / FRAME_RATE,
                              end=t0 + (seg.end_frame + 1) / FRAME_RATE,
                              confidence=round(min(1.0, max(0.0, float(seg.prob))), 3)))
        text = " ".join(w.text for w in words)
        return Final(text=text, words=tuple(words), confidence=mean_confidence(tuple(words)),
                     engine=self.name)

