"""Endpointing: when an answer starts and ends, and what audio is never taken as an answer."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk
from assistant.audio.vad import EnergyVoiceDetector
from assistant.clock import ManualClock
from assistant.listen import AudioListener, EndOfInput, ListenRequest
from assistant.stt.base import DICTATION, Final, Partial, Vocabulary, Word


class ListMicrophone:
    """A microphone playing a fixed timeline of (seconds, loud?) segments in 20 ms blocks."""

    def __init__(self, timeline: list[tuple[float, bool]]) -> None:
        self.timeline = timeline

    def chunks(self) -> Iterator[AudioChunk]:
        t = 0.0
        for seconds, loud in self.timeline:
            for _ in range(round(seconds / 0.02)):
                level = 3000 if loud else 0
                pcm = (level * np.sin(np.arange(320) / 3)).astype(np.int16)
                yield AudioChunk.from_samples(pcm, PIPELINE_RATE, t)
                t += 0.02

    def close(self) -> None:
        pass


class CountingRecognizer:
    """Says how much loud audio it was given, so tests can see what was fed."""

    name = "counting"

    def __init__(self) -> None:
        self.utterances: list[list[AudioChunk]] = []

    def begin(self, vocabulary: Vocabulary) -> None:
        self.utterances.append([])

    def accept(self, chunk: AudioChunk) -> Partial | None:
        self.utterances[-1].append(chunk)
        return Partial("...") if len(self.utterances[-1]) == 5 else None

    def end(self) -> Final:
        frames = self.utterances[-1]
        loud = [f for f in frames if f.rms() > 100]
        if not loud or len(loud) < 5:
            return Final("")
        return Final(f"{len(loud)} loud frames", (Word("x", loud[0].timestamp, loud[-1].end),))


def listen(timeline: list[tuple[float, bool]], request: ListenRequest,
           since: float = 0.0) -> tuple[object, CountingRecognizer, list[str]]:
    rec = CountingRecognizer()
    partials: list[str] = []
    listener = AudioListener(ListMicrophone(timeline), rec, EnergyVoiceDetector(),
                             ManualClock(), on_partial=partials.append)
    return listener.listen(request, since), rec, partials


def req(**kw: float) -> ListenRequest:
    return ListenRequest(step="s", vocabulary=DICTATION, **kw)  # type: ignore[arg-type]


def test_short_answer_ends_after_the_command_silence() -> None:
    heard, rec, partials = listen([(1.0, False), (0.6, True), (3.0, False)],
                                  req(end_silence=0.5))
    assert heard is not None
    assert heard.speech_start == pytest.approx(1.0)
    assert heard.speech_end == pytest.approx(1.6)
    assert heard.endpoint_at == pytest.approx(2.1)
    assert partials == ["..."]
    first = rec.utterances[0][0]
    assert first.timestamp == pytest.approx(1.0 - 0.3 + 0.04, abs=0.05)  # the pre-roll


def test_pauses_shorter_than_the_open_silence_stay_in_one_answer() -> None:
    timeline = [(0.5, False), (1.0, True), (1.5, False), (1.0, True), (3.0, False)]
    heard, _, _ = listen(timeline, req(end_silence=2.5))
    assert heard is not None
    assert heard.final.text == "100 loud frames"
    assert heard.speech_end == pytest.approx(4.0)
    short, _, _ = listen(timeline, req(end_silence=0.5))
    assert short is not None and short.final.text == "50 loud frames"


def test_nobody_speaks_before_the_timeout() -> None:
    heard, rec, _ = listen([(10.0, False)], req(timeout=3.0))
    assert heard is None
    assert rec.utterances == []


def test_audio_from_while_the_assistant_spoke_is_dropped() -> None:
    # loud audio in the first second is the assistant's own voice leaking in
    heard, rec, _ = listen([(1.0, True), (1.0, False), (0.4, True), (2.0, False)],
                           req(end_silence=0.5), since=1.2)
    assert heard is not None
    assert heard.speech_start == pytest.approx(2.0)
    assert all(f.timestamp >= 1.2 for f in rec.utterances[0])


def test_a_click_does_not_end_the_wait() -> None:
    heard, rec, _ = listen([(0.5, False), (0.08, True), (1.0, False), (0.5, True), (2.0, False)],
                           req(end_silence=0.5))
    assert heard is not None and heard.speech_start == pytest.approx(1.58)
    assert len(rec.utterances) == 2


def test_input_ending_mid_answer_keeps_what_was_said() -> None:
    heard, _, _ = listen([(0.5, False), (1.0, True)], req(end_silence=2.5))
    assert heard is not None and heard.final.text == "50 loud frames"
    with pytest.raises(EndOfInput):
        listen([(0.5, False)], req(timeout=5.0))


class DeafRecognizer(CountingRecognizer):
    def end(self) -> Final:
        return Final("")


def test_endless_noise_that_never_becomes_words_still_times_out() -> None:
    # a fan or a television: voiced frames the recognizer cannot turn into words
    rec = DeafRecognizer()
    clock = ManualClock()
    listener = AudioListener(ListMicrophone([(120.0, True)]), rec, EnergyVoiceDetector(), clock)
    assert listener.listen(req(timeout=3.0, max_seconds=10.0), 0.0) is None
    assert clock.now() == pytest.approx(13.0, abs=0.03)
