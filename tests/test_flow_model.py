from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import FlowError
from assistant.flow.model import find_flow, load_flow

REPO = Path(__file__).resolve().parent.parent


def test_quick_reset_loads() -> None:
    flow = load_flow(REPO / "flows" / "quick-reset.yaml")
    assert flow.name == "quick-reset"
    kinds = [(bool(s.say), s.breathe is not None, s.answer if s.ask else None) for s in flow.steps]
    assert (False, False, "number") in kinds and (False, False, "yes_no") in kinds
    breath = next(s.breathe for s in flow.steps if s.breathe)
    assert breath.phases == (("inhale", 4), ("hold", 4), ("exhale", 4), ("hold", 4))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    return path


BASE = "name: x\ntitle: X\nsteps:\n  - id: hello\n    say: hi\n"


@pytest.mark.parametrize(("extra", "message"), [
    ("  - id: rate\n    ask: how?\n    answer: numbr\n",
     "x.yaml:6: step 'rate': unknown answer kind 'numbr' (expected yes_no, number, free)"),
    ("  - id: b\n    breathe:\n      phases: [[inhale, 4], [sniff, 2]]\n",
     "x.yaml:6: step 'b': breathing phase ['sniff', 2]"),
    ("  - id: hello\n    say: again\n", "x.yaml:6: step 'hello': the id is used twice"),
    ("  - id: q\n    ask: ok?\n    sayy: typo\n", "x.yaml:6: step 'q': unknown key 'sayy'"),
    ("  - id: n\n    store: nothing\n", "x.yaml:6: step 'n': a step needs 'say', 'ask'"),
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
