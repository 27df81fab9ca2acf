"""What a flow is once loaded: frozen steps of a few kinds, and the flow around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ANSWER_KINDS = ("yes_no", "choice", "number", "free")
CUE_STYLES = ("count", "word", "tone")
SOURCES = ("builtin", "strengths", "both")
ANALYSES = ("apology", "opening")


@dataclass(frozen=True, kw_only=True)
class Step:
    """What every step has. A step with only `say` just speaks."""

    id: str
    line: int
    """Line of the flow file the step starts on (for messages)."""
    say: str = ""
    """Spoken first, before the step's own work."""
    next: str | None = None
    """The step that follows (default: the next one in the file)."""


@dataclass(frozen=True, kw_only=True)
class Ask(Step):
    """Ask a question and keep the answer."""

    ask: str
    answer: str = "free"
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """For choice answers: (value, phrases that select it)."""
    range: tuple[int, int] = (1, 10)
    store: str = ""
    reprompts: int = 2
    skip_if_known: bool = False


@dataclass(frozen=True, kw_only=True)
class Breathe(Step):
    """Breathe a pattern with cues."""

    pattern: str = "box"
    """A named pattern, custom seconds like 4-2-6-2, or '{stored}'."""
    cycles: int | None = None
    minutes: float | None = None
    cues: str = "word"


@dataclass(frozen=True, kw_only=True)
class Affirm(Step):
    """Speak affirmations and, if asked, add to the person's own list of strengths."""

    source: str = "both"
    count: int = 2
    offer_add: bool = False


@dataclass(frozen=True, kw_only=True)
class Rehearse(Step):
    """Record an attempt, analyse it, give feedback, offer a retry; keep the best."""

    rehearse: str
    analysis: str = "apology"
    attempts: int = 3
    store: str = ""


@dataclass(frozen=True, kw_only=True)
class Branch(Step):
    """Go to a step chosen by a stored answer."""

    branch: str
    cases: tuple[tuple[str, str], ...] = ()
    """(value or 'low-high' range, step id)."""
    otherwise: str | None = None


@dataclass(frozen=True, kw_only=True)
class Pause(Step):
    """Quiet time."""

    pause: float


@dataclass(frozen=True, kw_only=True)
class Goto(Step):
    """Jump to another step."""

    goto: str


@dataclass(frozen=True, kw_only=True)
class End(Step):
    """Finish the flow (after an optional last sentence)."""

    end: str = ""


@dataclass(frozen=True)
class Timebox:
    """A gentle limit on the whole flow."""

    seconds: float
    say: str
    goto: str


@dataclass(frozen=True)
class Flow:
    """A whole flow, loaded and checked."""

    name: str
    title: str
    description: str
    use_case: str
    duration: int
    steps: tuple[Step, ...]
    path: Path
    timebox: Timebox | None = None
    ids: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(s.id for s in self.steps))

    def step(self, step_id: str) -> Step:
        return self.steps[self.ids.index(step_id)]

    def following(self, step: Step) -> str | None:
        """The id of the step after `step` when it does not jump (None: the flow ends)."""
        if isinstance(step, End):
            return None
        if step.next is not None:
            return step.next
        i = self.ids.index(step.id) + 1
        return self.ids[i] if i < len(self.ids) else None

    def targets(self, step: Step) -> list[tuple[str, str]]:
        """Every (label, step id) this step can lead to, for checks and pictures."""
        out: list[tuple[str, str]] = []
        if isinstance(step, Goto):
            return [("goto", step.goto)]
        if isinstance(step, Branch):
            out = [(value, target) for value, target in step.cases]
            follow = step.otherwise or self.following(step)
            return out + ([("else", follow)] if follow else [])
        follow = self.following(step)
        return [("next", follow)] if follow else []
