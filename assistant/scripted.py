"""A scripted user: answers from a file, spoken into the real recognizer when the assistant listens.

Script format (YAML, stable — see README "Scripted users")::

    voice: en-us+m3        # espeak-ng voice for spoken turns, or piper (default en-us+m3)
    speed: 150             # words per minute (default 150)
    turns:
      - seven              # a plain string: text spoken with the default voice
      - say: "yes"         # the same, with its own voice, speed or delay
        voice: en-us+f2
      - wav: ready.wav     # a recording, relative to the script's folder
      - silence: 10        # say nothing for 10 s (the assistant will re-ask)
      - say: stop          # said over Regroup while it speaks a sentence starting so
        over: "That caller"
        delay: 1.0
    echo: -10              # optional: Regroup's voice leaks into the microphone at -10 dB

Each turn starts `delay` seconds (default 0.6) after the assistant starts listening.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, to_pipeline
from assistant.audio.room import Room
from assistant.audio.wavfile import read_wav
from assistant.clock import AnyClock
from assistant.errors import EngineError, ScriptError
from assistant.events import Event

DEFAULT_VOICE = "en-us+m3"


@dataclass(frozen=True)
class Turn:
    """One thing the scripted user does when asked."""

    text: str = ""
    wav: Path | None = None
    silence: float = 0.0
    voice: str = DEFAULT_VOICE
    speed: int = 150
    delay: float = 0.6
    over: str = ""
    """Said over Regroup while it speaks a sentence starting with this (barge-in)."""

    def describe(self) -> str:
        if self.wav:
            return f"[{self.wav.name}]"
        return f'"{self.text}"' if self.text else f"[silence {self.silence:g} s]"


@dataclass(frozen=True)
class Script:
    """A scripted user: turns, and optionally the room their microphone is in."""

    turns: list[Turn]
    echo_db: float | None = None
    """Regroup's voice leaks into the microphone at this level (dB), if set."""


