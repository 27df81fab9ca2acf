"""`regroup doctor`: what is installed, what is missing, and the exact command to fix it."""

from __future__ import annotations

import importlib
import os
import shutil
import stat
from dataclasses import dataclass
from typing import TextIO

from assistant.errors import RegroupError
from assistant.settings import Settings


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    essential: bool = True


def _module(name: str, pip: str) -> Check:
    try:
        mod = importlib.import_module(name)
    except (ImportError, OSError) as exc:
        return Check(name, False, f"cannot import ({exc})", f"pip install {pip}")
    return Check(name, True, f"version {getattr(mod, '__version__', 'installed')}")


def _voice(settings: Settings) -> Check:
    if shutil.which("espeak-ng") is None:
        return Check("voice", False, "espeak-ng is not installed",
                     "sudo apt-get install espeak-ng")
    try:
        from assistant.tts.voice import Pyttsx3Voice

        voice = Pyttsx3Voice(rate=settings.voice_rate, voice=settings.voice)
        audio = voice.render("ready")
        voice.close()
    except RegroupError as exc:
        return Check("voice", False, str(exc), "sudo apt-get install espeak-ng")
    return Check("voice", True, f"pyttsx3 + espeak-ng, voice {settings.voice}, "
                 f"{settings.voice_rate} wpm ({audio.seconds:.2f} s test word)")


def _engine(settings: Settings) -> list[Check]:
    from assistant.app import choose_engine
    from assistant.models import installed_models, models_dir

    checks = []
    try:
        import pocketsphinx

        checks.append(Check("pocketsphinx", True,
                            f"bundled US-English model at {pocketsphinx.get_model_path()}"))
    except ImportError as exc:
        checks.append(Check("pocketsphinx", False, str(exc), "pip install pocketsphinx"))
    models = installed_models()
    checks.append(Check("vosk models", bool(models),
                        ", ".join(str(m) for m in models) or f"none in {models_dir()}",
                        "regroup models download", essential=False))
    try:
        engine, why = choose_engine(settings)
        checks.append(Check("engine in use", True, f"{engine} ({why})"))
    except RegroupError as exc:
        checks.append(Check("engine in use", False, str(exc), "regroup models download"))
    return checks


def _devices(settings: Settings) -> list[Check]:
    try:
        from assistant.audio.device import list_devices, resolve

        devices = list_devices()
    except RegroupError as exc:
        return [Check("audio devices", False, str(exc), "sudo apt-get install libportaudio2")]
    checks = []
    for kind, spec in (("input", settings.input_device), ("output", settings.output_device)):
        try:
            d = resolve(spec, kind)  # type: ignore[arg-type]
            checks.append(Check(f"{kind} device", True, f"{d.index}: {d.name}", essential=False))
        except RegroupError as exc:
            checks.append(Check(f"{kind} device", False, str(exc),
                                "plug one in, or use 'regroup demo' / --audio-in / --audio-out",
                                essential=False))
    checks.append(Check("devices seen", True, f"{len(devices)} (see 'regroup devices')",
                        essential=False))
    return checks


def _data_dir(settings: Settings) -> Check:
    path = settings.data_dir
    if not path.exists():
        return Check("data folder", True, f"{path} (created, private, at the first session)")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    writable = os.access(path, os.W_OK)
    return Check("data folder", writable and mode == 0o700, f"{path} (mode {mode:o})",
                 f"chmod 700 {path}")


def run_checks(settings: Settings, out: TextIO) -> int:
    """Print every check; exit status 1 when something essential is missing."""
    checks = [_module("numpy", "numpy"), _module("transitions", "transitions"),
              _module("webrtcvad", "webrtcvad-wheels"), _module("soxr", "soxr"),
              _module("vosk", "vosk"), _voice(settings), *_engine(settings),
              *_devices(settings), _data_dir(settings)]
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.essential else "note")
        fix = f"  -> fix: {c.fix}" if not c.ok and c.fix else ""
        print(f"{mark}  {c.name}: {c.detail}{fix}", file=out)
    broken = [c for c in checks if not c.ok and c.essential]
    print("all essentials present" if not broken else f"{len(broken)} essential problem(s)",
          file=out)
    return 1 if broken else 0
