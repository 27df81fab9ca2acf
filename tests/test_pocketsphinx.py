"""Real speech through the real recognizer: espeak-ng voices → pocketsphinx → words."""

from __future__ import annotations

import pytest

from assistant.audio.chunk import AudioChunk, Framer, concat
from assistant.flow.answers import number_vocabulary, parse_yes_no, yes_no_vocabulary
from assistant.scripted import speak
from assistant.stt.base import DICTATION, Final, Vocabulary
from assistant.stt.pocketsphinx_engine import PocketSphinxRecognizer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recognizer() -> PocketSphinxRecognizer:
    return PocketSphinxRecognizer()


def recognize(rec: PocketSphinxRecognizer, vocab: Vocabulary, audio: AudioChunk,
              block: int = 320, at: float = 0.0) -> tuple[Final, list[str]]:
    padded = concat([AudioChunk.silence(0.3), audio, AudioChunk.silence(0.5)]).at(at)
    rec.begin(vocab)
    partials = []
    framer = Framer()
    for i in range(0, len(padded.data), 2 * block):
        piece = AudioChunk(16_000, 1, padded.data[i:i + 2 * block], at + i / 32_000)
        for frame in framer.push(piece):
            p = rec.accept(frame)
            if p is not None:
                partials.append(p.text)
    return rec.end(), partials


@pytest.mark.parametrize(("voice", "word"), [
    ("en-us+f2", "seven"), ("en-us+f2", "three"), ("en-us+f2", "six"), ("en-us+m1", "ten"),
    ("piper", "four"), ("en-us+f2", "nine"), ("en-us+m1", "seven"), ("en+f3", "eight"),
])
def test_number_grammar(recognizer: PocketSphinxRecognizer, voice: str, word: str) -> None:
    final, _ = recognize(recognizer, number_vocabulary(1, 10), speak(word, voice))
    assert final.text == word
    assert final.engine == "pocketsphinx"


@pytest.mark.parametrize(("voice", "said", "meaning"), [
    ("en-us+m1", "yes", True), ("en-us+f2", "no", False), ("en-us+f2", "not really", False),
    ("en-us+f2", "sure", True), ("en-us+m3", "yeah", True), ("en+f3", "nope", False),
])
def test_yes_no_grammar(recognizer: PocketSphinxRecognizer, voice: str, said: str,
                        meaning: bool) -> None:
    final, _ = recognize(recognizer, yes_no_vocabulary(), speak(said, voice))
    assert parse_yes_no(final.text) is meaning, final.text


def test_dictation_words_times_confidence_and_partials() -> None:
    rec = PocketSphinxRecognizer()  # a new session: one short answer, then an open one
    first, _ = recognize(rec, number_vocabulary(1, 10), speak("seven", "en-us+f2"))
    assert first.text == "seven"
    audio = speak("the meeting went better than I expected", "en-us+f2")
    final, partials = recognize(rec, DICTATION, audio, at=50.0)
    assert final.text == "the meeting went better than i expected"
    assert partials, "no partial result while speaking"
    assert all(50.0 <= w.start < w.end <= 50.0 + 0.3 + audio.seconds + 0.5 for w in final.words)
    assert all(w.confidence is not None and 0 <= w.confidence <= 1 for w in final.words)
    assert [w.start for w in final.words] == sorted(w.start for w in final.words)


def session(block: int) -> list[Final]:
    rec = PocketSphinxRecognizer()
    answers = [(number_vocabulary(1, 10), "three"), (DICTATION, "I will call her tomorrow"),
               (yes_no_vocabulary(), "yes")]
    return [recognize(rec, vocab, speak(text, "en-us+f2"), block=block)[0]
            for vocab, text in answers]


@pytest.mark.parametrize("block", [80, 441, 1600])
def test_results_do_not_depend_on_block_size(block: int) -> None:
    assert session(block) == session(320)