def load_script(path: Path) -> Script:
    """Read a user script; a malformed one is a ScriptError naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScriptError(f"{path}: cannot read user script ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScriptError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from None
    if isinstance(raw, list):
        raw = {"turns": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("turns"), list):
        raise ScriptError(f"{path}: a user script needs a 'turns:' list (see README)")
    voice = str(raw.get("voice", DEFAULT_VOICE))
    try:
        speed = int(raw.get("speed", 150))
        echo = float(raw["echo"]) if raw.get("echo") is not None else None
        turns = [_turn(path, i, item, voice, speed) for i, item in enumerate(raw["turns"], 1)]
        return Script(turns, echo)
    except (TypeError, ValueError) as exc:
        raise ScriptError(f"{path}: a number in the script is not a number ({exc})") from None


def _turn(path: Path, n: int, item: Any, voice: str, speed: int) -> Turn:
    if isinstance(item, bool):  # YAML reads a bare yes / no as a boolean
        return Turn(text="yes" if item else "no", voice=voice, speed=speed)
    if isinstance(item, (str, int, float)):
        return Turn(text=str(item), voice=voice, speed=speed)
    if not isinstance(item, dict) or not {"say", "wav", "silence"} & set(item):
        raise ScriptError(f"{path}: turn {n} must be text, or have 'say', 'wav' or 'silence'")
    delay = float(item.get("delay", 0.6))
    over = str(item.get("over", ""))
    if over:
        said = item.get("say", "stop")
        return Turn(text=("yes" if said else "no") if isinstance(said, bool) else str(said),
                    voice=str(item.get("voice", voice)), speed=int(item.get("speed", speed)),
                    delay=delay, over=over)
    if "wav" in item:
        wav = Path(str(item["wav"]))
        return Turn(wav=wav if wav.is_absolute() else path.parent / wav, delay=delay)
    if "silence" in item:
        return Turn(silence=float(item["silence"]), delay=delay)
    said = item["say"]
    text = ("yes" if said else "no") if isinstance(said, bool) else str(said)
    return Turn(text=text, voice=str(item.get("voice", voice)),
                speed=int(item.get("speed", speed)), delay=delay)


def speak(text: str, voice: str = DEFAULT_VOICE, speed: int = 150) -> AudioChunk:
    """Text spoken by espeak-ng (or by Piper for voice 'piper'), as pipeline audio."""
    if voice == "piper":
        from assistant.tts.piper_voice import PiperNaturalVoice

        return to_pipeline(PiperNaturalVoice(steady=True).render(text, speed))
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise EngineError("espeak-ng is not installed; run 'sudo apt-get install espeak-ng'")
    with tempfile.TemporaryDirectory(prefix="regroup-user-") as tmp:
        out = Path(tmp) / "turn.wav"
        done = subprocess.run([exe, "-v", voice, "-s", str(speed), "-w", str(out), text],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            raise EngineError(f"espeak-ng could not say {text!r} with voice '{voice}': "
                              f"{done.stderr.strip()}; see 'espeak-ng --voices'")
        return to_pipeline(read_wav(out))


def render(turn: Turn) -> AudioChunk:
    """The audio of one turn."""
    if turn.wav is not None:
        return to_pipeline(read_wav(turn.wav))
    if turn.text:
        return speak(turn.text, turn.voice, turn.speed)
    return AudioChunk.silence(turn.silence)


class ScriptedMicrophone:
    """A microphone on which the scripted user answers each time the assistant listens.

    It follows the session's events (it is an event sink): a `listen` event
    schedules the next turn. Between turns it hears silence. When the script
    is used up and the assistant listens again, the input ends.
    """

    def __init__(self, turns: list[Turn], clock: AnyClock, *, realtime: bool = False,
                 block_seconds: float = 0.02, room: Room | None = None) -> None:
        self.clock = clock
        self.realtime = realtime
        self.room = room
        self.block = max(1, round(block_seconds * PIPELINE_RATE))
        self._turns = deque((t, render(t)) for t in turns)
        self._current: AudioChunk | None = None
        self._exhausted = False
        self.played: list[Turn] = []
        self.spoken: list[tuple[float, float]] = []  # session times each turn began and ended

    def __call__(self, event: Event) -> None:
        """Session event sink: start the next turn when the assistant listens (or speaks)."""
        turn = self._turns[0][0] if self._turns else None
        if (event.kind == "said" and turn is not None and turn.over
                and str(event.data.get("text", "")).startswith(turn.over)):
            self._start_turn(event.at + turn.delay)
        elif event.kind == "listen":
            if turn is None:
                self._exhausted = True
            elif not turn.over:
                self._start_turn(float(event.data["since"]) + turn.delay)

    def _start_turn(self, at: float) -> None:
        turn, audio = self._turns.popleft()
        self.played.append(turn)
        self._current = audio.at(at)
        self.spoken.append((at, at + audio.seconds))

    def chunks(self) -> Iterator[AudioChunk]:
        pos = 0.0
        while not self._exhausted:
            now = self.clock.now()
            start = pos if now - pos < 0.1 else now  # skip what passed while the assistant spoke
            samples = np.zeros(self.block)
            cur = self._current
            if cur is not None:
                offset = round((start - cur.timestamp) * PIPELINE_RATE)
                lo, hi = max(0, offset), min(cur.frames, offset + self.block)
                if lo < hi:
                    samples[lo - offset : hi - offset] = cur.samples()[lo:hi, 0]
                elif offset >= cur.frames:
                    self._current = None
            if self.room is not None:
                samples += self.room.echo(start, self.block)
            pcm = np.clip(np.round(samples), -32768, 32767).astype(np.int16)
            chunk = AudioChunk.from_samples(pcm, PIPELINE_RATE, start)
            pos = chunk.end
            if self.realtime:
                self.clock.wait_until(chunk.end)
            yield chunk

    def close(self) -> None:
        pass
