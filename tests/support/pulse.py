"""A real audio stack for end-to-end tests: a PulseAudio daemon with a virtual mic and speaker.

The microphone is a pipe source fed in real time (20 ms of audio every 20 ms);
the speaker is a null sink whose monitor is recorded with parec.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.chunk import PIPELINE_RATE
from assistant.scripted import Turn, render
from assistant.transcript import read_events

BLOCK = 320  # 20 ms at 16 kHz


@contextmanager
def pulseaudio() -> Iterator[dict[str, str]]:
    """Start a private PulseAudio daemon; yield the environment that reaches it."""
    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} missing: run scripts/setup --dev (installs pulseaudio)")
    runtime = tempfile.mkdtemp(prefix="regroup-pulse-")
    os.chmod(runtime, 0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": runtime, "PULSE_RUNTIME_PATH": runtime + "/pulse"}
    fifo = f"{runtime}/mic.fifo"
    subprocess.run(
        ["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--log-target=stderr",
         "-L", "module-native-protocol-unix", "-L", "module-null-sink sink_name=spk",
         "-L", f"module-pipe-source source_name=mic file={fifo} format=s16le "
               f"rate={PIPELINE_RATE} channels=1"],
        env=env, check=True, capture_output=True, timeout=30)
    try:
        subprocess.run(["pactl", "set-default-source", "mic"], env=env, check=True, timeout=10)
        subprocess.run(["pactl", "set-default-sink", "spk"], env=env, check=True, timeout=10)
        env["REGROUP_TEST_FIFO"] = fifo
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, check=False, timeout=10)
        shutil.rmtree(runtime, ignore_errors=True)


def newest_events(transcripts: Path) -> list[dict[str, Any]]:
    """The events of the newest transcript so far (empty before one exists)."""
    files = sorted(transcripts.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    return read_events(files[-1]) if files else []


@contextmanager
def pulse_room(echo_volume: int = 68) -> Iterator[dict[str, str]]:
    """PulseAudio as a room: Regroup's speaker leaks into the microphone.

    The microphone is the monitor of a null sink `room`; what the speaker `spk`
    plays is looped into `room` at `echo_volume` percent (68 % is about -10 dB),
    and the person's voice is played into `room` too (see `say_into_room`).
    """
    with pulseaudio() as env:
        run = {"env": env, "check": True, "timeout": 10, "capture_output": True, "text": True}
        subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=room"], **run)
        subprocess.run(["pactl", "load-module", "module-loopback", "source=spk.monitor",
                        "sink=room", "latency_msec=30"], **run)
        inputs = subprocess.run(["pactl", "list", "short", "sink-inputs"], **run).stdout
        for line in inputs.splitlines():
            subprocess.run(["pactl", "set-sink-input-volume", line.split()[0],
                            f"{echo_volume}%"], **run)
        subprocess.run(["pactl", "set-default-source", "room.monitor"], **run)
        yield env


class RoomFeeder(threading.Thread):
    """The person in the room: speaks each turn into `room` when Regroup listens,
    or over Regroup's voice for turns with `over`."""

    def __init__(self, env: dict[str, str], transcripts: Path, turns: list[Turn]) -> None:
        super().__init__(daemon=True)
        self.env = env
        self.transcripts = transcripts
        self.turns = deque((t, render(t)) for t in turns)
        self.stop_event = threading.Event()
        self.spoken: list[str] = []

    def run(self) -> None:
        listens = 0
        while self.turns and not self.stop_event.wait(0.05):
            events = newest_events(self.transcripts)
            turn, audio = self.turns[0]
            now_listening = sum(e.get("type") == "listen" for e in events)
            said_over = turn.over and any(
                e.get("type") == "said" and str(e.get("text", "")).startswith(turn.over)
                for e in events)
            if said_over or (not turn.over and now_listening > listens):
                listens = now_listening
                self.turns.popleft()
                time.sleep(turn.delay)
                subprocess.run(["pacat", "--raw", "--format=s16le", f"--rate={PIPELINE_RATE}",
                                "--channels=1", "-d", "room"], input=audio.data, env=self.env,
                               check=True, timeout=60)
                self.spoken.append(turn.describe())

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


