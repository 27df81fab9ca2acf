"""Settings: one frozen dataclass, built once from config file + environment + flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import UsageError

ENGINES = ("auto", "vosk", "pocketsphinx", "typed")


def data_dir() -> Path:
    """Where transcripts live: $REGROUP_HOME, else the platform's user data folder."""
    home = os.environ.get("REGROUP_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("regroup", appauthor=False))


def config_path() -> Path:
    """The optional YAML config file: $REGROUP_HOME/config.yaml or the user config folder."""
    if os.environ.get("REGROUP_HOME"):
        return data_dir() / "config.yaml"
    import platformdirs

    return Path(platformdirs.user_config_dir("regroup", appauthor=False)) / "config.yaml"


@dataclass(frozen=True)
class Settings:
    """Everything a session needs to know, fixed before it starts."""

    data_dir: Path
    """Folder for transcripts (0700)."""
    engine: str = "auto"
    """Recognizer: auto, vosk, pocketsphinx or typed."""
    model: Path | None = None
    """Vosk model folder; None means the first one installed in models/."""
    input_device: str | None = None
    """Microphone: an index or a case-insensitive name substring; None for the default."""
    output_device: str | None = None
    """Speaker: an index or a case-insensitive name substring; None for the default."""
    voice: str = "en-us"
    """espeak-ng voice name for the assistant."""
    voice_rate: int = 160
    """Speaking rate in words per minute."""
    command_silence: float = 0.5
    """Trailing silence (s) that ends a short command answer."""
    open_silence: float = 2.5
    """Trailing silence (s) that ends an open answer; pauses shorter than this are kept."""
    answer_timeout: float = 8.0
    """Seconds to wait for a short answer to begin."""
    open_timeout: float = 20.0
    """Seconds to wait for an open answer to begin."""
    echo_guard: float = 0.15
    """Microphone audio this long after playback ends is still ignored (device latency)."""
    vad_aggressiveness: int = 2
    """WebRTC VAD aggressiveness, 0 (lenient) to 3 (strict)."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise UsageError(f"unknown engine '{self.engine}'; choose one of {', '.join(ENGINES)}")
        for name in ("command_silence", "open_silence", "answer_timeout", "open_timeout"):
            if getattr(self, name) <= 0:
                raise UsageError(f"setting {name} must be positive")
        if not 80 <= self.voice_rate <= 400:
            raise UsageError("voice rate must be between 80 and 400 words per minute")

    @property
    def transcripts_dir(self) -> Path:
        return self.data_dir / "transcripts"


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the config ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UsageError(f"{where}: config is not valid YAML; fix or delete it") from None
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: config must be a mapping of setting: value")
    raw = {str(k).replace("-", "_"): v for k, v in raw.items()}
    known = {f.name for f in fields(Settings)} - {"data_dir"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(f"{path}: unknown setting(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(known))}")
    return raw


def load_settings(**overrides: Any) -> Settings:
    """Config file, then $REGROUP_ENGINE, then flags (overrides that are not None)."""
    values: dict[str, Any] = _from_file(config_path())
    if os.environ.get("REGROUP_ENGINE"):
        values["engine"] = os.environ["REGROUP_ENGINE"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values.get("model") is not None:
        values["model"] = Path(values["model"]).expanduser()
    try:
        return Settings(data_dir=data_dir(), **values)
    except TypeError as exc:
        raise UsageError(f"bad setting: {exc}") from None

