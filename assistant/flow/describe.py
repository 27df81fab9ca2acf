"""`regroup flows show`: a flow's steps in plain words."""

from __future__ import annotations

from assistant.flow.model import (
    Affirm,
    Ask,
    Branch,
    Breathe,
    End,
    Flow,
    Goto,
    Pause,
    Rehearse,
    Step,
)


def _what(step: Step) -> str:
    if isinstance(step, Ask):
        kind = {"yes_no": "yes or no", "number": f"a number {step.range[0]}-{step.range[1]}",
                "choice": "one of " + ", ".join(v for v, _ in step.options),
                "free": "a free answer"}[step.answer]
        keep = f", kept as {step.store}" if step.store else ""
        return f'asks "{step.ask}" ({kind}{keep})'
    if isinstance(step, Breathe):
        amount = (f"{step.cycles} cycles" if step.cycles else
                  f"{step.minutes:g} minutes" if step.minutes else "1 cycle")
        return f"breathes {step.pattern} for {amount}, cues: {step.cues}"
    if isinstance(step, Affirm):
        add = ", offers to add a strength" if step.offer_add else ""
        return f"speaks {step.count} affirmation(s) from {step.source}{add}"
    if isinstance(step, Rehearse):
        return f'rehearses ({step.analysis}, up to {step.attempts} tries): "{step.rehearse}"'
    if isinstance(step, Branch):
        cases = ", ".join(f"{k} -> {v}" for k, v in step.cases)
        return f"branches on {step.branch}: {cases}" + (f", else -> {step.otherwise}"
                                                          if step.otherwise else "")
    if isinstance(step, Pause):
        return f"pauses {step.pause:g} s"
    if isinstance(step, Goto):
        return f"goes to {step.goto}"
    if isinstance(step, End):
        return f'ends: "{step.end}"' if step.end else "ends"
    return ""


def describe_flow(flow: Flow) -> str:
    """Several lines: the header, then one line per step."""
    lines = [f"{flow.title} ({flow.name}) — {flow.description}",
             f"use: {flow.use_case}; about {flow.duration} s; file {flow.path}"]
    if flow.timebox:
        lines.append(f"timebox: after {flow.timebox.seconds:g} s go to {flow.timebox.goto}")
    for step in flow.steps:
        parts = [f'says "{step.say}"'] if step.say else []
        what = _what(step)
        if what:
            parts.append(what)
        lines.append(f"  {step.id}: " + "; then ".join(parts))
    return "\n".join(lines)
