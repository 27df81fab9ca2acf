"""A session: speak, listen, keep time, and report every event to the sinks.

The flow runner drives a session; the session owns the engines. Audio heard
before the assistant's playback has really finished (plus a short echo
guard) is never taken as an answer.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.audio.base import Speaker
from assistant.clock import AnyClock
from assistant.errors import StorageError
from assistant.events import Event, EventSink
from assistant.listen import Heard, ListenRequest
from assistant.stt.base import Vocabulary
from assistant.tts.voice import Voice


class Listener(Protocol):
    """Something that waits for one answer: audio + recognizer, or typed text."""

    def listen(self, request: ListenRequest, since: float) -> Heard | None: ...

    def close(self) -> None: ...


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
                 sinks: list[EventSink], timing: Timing = Timing()) -> None:
        self.listener = listener
        self.voice = voice
        self.speaker = speaker
        self.clock = clock
        self.sinks = sinks
        self.timing = timing
        self.answers: dict[str, Any] = {}
        self.warnings: list[str] = []
        self._quiet_from = 0.0  # microphone audio before this time is the assistant's own voice

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

    def say(self, text: str) -> None:
        """Speak a sentence and return once it has been played."""
        audio = self.voice.render(text)
        start = self.clock.now()
        self.emit("said", text=text, seconds=round(audio.seconds, 3))
        end = self.speaker.play(audio)
        self._quiet_from = end + self.timing.echo_guard
        self.emit("played", start=round(start, 3), end=round(end, 3))

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
                  expect=list(vocabulary.phrases) or "dictation",
                  end_silence=request.end_silence)
        heard = self.listener.listen(request, since)
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

    def wait_until(self, t: float) -> None:
        """Let time pass (audio time in file runs) until session time `t`."""
        self.clock.wait_until(t)
