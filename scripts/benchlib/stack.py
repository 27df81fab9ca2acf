"""The bench's side of the audio stack: a person feeding the microphone FIFO in real time,
a clock for what reaches the speaker, and the `regroup run` child process.
"""

from __future__ import annotations

import bisect
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.chunk import PIPELINE_RATE
from assistant.scripted import Turn, render
from assistant.transcript import read_events
from benchlib import log, rms_blocks

REPO = Path(__file__).resolve().parents[2]
BLOCK = 320  # the feeder writes 20 ms blocks, like tests/support/pulse.MicFeeder
LEVEL = 120.0  # RMS in int16 units: the VAD's energy floor (assistant/audio/vad.py)
SINK_BLOCK = 80  # the speaker side is scanned in 5 ms blocks


def regroup_cmd(flow: str) -> list[str]:
    return [sys.executable, "-m", "assistant", "run", flow, "--engine", "pocketsphinx",
            "--input", "pulse", "--output", "pulse"]


# ---------------------------------------------------------------- the microphone


@dataclass
class FedTurn:
    """One answer the feeder spoke into the microphone."""

    listen_index: int
    """Which `listen` event of the transcript (0-based) it answers."""
    step: str
    started: float
    """Monotonic time the turn's first block was written."""
    last_voiced: float | None = None
    """Monotonic time the write of the turn's last block with RMS >= LEVEL returned."""


