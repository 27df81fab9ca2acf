"""Every test gets its own private data folder and an empty models folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "regroup-home"
    monkeypatch.setenv("REGROUP_HOME", str(home))
    monkeypatch.setenv("REGROUP_MODELS", str(tmp_path / "no-models"))
    monkeypatch.delenv("REGROUP_ENGINE", raising=False)
    return home
