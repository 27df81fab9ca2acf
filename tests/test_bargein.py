"""Barge-in: "stop" and "pause" said over Regroup's voice, with its own voice leaking back.

Real speech (espeak-ng voices and Piper), the real recognizer, and a simulated
room in which the speaker's output reaches the microphone at a realistic level.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.chunk import AudioChunk, Framer, to_pipeline
from assistant.audio.room import Room, RoomSpeaker
from assistant.audio.vad import WebRtcVoiceDetector
from assistant.audio.wavfile import NullSpeaker
from assistant.bargein import BargeInMonitor, EchoGate
from assistant.clock import ManualClock
from assistant.events import Event
from assistant.flow.loader import find_flow
from assistant.flow.runner import FlowRunner
from assistant.listen import AudioListener, EndOfInput
from assistant.scripted import ScriptedMicrophone, Turn, load_script, render
from assistant.session import Session
from assistant.strengths import StrengthList
from assistant.stt.pocketsphinx_engine import PocketSphinxRecognizer
from assistant.tts.voice import Pyttsx3Voice

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
SENTENCE = ("That caller was upset about what went wrong for them. Say stop or pause at any "
            "time, and I will stop.")


def run(flow: str, turns: list[Turn], echo_db: float | None, tmp: Path,
        ) -> tuple[list[Event], ScriptedMicrophone, str]:
    clock = ManualClock()
    room = Room(gain_db=echo_db) if echo_db is not None else None
    events: list[Event] = []
    mic = ScriptedMicrophone(turns, clock, room=room)
    listener = AudioListener(mic, PocketSphinxRecognizer(), WebRtcVoiceDetector(), clock)
    speaker = NullSpeaker(clock)
    session = Session(listener=listener, voice=Pyttsx3Voice(), clock=clock,
                      speaker=RoomSpeaker(speaker, room) if room else speaker,
                      sinks=[events.append, mic], monitor=BargeInMonitor(PocketSphinxRecognizer()))
    runner = FlowRunner(find_flow(flow, tmp), session, StrengthList(tmp), seed=2)
    try:
        runner.run()
        reason = runner.reason
    except EndOfInput:
        reason = "input ended"
    return events, mic, reason


def last_voiced(turn: Turn) -> float:
    """Seconds from the turn's start to its last clearly voiced sample."""
    pcm = np.abs(render(turn).samples()[:, 0])
    return float(np.nonzero(pcm > 800)[0][-1] / 16_000)


@pytest.mark.parametrize("voice", ["piper", "en-us+f2", "en-us+m1"])
@pytest.mark.parametrize("echo_db", [-20.0, -10.0])
def test_stop_cuts_in_within_300_ms(voice: str, echo_db: float, tmp_path: Path) -> None:
    stop = Turn(text="stop", voice=voice, over="That caller", delay=2.0)
    events, mic, reason = run("quick-reset", [Turn(text="seven", voice="piper"), stop],
                              echo_db, tmp_path)
    assert reason == "stopped by voice"
    [barge] = [e for e in events if e.kind == "barge_in"]
    assert barge.data["command"] == "stop"
    word_end = mic.spoken[-1][0] + last_voiced(stop)
    assert barge.data["cut_at"] - word_end <= 0.3, (barge.data, word_end)
    said = [e for e in events if e.kind == "said"]
    assert said[-1].data["text"].startswith("Okay, let's stop here.")


@pytest.mark.parametrize("voice", ["piper", "en-us+f2"])
def test_pause_during_speech_then_resume(voice: str, tmp_path: Path) -> None:
    turns = [Turn(text="seven", voice="piper"),
             Turn(text="pause", voice=voice, over="That caller", delay=1.5),
             Turn(text="resume", voice="piper"), Turn(text="three", voice="piper"),
             Turn(text="yes", voice="piper")]
    events, _, reason = run("quick-reset", turns, -10.0, tmp_path)
    assert reason == "finished"
    assert [e.data["command"] for e in events if e.kind == "barge_in"] == ["pause"]
    answers = {e.data["name"]: e.data["value"] for e in events if e.kind == "answer"}
    assert answers == {"stress_before": 7, "stress_after": 3, "ready": True}
    steps = [e.data["id"] for e in events if e.kind == "step"]
    assert steps.count("reframe") == 2  # the interrupted step is said again after resuming


@pytest.mark.parametrize("flow", ["quick-reset", "affirm", "apology-rehearsal"])
def test_its_own_voice_never_triggers_a_command(flow: str, tmp_path: Path) -> None:
    # a laptop at full volume: the echo is only 3 dB below the voice it plays
    script = load_script(REPO / "flows" / "demo" / f"{flow}.yaml")
    events, _, reason = run(flow, script.turns, -3.0, tmp_path)
    assert [e for e in events if e.kind == "barge_in"] == []
    assert reason == "finished"


def test_the_gate_passes_the_person_and_not_the_echo() -> None:
    voice = to_pipeline(Pyttsx3Voice().render(SENTENCE, 160))
    for gain_db, delay in [(-20, 0.0), (-6, 0.12), (0, 0.3)]:
        gate = EchoGate()
        gate.play(voice, 0.0)
        room = Room(gain_db=gain_db, delay=delay)
        room.play(voice, 0.0)
        echo = room.echo(0.0, voice.frames + 8000)
        mic = AudioChunk.from_samples(np.round(echo).astype(np.int16), 16_000, 0.0)
        flags = [gate.user_voice(f) for f in Framer().push(mic)]
        assert not any(flags), (gain_db, delay)
        # now the person speaks over the same echo
        person = render(Turn(text="stop", voice="en-us+f2")).samples()[:, 0]
        mixed = echo.copy()
        at = int(4.0 * 16_000)  # the gate has learned the echo after two seconds
        mixed[at:at + len(person)] += person
        gate2 = EchoGate()
        gate2.play(voice, 0.0)
        mic2 = AudioChunk.from_samples(np.clip(mixed, -32768, 32767).astype(np.int16), 16_000)
        flags2 = [gate2.user_voice(f) for f in Framer().push(mic2)]
        assert sum(flags2[200:200 + len(person) // 320]) >= 5, (gain_db, delay)


def test_nothing_is_acted_on_before_the_echo_is_learned() -> None:
    class Hears:
        name = "hears-stop"

        def begin(self, vocabulary: object) -> None: ...

        def accept(self, chunk: AudioChunk) -> None:
            return None

        def end(self) -> object:
            from assistant.stt.base import Final
            return Final("stop")

    monitor = BargeInMonitor(Hears())  # type: ignore[arg-type]
    loud = AudioChunk.from_samples((8000 * np.sin(np.arange(320))).astype(np.int16), 16_000)
    quiet = AudioChunk.silence(0.02)
    frames = [loud.at(i * 0.02) for i in range(20)] + [quiet.at(0.4 + i * 0.02) for i in range(10)]
    assert [monitor.accept(f) for f in frames] == [None] * 30  # no echo delay known yet
    monitor.gate.lag = 2
    later = [loud.at(1 + i * 0.02) for i in range(20)] + [quiet.at(1.4 + i * 0.02)
                                                          for i in range(10)]
    assert "stop" in [monitor.accept(f) for f in later]
