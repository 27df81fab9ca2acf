"""Reply gap and start-up time through the real audio stack.

A private PulseAudio daemon (tests/support/pulse.py) gives Regroup a pipe-source
microphone and a null-sink speaker; `regroup run` reaches them through
sounddevice → PortAudio → the ALSA "pulse" device, exactly as on a desktop.
Both ends are timed on this process's monotonic clock: the feeder knows when it
wrote each block into the microphone FIFO, and the sink clock maps every byte
parec delivers from the speaker's monitor back to the moment it was played.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.scripted import Turn
from assistant.transcript import read_events
from benchlib import log, median, summary
from benchlib.stack import (
    REPO,
    FedTurn,
    Feeder,
    SinkClock,
    end_child,
    regroup_cmd,
    wait_child,
)

NUMBER_QUESTIONS = ("Pick a number from one to ten.", "How tense are you, one to ten?",
                    "And how calm, one to ten?")
YES_NO_QUESTIONS = ("Shall we go on?", "Are you ready?", "Is this helping?")
# answers pocketsphinx's grammar search recognises reliably in these espeak-ng voices, checked
# offline against number_vocabulary(1, 10) / yes_no_vocabulary() ("four" is heard as the
# command "slower" and "six" as "skip" once the commands are in the grammar, so neither is used)
NUMBER_ANSWERS = (("three", "en-us+f2", 3), ("seven", "en-us+f2", 7), ("nine", "en-us+f2", 9),
                  ("two", "en-us+f2", 2), ("five", "en-us+f2", 5), ("ten", "en-us+f2", 10))
YES_NO_ANSWERS = (("yes", "en-us+f2", True), ("no", "en-us+m1", False),
                  ("yes", "en-us+m1", True), ("no", "en-us+f2", False))


def session_to_monotonic(events: list[dict[str, Any]]) -> float | None:
    """The offset that turns the child's session time into this process's monotonic time.

    Every event carries session time `at` and wall time `time` (UTC, ms); the
    median of wall - at is the session origin in wall time, and wall - monotonic
    here converts it. Good to about 1-2 ms.
    """
    origins = []
    for e in events:
        try:
            origins.append(datetime.fromisoformat(e["time"]).timestamp() - float(e["at"]))
        except (KeyError, TypeError, ValueError):
            continue
    if not origins:
        return None
    wall_minus_mono = float(np.median([time.time() - time.monotonic() for _ in range(5)]))
    return float(np.median(origins)) - wall_minus_mono


def bench_flow(turns: int) -> tuple[dict[str, Any], dict[str, Turn], dict[str, Any]]:
    """A flow of `turns` short questions, the answer to each, and the values to expect."""
    steps: list[dict[str, Any]] = []
    answers: dict[str, Turn] = {}
    expected: dict[str, Any] = {}
    for i in range(turns):
        sid = f"q{i + 1:02d}"
        if i % 2 == 0:
            text, voice, value = NUMBER_ANSWERS[(i // 2) % len(NUMBER_ANSWERS)]
            steps.append({"id": sid, "ask": NUMBER_QUESTIONS[(i // 2) % 3], "answer": "number",
                          "range": [1, 10], "store": sid})
        else:
            text, voice, value = YES_NO_ANSWERS[(i // 2) % len(YES_NO_ANSWERS)]
            steps.append({"id": sid, "ask": YES_NO_QUESTIONS[(i // 2) % 3], "answer": "yes_no",
                          "store": sid})
        answers[sid] = Turn(text=text, voice=voice)
        expected[sid] = value
    steps.append({"id": "done", "say": "That's all. Thank you."})
    flow = {"name": "bench-reply", "title": "Bench reply gap",
            "description": "Short questions for scripts/bench.", "duration": 60, "steps": steps}
    return flow, answers, expected


def reply_gap(env: dict[str, str], tmp: Path, sink: SinkClock, turns: int) -> dict[str, Any]:
    """Answer `turns` questions through PulseAudio and time each reply."""
    home = tmp / "reply-home"
    transcripts = home / "transcripts"
    transcripts.mkdir(parents=True)
    flow, answers, expected = bench_flow(turns)
    flow_path = tmp / "bench-reply.yaml"
    flow_path.write_text(yaml.safe_dump(flow, sort_keys=False), encoding="utf-8")
    log(f"reply gap: rendering {turns} answers, running a {turns}-question flow")
    feeder = Feeder(env["REGROUP_TEST_FIFO"], transcripts, answers)
    feeder.start()
    out = (tmp / "reply.out").open("wb")
    try:
        launched = time.monotonic()
        proc = subprocess.Popen(regroup_cmd(str(flow_path)), env={**env, "REGROUP_HOME": str(home)},
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        code, rss = wait_child(proc, timeout=60 + 10 * turns, transcripts=transcripts)
    finally:
        feeder.stop()
        out.close()
    time.sleep(0.3)  # let the last reply's samples reach the recorder
    files = sorted(transcripts.glob("*.jsonl"))
    if code != 0 or not files:
        tail = (tmp / "reply.out").read_text(errors="replace")[-1200:]
        last = [{k: v for k, v in e.items() if k not in ("time", "words")}
                for e in (read_events(files[-1])[-6:] if files else [])]
        raise RuntimeError(f"regroup run exited with {code}; output: {tail}; "
                           f"last transcript events: {json.dumps(last)}")
    events = read_events(files[-1])
    result = _gaps(events, feeder.turns, sink, expected)
    output = (tmp / "reply.out").read_text(errors="replace")
    result["alsa_underruns_reported"] = output.count("underrun occurred")
    result["peak_rss_mb"] = rss
    result["sink_clock_check"] = {
        **sink.check((launched, time.monotonic())),
        "method": "over the reply-gap run: each read of parec's output maps sample 0 to "
                  "arrival - samples before the read / rate; sink times use the median of "
                  f"that line over the reads within {SinkClock.WINDOW:g} s. read_line_iqr_ms is "
                  "the spread of single reads (split and bunched reads), line_shift_ms the "
                  "range of 5 s window medians (sink rewinds when streams start, and reader "
                  "delays): the uncertainty of the speaker-side times is of that order."}
    return result


def _gaps(events: list[dict[str, Any]], fed: list[FedTurn], sink: SinkClock,
          expected: dict[str, Any]) -> dict[str, Any]:
    offset = session_to_monotonic(events)
    listens = [i for i, e in enumerate(events) if e.get("type") == "listen"]
    gaps: list[float] = []
    excl: list[float] = []
    processing: list[float] = []
    parts: dict[str, list[float]] = {k: [] for k in (
        "mic_path_ms", "endpoint_silence_ms", "endpoint_to_heard_ms", "heard_to_said_ms",
        "said_to_audible_ms")}
    stamp_error: list[float] = []
    silence_cfg: list[float] = []
    per_turn = []
    for n, turn in enumerate(fed):
        if turn.listen_index >= len(listens) or turn.last_voiced is None:
            continue
        lo = listens[turn.listen_index]
        hi = listens[turn.listen_index + 1] if turn.listen_index + 1 < len(listens) else len(events)
        h = next((i for i in range(lo, hi) if events[i].get("type") == "heard"), None)
        heard = events[h] if h is not None else None
        said = next((e for e in events[h or lo:] if e.get("type") == "said"), None)
        played = next((e for e in events[h or lo:] if e.get("type") == "played"), None)
        if heard is None or said is None or played is None:
            per_turn.append({"step": turn.step, "heard": None})
            continue
        audible = sink.first_audible_after(turn.last_voiced)
        limit = fed[n + 1].started if n + 1 < len(fed) else float("inf")
        if audible is None or audible >= limit:
            per_turn.append({"step": turn.step, "heard": heard.get("text"), "gap_ms": None})
            continue
        silence = float(events[lo].get("end_silence", 0.5)) * 1000
        gap = (audible - turn.last_voiced) * 1000
        gaps.append(gap)
        excl.append(gap - silence)
        silence_cfg.append(silence)
        proc_ms = (float(played["start"]) - float(heard["endpoint"])) * 1000
        processing.append(proc_ms)
        row: dict[str, Any] = {"step": turn.step, "heard": heard.get("text"),
                               "gap_ms": round(gap, 1), "processing_ms": round(proc_ms, 1)}
        if offset is not None:
            speech_end = offset + float(heard["speech_end"])
            part = {"mic_path_ms": speech_end - turn.last_voiced,
                    "endpoint_silence_ms": float(heard["endpoint"]) - float(heard["speech_end"]),
                    "endpoint_to_heard_ms": float(heard["at"]) - float(heard["endpoint"]),
                    "heard_to_said_ms": float(said["at"]) - float(heard["at"]),
                    "said_to_audible_ms": audible - (offset + float(said["at"]))}
            for key, value in part.items():
                parts[key].append(value * 1000)
                row[key] = round(value * 1000, 1)
            error = (audible - (offset + float(played["start"]))) * 1000
            stamp_error.append(error)
            row["audible_minus_played_start_ms"] = round(error, 1)
        per_turn.append(row)
    answers = {e["name"]: e.get("value") for e in events if e.get("type") == "answer"}
    result: dict[str, Any] = summary(gaps)
    result.update({
        "endpoint_silence_ms": median(silence_cfg),
        "p50_ms_excluding_endpoint": median(excl),
        "turns_spoken": len(fed),
        "answers_correct": sum(answers.get(k) == v for k, v in expected.items()),
        "questions": len(expected),
        "re_asks": sum(1 for e in events if e.get("type") == "listen") - len(expected),
        "processing_ms": {k: v for k, v in summary(processing).items() if k != "mean_ms"},
        "breakdown_p50_ms": {k: median(v) for k, v in parts.items()},
        "audible_minus_played_start_ms_p50": median(stamp_error),
        "per_turn": per_turn,
    })
    return result


def start_to_first_word(env: dict[str, str], tmp: Path, sink: SinkClock,
                        runs: int) -> dict[str, Any]:
    """Launch `regroup run quick-reset` and time the first audible sample of its voice."""
    times: list[float] = []
    parts: dict[str, list[float]] = {"launch_to_session_clock_ms": [],
                                     "session_clock_to_said_ms": [],
                                     "said_to_audible_ms": []}
    failures: list[str] = []
    for run in range(runs):
        home = tmp / f"start-home-{run}"
        feeder = Feeder(env["REGROUP_TEST_FIFO"], None, {})  # a live, silent microphone
        feeder.start()
        time.sleep(0.3)
        log_path = tmp / f"start-{run}.out"
        proc: subprocess.Popen[bytes] | None = None
        try:
            with log_path.open("wb") as out:
                t0 = time.monotonic()
                proc = subprocess.Popen(regroup_cmd("quick-reset"),
                                        env={**env, "REGROUP_HOME": str(home)}, cwd=REPO,
                                        stdout=out, stderr=subprocess.STDOUT)
                audible = None
                while time.monotonic() < t0 + 60:
                    audible = sink.first_audible_after(t0)
                    if audible is not None or proc.poll() is not None:
                        break
                    time.sleep(0.05)
        finally:
            if proc is not None:
                end_child(proc)  # the first sentence is enough
            feeder.stop()
        if audible is None:
            tail = log_path.read_text(errors="replace")[-800:]
            code = proc.returncode if proc is not None else None
            failures.append(f"run {run + 1}: no audio (exit {code}): {tail}")
            log(f"start {failures[-1]}")
            continue
        times.append((audible - t0) * 1000)
        log(f"start run {run + 1}: first audible sample after {times[-1]:.0f} ms")
        files = sorted((home / "transcripts").glob("*.jsonl"))
        events = read_events(files[-1]) if files else []
        offset = session_to_monotonic(events)
        said = next((e for e in events if e.get("type") == "said"), None)
        if offset is not None and said is not None:
            parts["launch_to_session_clock_ms"].append((offset - t0) * 1000)
            parts["session_clock_to_said_ms"].append(float(said["at"]) * 1000)
            parts["said_to_audible_ms"].append((audible - offset - float(said["at"])) * 1000)
    if not times:
        raise RuntimeError("; ".join(failures))
    result: dict[str, Any] = {"median_ms": median(times), "runs_ms": [round(t, 1) for t in times],
                              "breakdown_median_ms": {k: median(v) for k, v in parts.items()}}
    if failures:
        result["failed_runs"] = failures
    return result