class Feeder(threading.Thread):
    """MicFeeder with an answer per step and the write time of each turn's last voiced block.

    Like tests/support/pulse.MicFeeder it writes 20 ms of audio every 20 ms and
    watches the newest transcript; each new `listen` event gets the answer
    for its step (so a re-ask is answered again, not with the next step's answer).
    """

    def __init__(self, fifo: str, transcripts: Path | None, answers: dict[str, Turn]) -> None:
        super().__init__(daemon=True)
        self.fifo = fifo
        self.transcripts = transcripts
        self.audio: dict[str, np.ndarray] = {}
        self.last_block: dict[str, int] = {}
        self.delay = {step: turn.delay for step, turn in answers.items()}
        for step, turn in answers.items():
            pcm = np.frombuffer(render(turn).data, "<i2")
            voiced = np.flatnonzero(rms_blocks(np.pad(pcm, (0, -len(pcm) % BLOCK)), BLOCK)
                                    >= LEVEL)
            self.audio[step] = pcm
            self.last_block[step] = int(voiced[-1]) if voiced.size else -1
        self.turns: list[FedTurn] = []
        self.stop_event = threading.Event()
        self._listens_seen = 0
        self._queue: deque[tuple[int, str]] = deque()

    def _poll_transcript(self) -> None:
        if self.transcripts is None:
            return
        files = sorted(self.transcripts.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
        if not files:
            return
        steps = [str(e.get("step")) for e in read_events(files[-1]) if e.get("type") == "listen"]
        for index in range(self._listens_seen, len(steps)):
            self._queue.append((index, steps[index]))
        self._listens_seen = len(steps)

    def run(self) -> None:
        pending: np.ndarray | None = None
        turn: FedTurn | None = None
        start_at = 0.0
        pos = 0
        # non-blocking: PulseAudio's pipe-source stops reading the FIFO while nothing records
        # from it; a full FIFO then drops blocks, like a real microphone nobody listens to
        fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            t0 = time.monotonic()
            n = 0
            while not self.stop_event.is_set():
                if n % 5 == 0:
                    self._poll_transcript()
                if pending is None and self._queue:
                    index, step = self._queue.popleft()
                    if step in self.audio:
                        pending, pos = self.audio[step], 0
                        start_at = time.monotonic() + self.delay[step]
                        turn = FedTurn(index, step, 0.0)
                block = np.zeros(BLOCK, np.int16)
                voiced_end = False
                if pending is not None and turn is not None and time.monotonic() >= start_at:
                    if pos == 0:
                        turn.started = time.monotonic()
                        self.turns.append(turn)
                    piece = pending[pos:pos + BLOCK]
                    block[:len(piece)] = piece
                    voiced_end = pos // BLOCK == self.last_block[turn.step]
                    pos += BLOCK
                    if pos >= len(pending):
                        pending = None
                with suppress(BlockingIOError):  # 640 bytes < PIPE_BUF: all or nothing
                    os.write(fd, block.astype("<i2").tobytes())
                if voiced_end and turn is not None:
                    turn.last_voiced = time.monotonic()
                n += 1
                delay = t0 + n * BLOCK / PIPELINE_RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        finally:
            os.close(fd)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


# ---------------------------------------------------------------- the speaker


class SinkClock:
    """Records the null sink's monitor with parec and maps byte offsets to monotonic time.

    The null sink renders its audio in small blocks, each at the moment the
    block's first sample is due (that is PulseAudio's own play time for it), and
    posts it straight to the monitor, where parec (--latency-msec=20) delivers it.
    Each read from parec's pipe is stamped with its arrival, so
    arrival - samples before the read / rate is where sample 0 sits on this
    process's monotonic clock. A few reads are split or delayed, and sink
    rewinds (a stream starting) can shift the line by a few ms over a run, so
    times use the median of that line over the reads within 2 s. `check()`
    reports how steady the line was.
    """

    WINDOW = 2.0

    def __init__(self, env: dict[str, str]) -> None:
        self.started = time.monotonic()
        self._proc = subprocess.Popen(
            ["parec", "-d", "spk.monitor", "--raw", "--format=s16le", f"--rate={PIPELINE_RATE}",
             "--channels=1", "--latency-msec=20"], env=env, stdout=subprocess.PIPE)
        self._data = bytearray()
        self._arrivals: list[float] = []  # when each read from parec arrived
        self._offsets: list[int] = []  # samples before that read
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 8192)
            now = time.monotonic()
            if not chunk:
                return
            with self._lock:
                self._arrivals.append(now)
                self._offsets.append(len(self._data) // 2)
                self._data += chunk

    def _snapshot(self, since: float) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
        """From `since` on: samples, the offset of the first, arrivals, each read's line."""
        with self._lock:
            i = bisect.bisect_left(self._arrivals, since)
            arrivals = np.asarray(self._arrivals[i:], dtype=np.float64)
            offsets = np.asarray(self._offsets[i:], dtype=np.float64)
            base = int(offsets[0]) if len(offsets) else len(self._data) // 2
            data = bytes(self._data[2 * base:len(self._data) // 2 * 2])
        return np.frombuffer(data, "<i2"), base, arrivals, arrivals - offsets / PIPELINE_RATE

    def _anchor(self, arrivals: np.ndarray, lines: np.ndarray, t: float) -> float | None:
        near = np.abs(arrivals - t) <= self.WINDOW
        use = lines[near] if near.sum() >= 10 else lines
        return float(np.median(use)) if len(use) else None

    def first_audible_after(self, t: float) -> float | None:
        """Play time (monotonic) of the first 5 ms block at or after `t` with RMS >= LEVEL."""
        samples, base, arrivals, lines = self._snapshot(t - self.WINDOW)
        anchor = self._anchor(arrivals, lines, t)
        if anchor is None:
            return None
        start = max(0, round((t - anchor) * PIPELINE_RATE) - base)
        hits = np.flatnonzero(rms_blocks(samples[start:], SINK_BLOCK) >= LEVEL)
        if not hits.size:
            return None
        offset = base + start + int(hits[0]) * SINK_BLOCK
        anchor = self._anchor(arrivals, lines, anchor + offset / PIPELINE_RATE) or anchor
        return anchor + offset / PIPELINE_RATE

    def check(self, span: tuple[float, float] | None = None) -> dict[str, Any]:
        """How steady the byte-offset-to-time line was (over `span` of monotonic time)."""
        _, _, arrivals, lines = self._snapshot(span[0] if span else 0.0)
        if span:
            keep = arrivals <= span[1]
            arrivals, lines = arrivals[keep], lines[keep]
        if len(lines) < 10:
            return {}
        ref = float(np.median(lines))
        windows = []
        for a in np.arange(arrivals[0], arrivals[-1], 5.0):
            inside = (arrivals >= a) & (arrivals < a + 5.0)
            if inside.sum() >= 10:
                windows.append(float(np.median(lines[inside])))
        spread = (lines - ref) * 1000
        return {"reads": len(lines),
                "read_line_iqr_ms": round(float(np.subtract(*np.percentile(spread, [75, 25]))), 2),
                "line_shift_ms": round((max(windows) - min(windows)) * 1000, 1)
                if windows else None,
                "seconds": round(float(arrivals[-1] - arrivals[0]), 1)}

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        self._thread.join(timeout=5)


# ---------------------------------------------------------------- running regroup


def wait_child(proc: subprocess.Popen[bytes], timeout: float,
               transcripts: Path | None = None, stall: float = 25.0) -> tuple[int, float | None]:
    """Wait for the child with wait4; return its exit code and its own peak RSS in MB.

    The child is interrupted (SIGINT, then SIGKILL) after `timeout` seconds, or once
    its newest transcript has not changed for `stall` seconds (a hung session).
    """
    deadline = time.monotonic() + timeout
    interrupted = False
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return proc.returncode, round(usage.ru_maxrss / 1024, 1)  # ru_maxrss: KiB
            now = time.monotonic()
            if not interrupted and transcripts is not None:
                files = list(transcripts.glob("*.jsonl"))
                newest = max((f.stat().st_mtime for f in files), default=None)
                if newest is not None and time.time() - newest > stall:
                    log(f"the session wrote nothing for {stall:g} s: interrupting it")
                    deadline = now
            if now >= deadline and not interrupted:
                proc.send_signal(signal.SIGINT)
                interrupted, deadline = True, now + 5
            elif now >= deadline:
                proc.kill()
            time.sleep(0.05)
    except BaseException:  # the bench itself was interrupted: take the child down too
        end_child(proc)
        raise


def end_child(proc: subprocess.Popen[bytes]) -> None:
    """Interrupt a child that is still running (SIGINT, then SIGKILL) and reap it."""
    if proc.returncode is not None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
