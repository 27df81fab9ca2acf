"""Breathing drift: do the cues of a long breathing session land when they were scheduled?

Runs `regroup run breathe` in real time with its voice going to a PulseAudio null
sink, records the sink, finds each cue's onset in the recording, and compares the
onsets' spacing with the schedule in the transcript. The recording's own sample
clock is the ruler, so the figure is independent of what PortAudio reports.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from assistant.transcript import read_events
from benchlib import log
from tests.support.pulse import SinkRecorder, pulseaudio

REPO = Path(__file__).resolve().parents[2]
RATE = 16_000
BLOCK = 80  # 5 ms


def onsets(samples: np.ndarray, level: float = 300.0, gap: float = 0.08) -> list[float]:
    """Times (s) where sound starts after at least `gap` seconds of quiet."""
    usable = len(samples) - len(samples) % BLOCK
    rms = np.sqrt((samples[:usable].astype(np.float64).reshape(-1, BLOCK) ** 2).mean(axis=1))
    loud = rms > level
    quiet_needed = round(gap * RATE / BLOCK)
    found, quiet = [], quiet_needed
    for i, is_loud in enumerate(loud):
        if is_loud and quiet >= quiet_needed:
            found.append(i * BLOCK / RATE)
        quiet = 0 if is_loud else quiet + 1
    return found


def _nearest(times: np.ndarray, t: float) -> float:
    return float(times[np.abs(times - t).argmin()])


def breathing_drift(quick: bool) -> dict[str, Any]:
    """Drift of cue onsets over a cyclic-sigh session (about 5 minutes; 30 s with quick)."""
    pattern = "2-1-3" if quick else "cyclic-sigh"
    with tempfile.TemporaryDirectory(prefix="regroup-drift-") as tmp, pulseaudio() as env:
        home = Path(tmp) / "home"
        script = Path(tmp) / "user.yaml"
        script.write_text("voice: piper\nturns:\n  - 'no'\n")
        env = {**env, "REGROUP_HOME": str(home)}
        recorder = SinkRecorder(env, Path(tmp) / "sink.raw")
        log(f"drift: breathing {pattern} in real time")
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "run", "breathe", "--pattern", pattern,
             "--engine", "pocketsphinx", "--user-script", str(script), "--output", "pulse",
             "--no-barge-in"], env=env, cwd=REPO, capture_output=True, text=True,
            timeout=900, check=False)
        samples = recorder.stop()
        if done.returncode != 0:
            raise RuntimeError(f"breathe run failed: {done.stderr[-500:]}")
        events = read_events(next((home / "transcripts").glob("*.jsonl")))
    cues = [e for e in events if e["type"] == "cue"]
    starts = [float(e["start"]) for e in events if e["type"] == "played"]
    heard = np.array(onsets(samples))
    if len(heard) == 0 or not cues:
        raise RuntimeError("no cue was heard on the sink")
    # session time -> recording time: the typical offset between each sentence's playback
    # start and the nearest onset in the recording (constant latencies fall out)
    offset = float(np.median([_nearest(heard, p) - p for p in starts]))
    scheduled = np.array([float(c["scheduled"]) for c in cues])
    measured = np.array([_nearest(heard, t + offset) for t in scheduled])
    drift = (measured - offset) - scheduled
    matched = np.abs(drift - np.median(drift)) < 0.5  # a cue whose onset was not found alone
    cues = [c for c, ok in zip(cues, matched, strict=True) if ok]
    scheduled, drift = scheduled[matched], drift[matched]
    # each cue word has its own attack ("Hold" rises slower than "Breathe in"), so each cue is
    # compared with the first cue of the same phase: what remains is drift, not word shape
    phases = [str(c["phase"]) for c in cues]
    first = {p: drift[phases.index(p)] for p in set(phases)}
    drift = np.array([d - first[p] for d, p in zip(drift, phases, strict=True)])
    span = float(scheduled[-1] - scheduled[0])
    slope = float(np.polyfit(scheduled - scheduled[0], drift, 1)[0]) if len(cues) > 2 else 0.0
    log(f"drift per cue (ms): {[round(d * 1000) for d in drift]}")
    return {
        "pattern": pattern, "cues": len(cues), "cues_unmatched": int((~matched).sum()),
        "span_s": round(span, 1),
        "max_abs_drift_ms": round(float(np.abs(drift).max()) * 1000, 1),
        "final_drift_ms": round(float(drift[-1]) * 1000, 1),
        "trend_ms_per_5_min": round(slope * 300 * 1000, 1),
        "method": "real-time 'regroup run breathe --pattern P' with the voice on a PulseAudio "
                  "null sink recorded by parec. Onsets are found in the recording (5 ms blocks, "
                  "sound after >= 80 ms of quiet); session time is mapped to recording time by "
                  "the median offset between each sentence's playback start and its nearest "
                  "onset; each cue's onset is the one nearest its scheduled time (transcript "
                  "'cue' events). Drift = measured - scheduled, relative to the first cue "
                  "of the same phase (cue words differ in their attack); the recording's "
                  "sample clock is the ruler.",
    }
