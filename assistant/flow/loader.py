"""Flow files: YAML in, checked `Flow` out. Every problem names file, line and step."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import FlowError
from assistant.flow.model import (
    ANALYSES,
    ANSWER_KINDS,
    CUE_STYLES,
    SOURCES,
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
    Timebox,
)
from assistant.flow.patterns import parse_pattern

KINDS = ("ask", "breathe", "affirm", "rehearse", "branch", "pause", "goto", "end")
COMMON = {"id", "say", "next"}
KEYS = {
    "say": set(), "ask": {"answer", "options", "range", "store", "reprompts", "skip_if_known"},
    "breathe": set(), "affirm": set(), "rehearse": {"analysis", "attempts", "store"},
    "branch": {"cases", "else"}, "pause": set(), "goto": set(), "end": set(),
}
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BUILTIN = Path(__file__).resolve().parents[1] / "data" / "flows"  # the repository's flows/
FIELD = re.compile(r"\{[a-z_][a-z0-9_]*\}")
Fail = Callable[[str], FlowError]


class _LineLoader(yaml.SafeLoader):
    """Remembers the line each mapping starts on, under the key '__line__'."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_flow(path: Path) -> Flow:
    """Read and check a flow file; any problem is one FlowError line naming file and line."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except OSError as exc:
        raise FlowError(f"{path}: cannot read flow ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise FlowError(f"{path}:{mark.line + 1 if mark else 1}: {problem}") from None
    if not isinstance(raw, dict):
        raise FlowError(f"{path}:1: a flow file is a mapping with name, title and steps")
    where = f"{path}:{raw.pop('__line__')}"
    for key in ("name", "title", "steps"):
        if key not in raw:
            raise FlowError(f"{where}: missing '{key}'")
    unknown = sorted(set(raw) - {"name", "title", "description", "use_case", "duration",
                                 "timebox", "steps"})
    if unknown:
        raise FlowError(f"{where}: unknown key '{unknown[0]}'")
    if not isinstance(raw["steps"], list) or not raw["steps"]:
        raise FlowError(f"{where}: 'steps' must be a non-empty list")
    steps = tuple(_step(path, i, s) for i, s in enumerate(raw["steps"]))
    duration = raw.get("duration", 0)
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
        raise FlowError(f"{where}: 'duration' is a whole number of seconds")
    flow = Flow(name=str(raw["name"]), title=str(raw["title"]),
                description=str(raw.get("description", "")),
                use_case=str(raw.get("use_case", "")), duration=duration,
                steps=steps, path=path, timebox=_timebox(where, raw.get("timebox")))
    _check_links(path, flow)
    return flow


def _step(path: Path, index: int, raw: Any) -> Step:
    if not isinstance(raw, dict):
        raise FlowError(f"{path}: step {index + 1} must be a mapping of keys like id and say")
    line = int(raw.pop("__line__"))
    sid = str(raw.get("id", f"step-{index + 1}"))

    def fail(msg: str) -> FlowError:
        return FlowError(f"{path}:{line}: step '{sid}': {msg}")

    if not ID.match(sid):
        raise fail("ids use lower-case letters, digits, '-' and '_'")
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) > 1:
        raise fail(f"a step does one thing, but this one has {' and '.join(kinds)}")
    kind = kinds[0] if kinds else "say"
    if kind == "say" and "say" not in raw:
        raise fail(f"a step needs 'say' or one of {', '.join(KINDS)}")
    allowed = COMMON | {kind} | KEYS[kind]
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' for a {kind} step "
                   f"(expected {', '.join(sorted(allowed))})")
    base: dict[str, Any] = {"id": sid, "line": line, "say": _text(raw, "say", fail),
                            "next": str(raw["next"]) if "next" in raw else None}
    return BUILDERS[kind](raw, base, fail)


def _text(raw: dict[str, Any], key: str, fail: Fail) -> str:
    value = raw.get(key, "")
    if value is None or isinstance(value, (dict, list)):
        raise fail(f"'{key}' must be a sentence")
    text = str(value)
    for field in re.findall(r"\{[^}]*\}?|\}", text):
        if not FIELD.fullmatch(field):
            raise fail(f"'{field}' in '{key}' is not a stored answer; write {{name}} with the "
                       "name a step stores")
    return text


def _int(raw: dict[str, Any], key: str, default: int, low: int, high: int, fail: Fail) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise fail(f"'{key}' must be a whole number from {low} to {high}")
    return value


def _ask(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    answer = str(raw.get("answer", "free"))
    if answer not in ANSWER_KINDS:
        raise fail(f"unknown answer kind '{answer}' (expected {', '.join(ANSWER_KINDS)})")
    options: list[tuple[str, tuple[str, ...]]] = []
    if answer == "choice":
        given = raw.get("options")
        if not isinstance(given, dict) or len(given) - ("__line__" in given) < 2:
            raise fail("a choice needs 'options': at least two values, each with its phrases")
        for value, phrases in given.items():
            if value == "__line__":
                continue
            words = phrases if isinstance(phrases, list) else [value]
            options.append((str(value), tuple(str(p) for p in words) or (str(value),)))
    rng = raw.get("range", [1, 10])
    if (not isinstance(rng, list) or len(rng) != 2 or not all(isinstance(n, int) for n in rng)
            or not 0 <= rng[0] < rng[1] <= 10):
        raise fail("range must be two whole numbers from 0 to 10, low first, like [1, 10]")
    if raw.get("skip_if_known") and not raw.get("store"):
        raise fail("skip_if_known needs 'store'")
    return Ask(**base, ask=_text(raw, "ask", fail), answer=answer, options=tuple(options),
               range=(rng[0], rng[1]), store=str(raw.get("store", "")),
               reprompts=_int(raw, "reprompts", 2, 0, 5, fail),
               skip_if_known=bool(raw.get("skip_if_known", False)))


def _breathe(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    spec = raw["breathe"]
    if not isinstance(spec, dict):
        raise fail("breathe needs a mapping with pattern, cycles or minutes, and cues")
    spec.pop("__line__", None)
    unknown = sorted(set(spec) - {"pattern", "cycles", "minutes", "cues"})
    if unknown:
        raise fail(f"unknown breathe key '{unknown[0]}' (expected pattern, cycles, minutes, cues)")
    pattern = str(spec.get("pattern", "box"))
    if "{" not in pattern:
        try:
            parse_pattern(pattern)
        except ValueError as exc:
            raise fail(str(exc)) from None
    cues = str(spec.get("cues", "word"))
    if cues not in CUE_STYLES:
        raise fail(f"unknown cue style '{cues}' (expected {', '.join(CUE_STYLES)})")
    cycles = _int(spec, "cycles", 1, 1, 200, fail) if "cycles" in spec else None
    minutes = spec.get("minutes")
    if minutes is not None and (not isinstance(minutes, (int, float)) or not 0 < minutes <= 30):
        raise fail("'minutes' must be a number from 0 to 30")
    return Breathe(**base, pattern=pattern, cycles=cycles,
                   minutes=float(minutes) if minutes is not None else None, cues=cues)


def _affirm(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    spec = raw["affirm"] if isinstance(raw["affirm"], dict) else {}
    spec.pop("__line__", None)
    source = str(spec.get("source", "both"))
    if source not in SOURCES:
        raise fail(f"unknown affirmation source '{source}' (expected {', '.join(SOURCES)})")
    return Affirm(**base, source=source, count=_int(spec, "count", 2, 1, 10, fail),
                  offer_add=bool(spec.get("offer_add", False)))


def _rehearse(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    analysis = str(raw.get("analysis", "apology"))
    if analysis not in ANALYSES:
        raise fail(f"unknown analysis '{analysis}' (expected {', '.join(ANALYSES)})")
    return Rehearse(**base, rehearse=_text(raw, "rehearse", fail), analysis=analysis,
                    attempts=_int(raw, "attempts", 3, 1, 5, fail),
                    store=str(raw.get("store", "")))


def _branch(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    cases = raw.get("cases")
    if not isinstance(cases, dict) or len(cases) - ("__line__" in cases) < 1:
        raise fail("a branch needs 'cases': stored value -> step id")
    pairs = tuple((_case_key(k), str(v)) for k, v in cases.items() if k != "__line__")
    return Branch(**base, branch=str(raw["branch"]), cases=pairs,
                  otherwise=str(raw["else"]) if "else" in raw else None)


def _case_key(key: Any) -> str:
    if key is True:
        return "yes"
    if key is False:
        return "no"
    return str(key)


def _pause(raw: dict[str, Any], base: dict[str, Any], fail: Fail) -> Step:
    seconds = raw["pause"]
    if not isinstance(seconds, (int, float)) or not 0 < seconds <= 600:
        raise fail("'pause' is a number of seconds from 0 to 600")
    return Pause(**base, pause=float(seconds))


BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, Any], Fail], Step]] = {
    "say": lambda raw, base, fail: Step(**base),
    "ask": _ask, "breathe": _breathe, "affirm": _affirm, "rehearse": _rehearse,
    "branch": _branch, "pause": _pause,
    "goto": lambda raw, base, fail: Goto(**base, goto=str(raw["goto"])),
    "end": lambda raw, base, fail: End(**base, end=_text(raw, "end", fail)),
}


def _timebox(where: str, raw: Any) -> Timebox | None:
    if raw is None:
        return None
    if (not isinstance(raw, dict) or not isinstance(raw.get("seconds"), (int, float))
            or not raw.get("goto")):
        raise FlowError(f"{where}: timebox needs seconds, say and goto")
    return Timebox(float(raw["seconds"]), str(raw.get("say", "")), str(raw["goto"]))


def _check_links(path: Path, flow: Flow) -> None:
    seen: set[str] = set()
    for step in flow.steps:
        if step.id in seen:
            raise FlowError(f"{path}:{step.line}: step '{step.id}': the id is used twice")
        seen.add(step.id)
    for step in flow.steps:
        for label, target in flow.targets(step):
            if target not in seen:
                raise FlowError(f"{path}:{step.line}: step '{step.id}': {label} goes to "
                                f"'{target}', which is not a step of this flow")
    if flow.timebox and flow.timebox.goto not in seen:
        raise FlowError(f"{path}: timebox goes to '{flow.timebox.goto}', which is not a step")


def flow_dirs(data_dir: Path) -> list[Path]:
    """Where flows are looked for: the person's own first, then the built-in ones."""
    return [data_dir / "flows", BUILTIN]


def flow_files(data_dir: Path) -> list[Path]:
    """Every flow file, the person's own shadowing built-in ones of the same name."""
    found: dict[str, Path] = {}
    for folder in flow_dirs(data_dir):
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            found.setdefault(path.stem, path)
    return sorted(found.values(), key=lambda p: p.stem)


def find_flow(name: str, data_dir: Path) -> Flow:
    """A flow by name, or by the path of a flow file."""
    as_path = Path(name)
    if as_path.suffix in (".yaml", ".yml") and as_path.exists():
        return load_flow(as_path)
    for path in flow_files(data_dir):
        if path.stem == name:
            return load_flow(path)
    known = ", ".join(p.stem for p in flow_files(data_dir)) or "none"
    raise FlowError(f"no flow called '{name}'; available: {known}")
