"""Affirmations: the built-in ones, and the person's own list of strengths and compliments.

The person's list is a private YAML file in the data folder (0600), added to by voice.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from assistant.errors import StorageError
from assistant.transcript import private_dir

BUILTIN = Path(__file__).resolve().parent / "data" / "affirmations.yaml"


def builtin_affirmations() -> list[str]:
    """The affirmations shipped with Regroup."""
    raw = yaml.safe_load(BUILTIN.read_text(encoding="utf-8")) or {}
    return [str(a) for a in raw.get("affirmations", [])]


class StrengthList:
    """The person's own list, kept in `<data>/strengths.yaml`."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "strengths.yaml"

    def items(self) -> list[str]:
        if not self.path.exists():
            return []
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise StorageError(f"{self.path}: cannot read your strengths list ({exc}); "
                               "fix or move the file") from None
        return [str(s) for s in raw.get("strengths", [])] if isinstance(raw, dict) else []

    def add(self, text: str) -> None:
        """Append one item, written atomically with mode 0600."""
        items = [*self.items(), text.strip()]
        private_dir(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                yaml.safe_dump({"strengths": items}, f, allow_unicode=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot save your strengths list "
                               f"({exc.strerror})") from None
