"""Putting a session together from settings: engines, devices, transcript, flow.

The data path is microphone → listener (VAD + recognizer) → flow machine →
voice → speaker, with every event going to the transcript. A file or a
scripted user can replace the microphone; a WAV file or nothing can replace
the speaker. Runs with no real device use audio time and never sleep.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from assistant.audio.base import Microphone, Speaker
from assistant.audio.room import Room, RoomSpeaker
from assistant.audio.vad import WebRtcVoiceDetector
from assistant.audio.wavfile import NullSpeaker, WavMicrophone, WavSpeaker
from assistant.bargein import BargeInMonitor
from assistant.clock import AnyClock, ManualClock, MonotonicClock
from assistant.console import ConsolePrinter
from assistant.errors import ModelError, RegroupError
from assistant.events import EventSink
from assistant.flow.loader import find_flow
from assistant.flow.runner import FlowRunner
from assistant.listen import AudioListener, EndOfInput
from assistant.scripted import ScriptedMicrophone, load_script
from assistant.session import Listener, Session, Timing
from assistant.settings import Settings
from assistant.strengths import StrengthList
from assistant.stt.base import Recognizer
from assistant.transcript import TranscriptWriter, private_dir, session_header
from assistant.tts.voice import Pyttsx3Voice


@dataclass(frozen=True)
class RunOptions:
    """How one run gets its audio."""

    flow: str
    audio_in: Path | None = None
    """A WAV file to hear instead of the microphone."""
    audio_out: Path | None = None
    """A WAV file to write the assistant's voice to instead of the speaker."""
    user_script: Path | None = None
    """A scripted user instead of the microphone."""
    silent: bool = False
    """Play nothing (demo on a machine with no sound card)."""
    realtime: bool = False
    """Pace file input in real time."""
    live: bool = True
    """Print the conversation as it happens."""
    barge_in: bool = True
    """Listen for "stop" and "pause" while speaking."""
    preset: dict[str, Any] = field(default_factory=dict)
    """Answers known before the flow starts (e.g. --pattern for breathe)."""
    seed: int | None = None
    """Seed for choosing affirmations (tests fix it)."""


@dataclass(frozen=True)
class RunResult:
    """What a finished run left behind."""

    transcript_id: str
    transcript: Path
    answers: dict[str, Any] = field(default_factory=dict)
    reason: str = "finished"
    engine: str = ""


def choose_engine(settings: Settings) -> tuple[str, str]:
    """The recognizer to use and a one-line reason, honouring --engine."""
    from assistant.models import models_dir

    if settings.engine in ("pocketsphinx", "typed"):
        return settings.engine, "chosen with --engine"
    from assistant.stt.vosk_engine import find_model

    model = find_model(settings.model, models_dir())
    if settings.engine == "vosk":
        if model is None:
            raise ModelError(f"no Vosk model installed in {models_dir()}; run 'regroup models "
                             "download' (or use --engine pocketsphinx)")
        return "vosk", f"model {model}"
    if model is not None:
        return "vosk", f"Vosk model installed at {model}"
    return "pocketsphinx", ("no Vosk model installed, using the bundled US-English model "
                            "(better accuracy: 'regroup models download')")


def make_recognizer(engine: str, settings: Settings) -> Recognizer:
    """A recognizer for an audio engine name."""
    if engine == "vosk":
        from assistant.models import models_dir
        from assistant.stt.vosk_engine import VoskRecognizer, find_model

        model = find_model(settings.model, models_dir())
        if model is None:
            raise ModelError("no Vosk model installed; run 'regroup models download'")
        return VoskRecognizer(model)
    from assistant.stt.pocketsphinx_engine import PocketSphinxRecognizer

    return PocketSphinxRecognizer()


def _clock(settings: Settings, options: RunOptions, engine: str) -> AnyClock:
    real_in = options.audio_in is None and options.user_script is None and engine != "typed"
    real_out = options.audio_out is None and not options.silent
    if real_in or real_out or options.realtime:
        return MonotonicClock()
    return ManualClock()


