"""A session: speak, listen, keep time, and report every event to the sinks.

The flow runner drives a session; the session owns the engines. Audio heard
before the assistant's playback has really finished (plus a short echo
guard) is never taken as an answer. With a barge-in monitor, the microphone
is also watched while Regroup speaks or waits, so "stop" and "pause" cut in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.audio.base import Playback, Speaker
from assistant.audio.chunk import AudioChunk
from assistant.bargein import BargeInMonitor
from assistant.clock import AnyClock
from assistant.errors import StorageError
from assistant.events import Event, EventSink
from assistant.listen import AudioListener, Heard, ListenRequest
from assistant.stt.base import Vocabulary
from assistant.tts.voice import Voice

MIN_RATE, MAX_RATE, RATE_STEP = 110, 220, 20


class Listener(Protocol):
    """Something that waits for one answer: audio + recognizer, or typed text."""

    def listen(self, request: ListenRequest, since: float) -> Heard | None: ...

    def close(self) -> None: ...


class VoiceCommand(Exception):
    """The person said a command ("stop", "pause", …) that changes what happens next."""

    def __init__(self, command: str) -> None:
        super().__init__(command)
        self.command = command


@dataclass(frozen=True)
class Timing:
    """Endpointing and patience, from the settings."""

    command_silence: float = 0.5
    open_silence: float = 2.5
    answer_timeout: float = 8.0
    open_timeout: float = 20.0
    echo_guard: float = 0.15


class Session:
    """One conversation between the person and a flow."""

    def __init__(self, *, listener: Listener, voice: Voice, speaker: Speaker, clock: AnyClock,
                 sinks: list[EventSink], timing: Timing = Timing(), rate: int = 160,
                 monitor: BargeInMonitor | None = None) -> None:
        self.listener = listener
        self.voice = voice
        self.speaker = speaker
        self.clock = clock
        self.sinks = sinks
        self.timing = timing
        self.rate = rate
        self.monitor = monitor if isinstance(listener, AudioListener) else None
        if isinstance(listener, AudioListener) and listener.on_partial is None:
            listener.on_partial = lambda text: self.emit("partial", text=text)
        self.answers: dict[str, Any] = {}
        self.warnings: list[str] = []
        self._quiet_from = 0.0  # microphone audio before this time is the assistant's own voice
        self.last_heard: Heard | None = None

    def emit(self, kind: str, **data: Any) -> None:
        """Send an event to every sink; a failing transcript never stops the session."""
        event = Event(kind, self.clock.now(), data)
        for sink in self.sinks:
            try:
                sink(event)
            except StorageError as exc:
                self.warnings.append(str(exc))
                if kind != "error":
                    with contextlib.suppress(StorageError):
                        self.emit("error", message=str(exc))

    def change_rate(self, steps: int) -> int:
        """Speak slower (negative) or faster (positive); returns the new words per minute."""
        self.rate = max(MIN_RATE, min(MAX_RATE, self.rate + steps * RATE_STEP))
        self.emit("rate", wpm=self.rate)
        return self.rate

    def say(self, text: str) -> None:
        """Speak a sentence; return once it has been played (or raise VoiceCommand)."""
        self.play(self.voice.render(text, self.rate), text)

    def play(self, audio: AudioChunk, text: str) -> None:
        """Play audio (a sentence, or a tone described by `text`) to its end or a barge-in."""
        self.emit("said", text=text, seconds=round(audio.seconds, 3))
        playback = self.speaker.start(audio)
        if self.monitor is not None:
            self.monitor.play(audio, playback.started)
            self._watch(playback.started, playback.done, playback)
        end = playback.wait()
        self._quiet_from = end + self.timing.echo_guard + self._echo_delay()
        self.emit("played", start=round(playback.started, 3), end=round(end, 3))

    def _echo_delay(self) -> float:
        """How late Regroup's own voice reaches the microphone, once the echo gate knows."""
        delay = self.monitor.gate.delay if self.monitor is not None else None
        return delay or 0.0

    def wait_until(self, t: float) -> None:
        """Let time pass until session time `t`, still hearing "stop" and "pause"."""
        if self.monitor is None:
            self.clock.wait_until(t)
            return
        self._watch(max(self._quiet_from, self.clock.now()), lambda: self.clock.now() >= t, None)
        self.clock.wait_until(t)

    def _watch(self, since: float, until: Callable[[], bool], playback: Playback | None) -> None:
        assert isinstance(self.listener, AudioListener) and self.monitor is not None
        if until():
            return
        for frame in self.listener.frames(since):
            command = self.monitor.accept(frame)
            if self.monitor.overheard is not None:
                self.emit("overheard", **self.monitor.overheard)
                self.monitor.overheard = None
            if command is not None:
                cut = playback.stop() if playback is not None else None
                self._quiet_from = self.clock.now() + self.timing.echo_guard + self._echo_delay()
                self.emit("barge_in", command=command, heard_at=round(frame.end, 3),
                          cut_at=round(cut, 3) if cut is not None else None)
                raise VoiceCommand(command)
            if until():
                return

    def listen(self, step: str, vocabulary: Vocabulary, *,
               open_answer: bool = False) -> Heard | None:
        """Wait for one answer; None when the person said nothing in time."""
        t = self.timing
        request = ListenRequest(
            step=step, vocabulary=vocabulary,
            end_silence=t.open_silence if open_answer else t.command_silence,
            timeout=t.open_timeout if open_answer else t.answer_timeout,
            max_seconds=180.0 if open_answer else 15.0)
        since = max(self._quiet_from, self.clock.now())
        self.emit("listen", step=step, since=round(since, 3),
                  expect="dictation" if vocabulary.dictation else len(vocabulary.phrases),
                  end_silence=request.end_silence)
        heard = self.listener.listen(request, since)
        self.last_heard = heard
        if heard is None:
            self.emit("no_answer", step=step, waited=round(self.clock.now() - since, 3))
            return None
        final = heard.final
        self.emit("heard", step=step, text=final.text, confidence=final.confidence,
                  engine=final.engine, speech_start=round(heard.speech_start, 3),
                  speech_end=round(heard.speech_end, 3), endpoint=round(heard.endpoint_at, 3),
                  words=[{"w": w.text, "start": round(w.start, 3), "end": round(w.end, 3),
                          "conf": w.confidence} for w in final.words])
        return heard
