"""Model manifest, download and install, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import re
import socket
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from assistant import models
from assistant.errors import DownloadError
from assistant.models import ModelEntry

REPO = Path(__file__).resolve().parent.parent
NAME = "vosk-model-test-0.1"
MODEL_FILES = {"am/final.mdl": b"acoustic model", "conf/model.conf": b"--sample-frequency=16000\n"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def www(tmp_path: Path) -> Path:
    folder = tmp_path / "served" / "mirror"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def server(www: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve `www` as /mirror on a loopback port; point REGROUP_MODELS_BASE_URL at it."""
    handler = partial(_QuietHandler, directory=str(www.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/mirror"
    monkeypatch.setenv("REGROUP_MODELS_BASE_URL", base)
    try:
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tmp_path / "models"


def make_zip(path: Path, members: dict[str, bytes], top: str | None = NAME) -> Path:
    prefix = f"{top}/" if top else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if top:
            archive.writestr(prefix, b"")
        for member, data in members.items():
            archive.writestr(member if member.startswith("..") else prefix + member, data)
    return path


def entry_for(
    zip_path: Path | None, *, sha256: str | None = None, size: int | None = None
) -> ModelEntry:
    """A manifest entry whose URL lives on a host the mirror variable replaces."""
    if zip_path is not None and sha256 is None:
        sha256 = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    if zip_path is not None and size is None:
        size = zip_path.stat().st_size
    return ModelEntry(NAME, f"https://models.invalid/vosk/{NAME}.zip", size, sha256)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_manifest_is_valid_and_packaged() -> None:
    entries = models.load_manifest()
    names = [e.name for e in entries]
    assert {"vosk-model-small-en-us-0.15", "vosk-model-en-us-0.22-lgraph"} <= set(names)
    assert [e.name for e in entries if e.default] == ["vosk-model-small-en-us-0.15"]
    for e in entries:
        assert isinstance(e.size, int) and e.size > 0
        assert e.sha256 is None or (len(e.sha256) == 64 and int(e.sha256, 16) >= 0)
        assert e.url.endswith(f"/{e.name}.zip")
    link = REPO / "assistant" / "data" / "models.json"
    assert link.read_bytes() == (REPO / "models" / "manifest.json").read_bytes()
    assert json.loads(link.read_text())[0]["name"] == names[0]


def test_find_entry_default_and_unknown() -> None:
    assert models.find_entry(None).name == "vosk-model-small-en-us-0.15"
    assert models.find_entry("vosk-model-en-us-0.22-lgraph").size == 130557655
    with pytest.raises(DownloadError, match=re.escape("vosk-model-small-en-us-0.15")):
        models.find_entry("no-such-model")


def test_models_dir_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGROUP_MODELS", str(tmp_path / "m"))
    assert models.models_dir() == tmp_path / "m"
    monkeypatch.delenv("REGROUP_MODELS")
    assert models.models_dir() == REPO / "models"
    installed = tmp_path / "site" / "assistant" / "models.py"
    monkeypatch.setattr(models, "__file__", str(installed))
    monkeypatch.setenv("REGROUP_HOME", str(tmp_path / "home"))
    assert models.models_dir() == tmp_path / "home" / "models"


def test_download_unpacks_and_is_found(www: Path, server: str, base: Path) -> None:
    entry = entry_for(make_zip(www / f"{NAME}.zip", MODEL_FILES))
    path = models.download(None, entry=entry, base=base, progress=None)
    assert path == base / NAME
    assert (path / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert models.installed_models(base) == [path]
    assert sorted(p.name for p in base.iterdir()) == [NAME]
    # Installed: no network needed the second time.
    (www / f"{NAME}.zip").unlink()
    assert models.download(None, entry=entry, base=base, progress=None) == path


def test_download_progress_bar(www: Path, server: str, base: Path) -> None:
    entry = entry_for(make_zip(www / f"{NAME}.zip", {**MODEL_FILES, "big": bytes(300_000)}))
    out = io.StringIO()
    models.download(None, entry=entry, base=base, progress=out)
    text = out.getvalue()
    assert "%" in text and "\r" in text and "MB/s" in text and text.endswith("\n")
    assert "100%" in text


def test_sha256_mismatch_leaves_nothing(www: Path, server: str, base: Path) -> None:
    entry = entry_for(make_zip(www / f"{NAME}.zip", MODEL_FILES), sha256="0" * 64)
    with pytest.raises(DownloadError, match="sha256"):
        models.download(None, entry=entry, base=base, progress=None)
    assert list(base.iterdir()) == []


def test_size_mismatch(www: Path, server: str, base: Path) -> None:
    entry = entry_for(make_zip(www / f"{NAME}.zip", MODEL_FILES), size=10)
    with pytest.raises(DownloadError):
        models.download(None, entry=entry, base=base, progress=None)
    assert list(base.iterdir()) == []


def test_corrupt_zip(www: Path, server: str, base: Path) -> None:
    bad = www / f"{NAME}.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip" * 50)
    with pytest.raises(DownloadError, match="not a valid zip"):
        models.download(None, entry=entry_for(bad), base=base, progress=None)
    assert list(base.iterdir()) == []


def test_damaged_member_is_rejected(www: Path, server: str, base: Path) -> None:
    broken = www / f"{NAME}.zip"
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_STORED) as archive:
        for member, data in MODEL_FILES.items():
            archive.writestr(f"{NAME}/{member}", data)
    broken.write_bytes(broken.read_bytes().replace(b"acoustic model", b"acoustic MODEL"))
    with pytest.raises(DownloadError, match="corrupt"):
        models.download(None, entry=entry_for(broken), base=base, progress=None)
    assert list(base.iterdir()) == []


def test_parent_member_is_rejected(tmp_path: Path, www: Path, server: str, base: Path) -> None:
    evil = make_zip(www / f"{NAME}.zip", {**MODEL_FILES, "../evil": b"owned"})
    with pytest.raises(DownloadError, match="unsafe member"):
        models.download(None, entry=entry_for(evil), base=base, progress=None)
    assert not (tmp_path / "evil").exists()
    assert list(base.iterdir()) == []


def test_zip_without_model_is_rejected(www: Path, server: str, base: Path) -> None:
    other = make_zip(www / f"{NAME}.zip", {"readme.txt": b"hi"})
    with pytest.raises(DownloadError, match="no Vosk model"):
        models.download(None, entry=entry_for(other), base=base, progress=None)
    assert list(base.iterdir()) == []


def test_missing_file_on_server(server: str, base: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        models.download(None, entry=entry_for(None), base=base, progress=None)


def test_unreachable_server(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGROUP_MODELS_BASE_URL", f"http://127.0.0.1:{closed_port()}/m")
    with pytest.raises(DownloadError) as caught:
        models.download(None, entry=entry_for(None), base=base, progress=None, timeout=5)
    message = str(caught.value)
    assert "regroup models install" in message and NAME in message and "\n" not in message
    assert list(base.iterdir()) == []


def test_explicit_url_wins(www: Path, server: str, base: Path) -> None:
    zip_path = make_zip(www / "renamed.zip", MODEL_FILES)
    path = models.download(
        None, entry=entry_for(zip_path), url=f"{server}/renamed.zip", base=base, progress=None
    )
    assert path == base / NAME


def test_install_archive_from_local_zip(tmp_path: Path, base: Path) -> None:
    zip_path = make_zip(tmp_path / "anything.zip", MODEL_FILES)
    path = models.install_archive(zip_path, base=base)
    assert path == base / NAME and (path / "conf" / "model.conf").is_file()
    assert models.installed_models(base) == [path]
    with pytest.raises(DownloadError, match="already installed"):
        models.install_archive(zip_path, base=base)


def test_install_archive_flat_zip_uses_file_name(tmp_path: Path, base: Path) -> None:
    zip_path = make_zip(tmp_path / "my-model.zip", MODEL_FILES, top=None)
    assert models.install_archive(zip_path, base=base) == base / "my-model"
    other = models.install_archive(zip_path, name="second", base=base)
    assert other == base / "second"


def test_install_archive_rejects_non_zip(tmp_path: Path, base: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("hello")
    with pytest.raises(DownloadError, match=re.escape(str(text))):
        models.install_archive(text, base=base)
    with pytest.raises(DownloadError, match=r"missing\.zip"):
        models.install_archive(tmp_path / "missing.zip", base=base)


def test_install_archive_checks_published_zip(tmp_path: Path, base: Path) -> None:
    fake = make_zip(tmp_path / "vosk-model-small-en-us-0.15.zip", MODEL_FILES, top=None)
    with pytest.raises(DownloadError, match="expected 41205931"):
        models.install_archive(fake, base=base)


def test_installed_models_layouts(base: Path) -> None:
    for folder in ("b-flat", "a-inner/model", ".unpack-x", "c-empty/stuff"):
        for member, data in MODEL_FILES.items():
            if "empty" not in folder:
                (base / folder / member).parent.mkdir(parents=True, exist_ok=True)
                (base / folder / member).write_bytes(data)
            else:
                (base / folder).mkdir(parents=True, exist_ok=True)
    (base / "README.md").write_text("docs")
    assert models.installed_models(base) == [base / "a-inner" / "model", base / "b-flat"]
    assert models.installed_models(base / "nowhere") == []


def test_broken_install_blocks_download(base: Path) -> None:
    (base / NAME).mkdir(parents=True)
    with pytest.raises(DownloadError, match="not a Vosk model"):
        models.download(None, entry=entry_for(None), base=base, progress=None)
