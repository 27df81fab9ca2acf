"""Breathing patterns: the named ones and custom timings like 4-2-6-2."""

from __future__ import annotations

import re
from dataclasses import dataclass

PHASES = ("inhale", "top-up", "hold", "exhale")


@dataclass(frozen=True)
class Pattern:
    """A breath cycle: phases of (name, seconds)."""

    name: str
    phases: tuple[tuple[str, float], ...]
    max_cycles: int | None = None
    """A safe upper limit for beginners, where one is advised."""

    @property
    def seconds(self) -> float:
        """One cycle's length."""
        return sum(s for _, s in self.phases)


NAMED = {
    "box": Pattern("box", (("inhale", 4), ("hold", 4), ("exhale", 4), ("hold", 4))),
    "4-7-8": Pattern("4-7-8", (("inhale", 4), ("hold", 7), ("exhale", 8)), max_cycles=4),
    # two inhales through the nose (the second a short top-up), then a long slow exhale
    "cyclic-sigh": Pattern("cyclic-sigh", (("inhale", 2), ("top-up", 1), ("exhale", 6))),
    # about six breaths a minute
    "resonant": Pattern("resonant", (("inhale", 5), ("exhale", 5))),
}
ALIASES = {"square": "box", "478": "4-7-8", "four seven eight": "4-7-8", "sigh": "cyclic-sigh",
           "cyclic sigh": "cyclic-sigh", "coherent": "resonant"}
_CUSTOM = re.compile(r"^\d+(\.\d+)?(-\d+(\.\d+)?){1,3}$")


def parse_pattern(spec: str) -> Pattern:
    """A named pattern, or custom seconds 'in-hold-out-hold' (2 to 4 numbers; 0 skips a phase).

    Raises ValueError with a message that lists what is allowed.
    """
    key = ALIASES.get(spec.strip().lower(), spec.strip().lower())
    if key in NAMED:
        return NAMED[key]
    if not _CUSTOM.match(key):
        raise ValueError(f"unknown breathing pattern '{spec}' (expected {', '.join(NAMED)}, "
                         "or seconds like 4-2-6-2 for in-hold-out-hold)")
    numbers = [float(n) for n in key.split("-")]
    names = {2: ("inhale", "exhale"), 3: ("inhale", "hold", "exhale"),
             4: ("inhale", "hold", "exhale", "hold")}[len(numbers)]
    if any(n > 20 for n in numbers) or numbers[0] <= 0 or numbers[names.index("exhale")] <= 0:
        raise ValueError(f"breathing pattern '{spec}': inhale and exhale need 1 to 20 seconds")
    phases = tuple((name, secs) for name, secs in zip(names, numbers, strict=True) if secs > 0)
    return Pattern(key, phases)


def cycles_for(pattern: Pattern, cycles: int | None, minutes: float | None) -> int:
    """How many cycles to breathe: as given, or enough to fill `minutes`, within safe limits."""
    count = cycles if cycles is not None else max(1, round((minutes or 1) * 60 / pattern.seconds))
    if pattern.max_cycles is not None:
        count = min(count, pattern.max_cycles)
    return max(1, count)
