from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import FlowError
from assistant.flow.loader import find_flow, load_flow
from assistant.flow.model import Ask, Breathe
from assistant.flow.patterns import cycles_for, parse_pattern
from assistant.strengths import builtin_affirmations
from tests.fakes import SEEDS, copied_from_seeds

REPO = Path(__file__).resolve().parent.parent


def test_quick_reset_loads() -> None:
    flow = load_flow(REPO / "flows" / "quick-reset.yaml")
    assert flow.name == "quick-reset"
    asks = {s.store: s.answer for s in flow.steps if isinstance(s, Ask)}
    assert asks == {"stress_before": "number", "stress_after": "number", "ready": "yes_no"}
    [breath] = [s for s in flow.steps if isinstance(s, Breathe)]
    assert (breath.pattern, breath.cycles, breath.cues) == ("box", 1, "word")
    assert parse_pattern(breath.pattern).phases == (("inhale", 4), ("hold", 4), ("exhale", 4),
                                                    ("hold", 4))


@pytest.mark.parametrize(("spec", "phases"), [
    ("4-7-8", (("inhale", 4), ("hold", 7), ("exhale", 8))),
    ("cyclic-sigh", (("inhale", 2), ("top-up", 1), ("exhale", 6))),
    ("resonant", (("inhale", 5), ("exhale", 5))),
    ("4-2-6-0", (("inhale", 4), ("hold", 2), ("exhale", 6))),
    ("5-5", (("inhale", 5), ("exhale", 5))),
])
def test_patterns(spec: str, phases: tuple[tuple[str, float], ...]) -> None:
    assert parse_pattern(spec).phases == phases


def test_pattern_limits() -> None:
    assert cycles_for(parse_pattern("4-7-8"), 10, None) == 4  # at most 4 for beginners
    assert cycles_for(parse_pattern("cyclic-sigh"), None, 5) == 33  # about five minutes
    with pytest.raises(ValueError, match="inhale and exhale need 1 to 20 seconds"):
        parse_pattern("0-4")
    with pytest.raises(ValueError, match="unknown breathing pattern 'wave'"):
        parse_pattern("wave")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    return path


BASE = "name: x\ntitle: X\nsteps:\n  - id: hello\n    say: hi\n"


@pytest.mark.parametrize(("extra", "message"), [
    ("  - id: rate\n    ask: how?\n    answer: numbr\n",
     "x.yaml:6: step 'rate': unknown answer kind 'numbr' (expected yes_no, choice, number, "
     "free)"),
    ("  - id: b\n    breathe:\n      phases: [[inhale, 4], [sniff, 2]]\n",
     "x.yaml:6: step 'b': unknown breathe key 'phases'"),
    ("  - id: hello\n    say: again\n", "x.yaml:6: step 'hello': the id is used twice"),
    ("  - id: q\n    ask: ok?\n    sayy: typo\n", "x.yaml:6: step 'q': unknown key 'sayy'"),
    ("  - id: n\n    store: nothing\n", "x.yaml:6: step 'n': a step needs 'say' or one of ask"),
    ("  - id: c\n    ask: which?\n    answer: choice\n",
     "x.yaml:6: step 'c': a choice needs 'options'"),
    ("  - id: j\n    goto: nowhere\n",
     "x.yaml:6: step 'j': goto goes to 'nowhere', which is not a step of this flow"),
    ("  - id: b\n    branch: x\n    cases:\n      'yes': gone\n",
     "x.yaml:6: step 'b': yes goes to 'gone'"),
    ("  - id: two\n    ask: a?\n    pause: 3\n", "x.yaml:6: step 'two': a step does one thing"),
    ("  - id: p\n    breathe:\n      pattern: squiggle\n",
     "x.yaml:6: step 'p': unknown breathing pattern 'squiggle'"),
    ("  - id: q\n    breathe:\n      cues: hum\n", "x.yaml:6: step 'q': unknown cue style 'hum'"),
])
def test_malformed_flows_name_file_line_and_step(tmp_path: Path, extra: str,
                                                 message: str) -> None:
    with pytest.raises(FlowError) as info:
        load_flow(write(tmp_path, BASE + extra))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"x.yaml:\d+: "):
        load_flow(write(tmp_path, BASE + "  - id: [unclosed\n"))


def test_unknown_flow_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"no flow called 'nope'; available: .*quick-reset"):
        find_flow("nope", tmp_path)


def test_user_flows_are_found_first(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "quick-reset.yaml").write_text(BASE)
    assert find_flow("quick-reset", tmp_path).name == "x"


def test_every_shipped_flow_loads_and_every_link_resolves() -> None:
    names = sorted(p.stem for p in (REPO / "flows").glob("*.yaml"))
    assert names == ["affirm", "apology-rehearsal", "breathe", "conversation-prep",
                     "evening-reflection", "quick-reset"]
    for name in names:
        flow = load_flow(REPO / "flows" / f"{name}.yaml")
        assert flow.name == name and flow.title and flow.description
        for step in flow.steps:
            for _, target in flow.targets(step):
                assert target in flow.ids


def test_timebox_must_point_at_a_step(tmp_path: Path) -> None:
    text = "timebox:\n  seconds: 5\n  say: time\n  goto: gone\n" + BASE
    with pytest.raises(FlowError, match="timebox goes to 'gone'"):
        load_flow(write(tmp_path, text))


def test_every_spoken_sentence_is_in_our_own_words() -> None:
    if not SEEDS.is_dir():
        pytest.skip("seed articles not available")
    texts = builtin_affirmations()
    for path in (REPO / "flows").glob("*.yaml"):
        for step in load_flow(path).steps:
            texts += [t for t in (step.say, getattr(step, "ask", ""), getattr(step, "end", ""),
                                  getattr(step, "rehearse", "")) if t]
    assert len(texts) > 100
    assert copied_from_seeds(texts) == []
