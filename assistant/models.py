"""Find, download and install Vosk speech models (stdlib only, plus platformdirs).

Environment: `REGROUP_MODELS` (models folder), `REGROUP_HOME` (data folder),
`REGROUP_MODELS_BASE_URL` (mirror: replaces everything before the zip's file name).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

import platformdirs

from assistant.errors import DownloadError, ModelError

MANIFEST = Path(__file__).resolve().parent / "data" / "models.json"
_CHUNK = 1 << 16
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_OFFLINE_HINT = (
    "download the zip on a machine with internet and run 'regroup models install PATH.zip'"
)


@dataclass(frozen=True)
class ModelEntry:
    """One downloadable model; `size` (bytes) and `sha256` (hex) of the zip may be None."""

    name: str
    url: str
    size: int | None
    sha256: str | None
    language: str = "en-us"
    license: str = ""
    description: str = ""
    default: bool = False


def load_manifest() -> list[ModelEntry]:
    """Read the packaged manifest (`assistant/data/models.json`)."""
    try:
        raw = json.loads(MANIFEST.read_text(encoding="utf-8"))
        entries = [ModelEntry(**item) for item in raw]
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(
            f"cannot read model manifest {MANIFEST} ({exc}); reinstall regroup"
        ) from exc
    if not entries:
        raise ModelError(f"model manifest {MANIFEST} lists no models; reinstall regroup")
    return entries


def find_entry(name: str | None) -> ModelEntry:
    """The manifest entry called `name`; None means the default model."""
    entries = load_manifest()
    if name is None:
        return next((e for e in entries if e.default), entries[0])
    for entry in entries:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in entries)
    raise DownloadError(f"unknown model {name!r}; choose one of: {known}")


def models_dir() -> Path:
    """Where models live: $REGROUP_MODELS, a checkout's models/, else <data dir>/models."""
    if env := os.environ.get("REGROUP_MODELS"):
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent / "models"
    if (checkout / "manifest.json").is_file():
        return checkout
    home = os.environ.get("REGROUP_HOME") or platformdirs.user_data_dir("regroup")
    return Path(home).expanduser() / "models"


def model_root(path: Path) -> Path | None:
    """The folder to hand to Vosk: `path` itself or its single inner folder (e.g. `model/`)."""
    if _looks_like_model(path):
        return path
    if not path.is_dir():
        return None
    inner = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(inner) == 1 and _looks_like_model(inner[0]):
        return inner[0]
    return None


def installed_models(base: Path | None = None) -> list[Path]:
    """Loadable model folders under `base` (default `models_dir()`), sorted by name."""
    root = base if base is not None else models_dir()
    if not root.is_dir():
        return []
    found = (model_root(p) for p in sorted(root.iterdir()) if not p.name.startswith("."))
    return [p for p in found if p is not None]


def download(
    name: str | None,
    *,
    base: Path | None = None,
    url: str | None = None,
    progress: TextIO | None = sys.stderr,
    timeout: float = 30,
    entry: ModelEntry | None = None,
) -> Path:
    """Download and install a model; returns its folder (no network if already installed).

    `entry` overrides the manifest lookup of `name` (tests, custom models). `url`
    overrides the entry's URL; otherwise $REGROUP_MODELS_BASE_URL may redirect it.
    """
    entry = entry if entry is not None else find_entry(name)
    root = base if base is not None else models_dir()
    existing = _installed(root, entry.name)
    if existing is not None:
        return existing
    source = url or _mirror(entry.url)
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".download-{entry.name}-", suffix=".zip", dir=root)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _fetch(source, out, entry, progress, timeout)
        _verify(tmp, entry, source)
        return _unpack(tmp, entry.name, root, source)
    finally:
        tmp.unlink(missing_ok=True)


def install_archive(zip_path: Path, *, name: str | None = None, base: Path | None = None) -> Path:
    """Install a model from a local zip; checks size/sha256 when it is a manifest model's zip."""
    if not zip_path.is_file():
        raise DownloadError(f"{zip_path} is not a file; give the path of a downloaded model zip")
    name = name or _archive_name(zip_path)
    root = base if base is not None else models_dir()
    existing = _installed(root, name)
    if existing is not None:
        raise DownloadError(
            f"model {name} is already installed at {existing}; delete it to reinstall"
        )
    for entry in load_manifest():
        if entry.name == name and entry.url.rsplit("/", 1)[-1] == zip_path.name:
            _verify(zip_path, entry, str(zip_path))
    root.mkdir(parents=True, exist_ok=True)
    return _unpack(zip_path, name, root, str(zip_path))


def _looks_like_model(path: Path) -> bool:
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