def _speaker(settings: Settings, options: RunOptions, clock: AnyClock) -> Speaker:
    if options.audio_out is not None:
        return WavSpeaker(options.audio_out, clock)
    if options.silent:
        return NullSpeaker(clock)
    from assistant.audio.device import SoundDeviceSpeaker

    return SoundDeviceSpeaker(settings.output_device, clock)


def _microphone(settings: Settings, options: RunOptions, clock: AnyClock,
                sinks: list[EventSink]) -> tuple[Microphone, Room | None]:
    """The microphone, and the simulated room it is in (for scripts that ask for echo)."""
    realtime = options.realtime or not clock.virtual
    if options.user_script is not None:
        script = load_script(options.user_script)
        room = Room(gain_db=script.echo_db) if script.echo_db is not None else None
        mic = ScriptedMicrophone(script.turns, clock, realtime=realtime, room=room)
        sinks.append(mic)
        return mic, room
    if options.audio_in is not None:
        return WavMicrophone(options.audio_in, clock, realtime=realtime), None
    from assistant.audio.device import SoundDeviceMicrophone

    return SoundDeviceMicrophone(settings.input_device, clock), None


def run_flow(settings: Settings, options: RunOptions, out: TextIO | None = None) -> RunResult:
    """Run one flow to its end (or to Ctrl-C, or to the end of the input)."""
    out = out or sys.stdout
    flow = find_flow(options.flow, settings.data_dir)
    engine, why = choose_engine(settings)
    print(f"recognizer: {engine} ({why})", file=out, flush=True)
    clock = _clock(settings, options, engine)
    sinks: list[EventSink] = []
    closers: list[Any] = []
    try:
        listener: Listener
        room: Room | None = None
        if engine == "typed":
            from assistant.stt.typed import TypedListener

            listener = TypedListener(clock, prompt=out)
        else:
            recognizer = make_recognizer(engine, settings)
            mic, room = _microphone(settings, options, clock, sinks)
            closers.append(mic)
            listener = AudioListener(mic, recognizer,
                                     WebRtcVoiceDetector(settings.vad_aggressiveness), clock)
        voice = Pyttsx3Voice(rate=settings.voice_rate, voice=settings.voice)
        closers.append(voice)
        speaker = _speaker(settings, options, clock)
        closers.append(speaker)
        if room is not None:
            speaker = RoomSpeaker(speaker, room)
        private_dir(settings.data_dir)
        writer = TranscriptWriter(settings.transcripts_dir, flow.name)
        closers.append(writer)
        sinks.insert(0, writer)
        if options.live:
            sinks.append(ConsolePrinter(out))
        timing = Timing(settings.command_silence, settings.open_silence, settings.answer_timeout,
                        settings.open_timeout, settings.echo_guard)
        monitor = None
        if engine != "typed" and options.barge_in:
            monitor = BargeInMonitor(make_recognizer(engine, settings))
        session = Session(listener=listener, voice=voice, speaker=speaker, clock=clock,
                          sinks=sinks, timing=timing, rate=settings.voice_rate, monitor=monitor)
        session.answers.update(options.preset)
        session.emit("session", **session_header(flow.name, engine))
        runner = FlowRunner(flow, session, StrengthList(settings.data_dir), options.seed)
        reason = _drive(runner, session)
        return RunResult(writer.id, writer.path, dict(session.answers), reason, engine)
    finally:
        for thing in reversed(closers):
            thing.close()


def _drive(runner: FlowRunner, session: Session) -> str:
    """Run the machine; every way out leaves a closing event in the transcript."""
    try:
        runner.run()
        if runner.reason != "finished":
            session.emit("end", reason=runner.reason, answers=session.answers)
            return runner.reason
    except KeyboardInterrupt:
        session.emit("cancelled", reason="interrupted (Ctrl-C)", step=runner.state)
        return "cancelled"
    except EndOfInput:
        session.emit("end", reason="the audio input ended", step=runner.state)
        return "input ended"
    except Exception as exc:  # the transcript says how it ended, whatever happened
        message = str(exc) if isinstance(exc, RegroupError) else f"{type(exc).__name__}: {exc}"
        session.emit("error", message=message, step=runner.state)
        session.emit("end", reason="error")
        raise
    session.emit("end", reason="finished", answers=session.answers)
    return "finished"
