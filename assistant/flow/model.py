"""Flow files: YAML in, frozen step objects out, checked with file:line messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import FlowError

ANSWER_KINDS = ("yes_no", "number", "free")
PHASES = ("inhale", "hold", "exhale")
CUE_STYLES = ("word",)


@dataclass(frozen=True)
class Breath:
    """A breathing pattern: phases of (name, seconds), repeated."""

    phases: tuple[tuple[str, float], ...]
    cycles: int = 1
    cues: str = "word"

    @property
    def seconds(self) -> float:
        return self.cycles * sum(s for _, s in self.phases)


@dataclass(frozen=True)
class Step:
    """One step of a flow: optionally say something, breathe, or ask."""

    id: str
    line: int
    say: str = ""
    ask: str = ""
    answer: str = "free"
    range: tuple[int, int] = (1, 10)
    store: str = ""
    breathe: Breath | None = None
    reprompts: int = 2


@dataclass(frozen=True)
class Flow:
    """A whole flow, as loaded and checked."""

    name: str
    title: str
    description: str
    use_case: str
    duration: int
    steps: tuple[Step, ...]
    path: Path


class _LineLoader(yaml.SafeLoader):
    """Remembers the line each mapping starts on, under the key '__line__'."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_flow(path: Path) -> Flow:
    """Read and check a flow file; any problem is a FlowError naming file and line."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except OSError as exc:
        raise FlowError(f"{path}: cannot read flow ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise FlowError(f"{path}:{line}: {problem}") from None
    if not isinstance(raw, dict):
        raise FlowError(f"{path}:1: a flow file is a mapping with name, title and steps")
    where = f"{path}:{raw['__line__']}"
    for key in ("name", "title", "steps"):
        if key not in raw:
            raise FlowError(f"{where}: missing '{key}'")
    if not isinstance(raw["steps"], list) or not raw["steps"]:
        raise FlowError(f"{where}: 'steps' must be a non-empty list")
    steps = tuple(_step(path, i, s) for i, s in enumerate(raw["steps"]))
    seen: set[str] = set()
    for s in steps:
        if s.id in seen:
            raise FlowError(f"{path}:{s.line}: step '{s.id}': the id is used twice")
        seen.add(s.id)
    return Flow(name=str(raw["name"]), title=str(raw["title"]),
                description=str(raw.get("description", "")),
                use_case=str(raw.get("use_case", "")), duration=int(raw.get("duration", 0)),
                steps=steps, path=path)


def _step(path: Path, index: int, raw: Any) -> Step:
    if not isinstance(raw, dict):
        raise FlowError(f"{path}: step {index + 1} must be a mapping")
    line = int(raw.pop("__line__"))
    sid = str(raw.get("id", f"step-{index + 1}"))

    def fail(msg: str) -> FlowError:
        return FlowError(f"{path}:{line}: step '{sid}': {msg}")

    known = {"id", "say", "ask", "answer", "range", "store", "breathe", "reprompts"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (expected {', '.join(sorted(known))})")
    if not any(k in raw for k in ("say", "ask", "breathe")):
        raise fail("a step needs 'say', 'ask' or 'breathe'")
    answer = str(raw.get("answer", "free"))
    if "ask" in raw and answer not in ANSWER_KINDS:
        raise fail(f"unknown answer kind '{answer}' (expected {', '.join(ANSWER_KINDS)})")
    rng = raw.get("range", [1, 10])
    if (not isinstance(rng, list) or len(rng) != 2 or not all(isinstance(n, int) for n in rng)
            or not 0 <= rng[0] < rng[1] <= 10):
        raise fail("range must be two whole numbers from 0 to 10, low first, like [1, 10]")
    return Step(id=sid, line=line, say=str(raw.get("say", "")), ask=str(raw.get("ask", "")),
                answer=answer, range=(rng[0], rng[1]), store=str(raw.get("store", "")),
                breathe=_breath(raw["breathe"], fail) if "breathe" in raw else None,
                reprompts=int(raw.get("reprompts", 2)))


def _breath(raw: Any, fail: Any) -> Breath:
    if not isinstance(raw, dict):
        raise fail("breathe needs phases, cycles and cues")
    raw.pop("__line__", None)
    phases = []
    for item in raw.get("phases", []):
        if (not isinstance(item, list) or len(item) != 2 or item[0] not in PHASES
                or not isinstance(item[1], (int, float)) or item[1] <= 0):
            raise fail(f"breathing phase {item!r} should look like [inhale, 4] "
                       f"(phases: {', '.join(PHASES)})")
        phases.append((str(item[0]), float(item[1])))
    if not phases:
        raise fail("breathe needs at least one phase")
    cycles = raw.get("cycles", 1)
    if not isinstance(cycles, int) or cycles < 1:
        raise fail("cycles must be a whole number of at least 1")
    cues = str(raw.get("cues", "word"))
    if cues not in CUE_STYLES:
        raise fail(f"unknown cue style '{cues}' (expected {', '.join(CUE_STYLES)})")
    return Breath(tuple(phases), cycles, cues)


def flow_dirs(data_dir: Path) -> list[Path]:
    """Where flows are looked for: the user's own first, then the built-in ones."""
    return [data_dir / "flows", Path(__file__).resolve().parents[2] / "flows"]


def find_flow(name: str, data_dir: Path) -> Flow:
    """A flow by name, or by path to a flow file."""
    as_path = Path(name)
    if as_path.suffix in (".yaml", ".yml") and as_path.exists():
        return load_flow(as_path)
    for folder in flow_dirs(data_dir):
        candidate = folder / f"{name}.yaml"
        if candidate.exists():
            return load_flow(candidate)
    known = sorted({p.stem for d in flow_dirs(data_dir) if d.exists() for p in d.glob("*.yaml")})
    raise FlowError(f"no flow called '{name}'; available: {', '.join(known) or 'none'}")