def _installed(root: Path, name: str) -> Path | None:
    if not _NAME.match(name):
        raise DownloadError(f"invalid model name {name!r}; use letters, digits, '.', '_' and '-'")
    target = root / name
    if not target.exists():
        return None
    found = model_root(target)
    if found is None:
        raise DownloadError(f"{target} exists but is not a Vosk model; delete it and try again")
    return found


def _mirror(url: str) -> str:
    base = os.environ.get("REGROUP_MODELS_BASE_URL")
    return f"{base.rstrip('/')}/{url.rsplit('/', 1)[-1]}" if base else url


def _fetch(
    source: str, out: BinaryIO, entry: ModelEntry, progress: TextIO | None, timeout: float
) -> None:
    """Stream `source` into `out`, redrawing a progress line at most 5 times a second."""
    try:
        with urllib.request.urlopen(source, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else entry.size
            done, start, drawn = 0, time.monotonic(), 0.0
            while block := response.read(_CHUNK):
                done += len(block)
                if total is not None and done > total:
                    raise DownloadError(f"{source} sent more than {total} bytes; check the URL")
                out.write(block)
                if progress is not None and time.monotonic() - drawn > 0.2:
                    drawn = _draw(progress, entry.name, done, total, start)
            if progress is not None:
                _draw(progress, entry.name, done, total, start)
                progress.write("\n")
            if total is not None and done != total:
                raise DownloadError(
                    f"download of {entry.name} stopped at {done}/{total} bytes; retry"
                )
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        if isinstance(exc, urllib.error.HTTPError):
            reason = f"HTTP {exc.code} {exc.reason}"
        raise DownloadError(
            f"cannot download {entry.name} from {source} ({reason}); {_OFFLINE_HINT}"
        ) from exc
    except OSError as exc:
        raise DownloadError(
            f"cannot save {entry.name} ({exc}); free disk space or set REGROUP_MODELS"
        ) from exc


def _draw(stream: TextIO, name: str, done: int, total: int | None, start: float) -> float:
    """Redraw the one-line progress bar (with \\r); returns the time it was drawn."""
    now = time.monotonic()
    rate = done / max(now - start, 1e-6) / 1e6
    if total:
        text = f"{done * 100 // total:3d}% {done / 1e6:.1f}/{total / 1e6:.1f} MB"
    else:
        text = f"{done / 1e6:.1f} MB"
    stream.write(f"\r{name} {text} {rate:.1f} MB/s ")
    stream.flush()
    return now


def _verify(path: Path, entry: ModelEntry, label: str) -> None:
    size = path.stat().st_size
    if entry.size is not None and size != entry.size:
        raise DownloadError(
            f"{label} is {size} bytes, expected {entry.size}; download {entry.name} again"
        )
    if entry.sha256:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(_CHUNK):
                digest.update(block)
        if digest.hexdigest() != entry.sha256.lower():
            raise DownloadError(
                f"{label} has sha256 {digest.hexdigest()}, expected {entry.sha256}; "
                f"download {entry.name} again"
            )


def _members(zip_path: Path, label: str) -> list[str]:
    """Member names of a sound, safe archive."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            bad = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise DownloadError(f"{label} is not a valid zip archive ({exc}); get it again") from exc
    if bad is not None:
        raise DownloadError(f"{label} is corrupt (bad member {bad}); get it again")
    for member in names:
        parts = PurePosixPath(member).parts
        if member.startswith(("/", "\\")) or "\\" in member or ".." in parts or ":" in member:
            raise DownloadError(f"{label} has an unsafe member {member!r}; do not install it")
    return names


def _archive_name(zip_path: Path) -> str:
    tops = {PurePosixPath(m).parts[0] for m in _members(zip_path, str(zip_path)) if m.strip("/")}
    return tops.pop() if len(tops) == 1 else zip_path.stem


def _unpack(zip_path: Path, name: str, root: Path, label: str) -> Path:
    """Check the zip, unpack it into a temp dir under `root`, rename it to `root/name`."""
    names = _members(zip_path, label)
    tops = {PurePosixPath(m).parts[0] for m in names if m.strip("/")}
    nested = len(tops) == 1 and all("/" in m.strip("/") or m.endswith("/") for m in names)
    staging = Path(tempfile.mkdtemp(prefix=f".unpack-{name}-", dir=root))
    try:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(staging)
        unpacked = staging / tops.pop() if nested else staging
        if model_root(unpacked) is None:
            raise DownloadError(
                f"{label} holds no Vosk model (no am/final.mdl and conf/model.conf); "
                "pick a model zip from https://alphacephei.com/vosk/models"
            )
        target = root / name
        os.rename(unpacked, target)
        return model_root(target) or target
    except OSError as exc:
        raise DownloadError(f"cannot unpack {label} into {root} ({exc}); check disk space") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
