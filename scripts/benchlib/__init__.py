"""Helpers for scripts/bench: the real-audio measurements and the recognizer timings."""

from __future__ import annotations

import sys
import time

import numpy as np

_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr (stdout carries only the JSON)."""
    print(f"bench [{time.monotonic() - _T0:6.1f} s] {message}", file=sys.stderr, flush=True)


def summary(values: list[float], digits: int = 1) -> dict[str, float | int | None]:
    """p50, p95, mean and n of a list of milliseconds."""
    if not values:
        return {"p50_ms": None, "p95_ms": None, "mean_ms": None, "n": 0}
    arr = np.asarray(values, dtype=np.float64)
    return {"p50_ms": round(float(np.percentile(arr, 50)), digits),
            "p95_ms": round(float(np.percentile(arr, 95)), digits),
            "mean_ms": round(float(arr.mean()), digits), "n": len(values)}


def median(values: list[float], digits: int = 1) -> float | None:
    return round(float(np.median(values)), digits) if values else None


def rms_blocks(samples: np.ndarray, block: int) -> np.ndarray:
    """RMS level (int16 units) of consecutive blocks of `block` samples."""
    usable = len(samples) - len(samples) % block
    if usable <= 0:
        return np.zeros(0)
    blocks = samples[:usable].astype(np.float64).reshape(-1, block)
    out: np.ndarray = np.sqrt((blocks ** 2).mean(axis=1))
    return out