class MicFeeder(threading.Thread):
    """Writes the virtual microphone in real time: silence, and each turn when Regroup listens.

    It watches the newest transcript in `transcripts` for `listen` events,
    exactly like a person waiting for the question to end.
    """

    def __init__(self, fifo: str, transcripts: Path, turns: list[Turn],
                 talk_over: tuple[str, Turn] | None = None) -> None:
        super().__init__(daemon=True)
        self.fifo = fifo
        self.transcripts = transcripts
        self.turns = deque(render(t) for t in turns)
        self.delays = deque(t.delay for t in turns)
        # (start of a sentence Regroup says, a turn spoken over it while it is being played)
        self.talk_over = (talk_over[0], render(talk_over[1])) if talk_over else None
        self.stop_event = threading.Event()
        self.spoken: list[tuple[float, float]] = []  # (monotonic start, end) of each turn
        self._seen = 0

    def _events(self) -> list[dict[str, object]]:
        return newest_events(self.transcripts)

    def run(self) -> None:
        pending: np.ndarray | None = None
        start_at = 0.0
        pos = 0
        with open(self.fifo, "wb", buffering=0) as pipe:
            t0 = time.monotonic()
            n = 0
            while not self.stop_event.is_set():
                events = self._events() if n % 5 == 0 else []
                listens = sum(e.get("type") == "listen" for e in events)
                if self.turns and listens > self._seen:
                    self._seen += 1
                    audio = self.turns.popleft()
                    pending = np.frombuffer(audio.data, "<i2")
                    start_at = time.monotonic() + self.delays.popleft()
                    pos = 0
                elif self.talk_over and any(e.get("type") == "said" and str(
                        e.get("text", "")).startswith(self.talk_over[0]) for e in events):
                    pending = np.frombuffer(self.talk_over[1].data, "<i2")
                    start_at, pos, self.talk_over = time.monotonic() + 0.3, 0, None
                block = np.zeros(BLOCK, np.int16)
                if pending is not None and time.monotonic() >= start_at:
                    if pos == 0:
                        self.spoken.append((time.monotonic(), time.monotonic()
                                            + len(pending) / PIPELINE_RATE))
                    piece = pending[pos:pos + BLOCK]
                    block[:len(piece)] = piece
                    pos += BLOCK
                    if pos >= len(pending):
                        pending = None
                pipe.write(block.astype("<i2").tobytes())
                n += 1
                delay = t0 + n * BLOCK / PIPELINE_RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


class SinkRecorder:
    """Records what reaches the virtual speaker (the null sink's monitor)."""

    def __init__(self, env: dict[str, str], path: Path) -> None:
        self.path = path
        self._out = path.open("wb")
        self._proc = subprocess.Popen(
            ["parec", "-d", "spk.monitor", "--raw", "--format=s16le",
             f"--rate={PIPELINE_RATE}", "--channels=1"], env=env, stdout=self._out)

    def stop(self) -> np.ndarray:
        self._proc.terminate()
        self._proc.wait(timeout=10)
        self._out.close()
        return np.frombuffer(self.path.read_bytes(), "<i2")


def voiced_seconds(samples: np.ndarray, threshold: float = 500.0) -> float:
    """Seconds of 20 ms blocks whose level is above `threshold`."""
    usable = len(samples) - len(samples) % BLOCK
    blocks = samples[:usable].astype(np.float64).reshape(-1, BLOCK)
    rms = np.sqrt((blocks ** 2).mean(axis=1)) if len(blocks) else np.zeros(0)
    return float((rms > threshold).sum() * BLOCK / PIPELINE_RATE)
