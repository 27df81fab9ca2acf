"""Listening for one answer: endpointing with a VAD, then recognition.

The microphone's audio is framed into fixed 20 ms frames, and in audio-time
runs the clock moves frame by frame, so neither results nor times depend on
the source's block size. Audio from before `since` — while the
assistant was still speaking — is dropped, never taken as an answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.audio.base import Microphone
from assistant.audio.chunk import FRAME_SECONDS, AudioChunk, Framer
from assistant.audio.vad import VoiceDetector
from assistant.clock import AnyClock
from assistant.stt.base import Final, Recognizer, Vocabulary


@dataclass(frozen=True)
class ListenRequest:
    """What to listen for and how patiently."""

    step: str
    """The flow step asking."""
    vocabulary: Vocabulary
    """Expected answers, or dictation."""
    end_silence: float = 0.5
    """Trailing silence that ends the answer, in seconds."""
    timeout: float = 8.0
    """How long to wait for speech to begin before giving up."""
    max_seconds: float = 30.0
    """The longest an answer may run before it is cut."""
    preroll: float = 0.3
    """Audio kept from before the speech start, so first syllables are not clipped."""
    start_frames: int = 3
    """Voiced frames out of the last five needed to decide speech has begun."""

@dataclass(frozen=True)
class Heard:
    """An answer the recognizer understood (text may be empty only for typed input)."""

    final: Final
    speech_start: float
    """Session time the voice began."""
    speech_end: float
    """Session time of the last voiced frame's end."""
    endpoint_at: float
    """Session time the end of the answer was decided."""

class EndOfInput(Exception):
    """The audio source (file or script) has nothing more to say."""

class AudioListener:
    """Microphone → frames → VAD endpointing → recognizer."""

    def __init__(self, microphone: Microphone, recognizer: Recognizer, vad: VoiceDetector,
                 clock: AnyClock, on_partial: Callable[[str], None] | None = None) -> None:
        self.microphone = microphone
        self.clock = clock
        self.recognizer = recognizer
        self.vad = vad
        self.on_partial = on_partial
        self._chunks: Iterator[AudioChunk] = iter(microphone.chunks())
        self._framer = Framer()

    def frames(self, since: float) -> Iterator[AudioChunk]:
        """20 ms frames from session time `since` on; in audio time each one moves the clock."""
        self._framer.reset()
        for chunk in self._chunks:
            if chunk.end <= since:
                continue  # heard before `since`: while the assistant was still speaking
            if chunk.timestamp < since:  # frames start exactly at `since`
                skip = round((since - chunk.timestamp) * chunk.rate) * 2 * chunk.channels
                chunk = AudioChunk(chunk.rate, chunk.channels, chunk.data[skip:], since)
            for frame in self._framer.push(chunk):
                self.clock.advance_to(frame.end)  # audio time: hearing a frame takes its length
                yield frame

    def listen(self, request: ListenRequest, since: float) -> Heard | None:
        """Wait for one answer; None when nobody spoke before the timeout."""
        preroll: deque[AudioChunk] = deque(maxlen=max(1, round(request.preroll / FRAME_SECONDS)))
        recent: deque[bool] = deque(maxlen=5)
        deadline = since + request.timeout
        hard_limit = deadline + request.max_seconds  # noise that never becomes words ends too
        in_speech = False
        start = last_voiced = silence = 0.0
        for frame in self.frames(since):
            if frame.end >= hard_limit:
                if in_speech:
                    final = self.recognizer.end()
                    if final.text:
                        return Heard(final, start, last_voiced, frame.end)
                return None
            voiced = self.vad.is_speech(frame)
            if not in_speech:
                preroll.append(frame)
                recent.append(voiced)
                if sum(recent) >= request.start_frames:
                    in_speech, silence = True, 0.0
                    first = list(recent).index(True)
                    start = preroll[len(preroll) - len(recent) + first].timestamp
                    last_voiced = frame.end
                    self.recognizer.begin(request.vocabulary)
                    for f in preroll:
                        self._partial(self.recognizer.accept(f))
                elif frame.end >= deadline:
                    return None
                continue
            self._partial(self.recognizer.accept(frame))
            if voiced:
                last_voiced, silence = frame.end, 0.0
            else:
                silence += frame.seconds
            if silence >= request.end_silence or frame.end - start >= request.max_seconds:
                final = self.recognizer.end()
                if final.text:
                    return Heard(final, start, last_voiced, frame.end)
                in_speech = False  # a cough or a click: keep waiting
                recent.clear()
                preroll.clear()
                deadline = max(deadline, frame.end + 1.0)
        if in_speech:  # the input ended mid-answer: keep what was said
            final = self.recognizer.end()
            if final.text:
                return Heard(final, start, last_voiced, last_voiced)
        raise EndOfInput

    def _partial(self, partial: object) -> None:
        if partial is not None and self.on_partial is not None:
            self.on_partial(getattr(partial, "text", ""))

    def close(self) -> None:
        self.microphone.close()
