"""Human-readable conversation lines, for the live demo and `regroup transcripts show`."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from assistant.events import Event


def describe(event: dict[str, Any]) -> str | None:
    """One readable line for a transcript event, or None for bookkeeping events."""
    kind, at = event.get("type"), float(event.get("at", 0.0))
    stamp = f"[{int(at // 60):02d}:{at % 60:05.2f}]"
    if kind == "session":
        return f"{stamp} session: flow {event.get('flow')}, recognizer {event.get('engine')}"
    if kind == "said":
        return f"{stamp} Regroup: {event.get('text')}"
    if kind == "heard":
        conf = event.get("confidence")
        tail = f"  (confidence {conf:.2f})" if isinstance(conf, (int, float)) else ""
        return f"{stamp} You: {event.get('text')}{tail}"
    if kind == "no_answer":
        return f"{stamp} You: (silence for {event.get('waited', 0):.1f} s)"
    if kind == "answer":
        if event.get("skipped"):
            return f"{stamp}   -> no usable answer for {event.get('step')}; moving on"
        return f"{stamp}   -> {event.get('name') or event.get('step')} = {event.get('value')}"
    if kind == "step":
        return f"{stamp} -- {event.get('id')}"
    if kind == "error":
        return f"{stamp} error: {event.get('message')}"
    if kind == "cancelled":
        return f"{stamp} cancelled: {event.get('reason', 'interrupted')}"
    if kind == "end":
        return f"{stamp} end: {event.get('reason', 'finished')}"
    return None


class ConsolePrinter:
    """An event sink that prints the conversation as it happens."""

    def __init__(self, stream: TextIO | None = None, *, show_steps: bool = False) -> None:
        self.stream: TextIO | None = stream or sys.stdout
        self.show_steps = show_steps
        self._partial_shown = False

    def __call__(self, event: Event) -> None:
        if event.kind == "step" and not self.show_steps:
            return
        if event.kind == "partial":  # on a terminal, show what is being heard as it is heard
            if self.stream is not None and self.stream.isatty():
                text = str(event.data.get("text", ""))[-70:]
                print(f"\r  ... {text}\033[K", end="", file=self.stream, flush=True)
                self._partial_shown = True
            return
        if self._partial_shown and self.stream is not None:
            print("\r\033[K", end="", file=self.stream)
            self._partial_shown = False
        line = describe(event.to_json())
        if line and self.stream is not None:
            try:
                print(line, file=self.stream, flush=True)
            except (BrokenPipeError, OSError, ValueError):
                self.stream = None  # e.g. `regroup demo | head`: keep the session going
