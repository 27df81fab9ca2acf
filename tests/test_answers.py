from __future__ import annotations

import pytest

from assistant.flow.answers import parse_number, parse_yes_no


@pytest.mark.parametrize(("text", "value"), [
    ("yes", True), ("Yeah!", True), ("sure", True), ("of course", True), ("yes I am", True),
    ("no", False), ("nope", False), ("not really", False), ("not yet", False),
    ("purple", None), ("", None),
])
def test_yes_no_variants(text: str, value: bool | None) -> None:
    assert parse_yes_no(text) is value


@pytest.mark.parametrize(("text", "value"), [
    ("seven", 7), ("I'd say 4", 4), ("ten", 10), ("zero", None), ("eleven", None),
    ("twelve 3", 3), ("", None),
])
def test_numbers_in_range(text: str, value: int | None) -> None:
    assert parse_number(text, 1, 10) == value
