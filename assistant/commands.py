"""What each `regroup` sub-command does. Argument parsing lives in cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.app import RunOptions, run_flow
from assistant.errors import UsageError
from assistant.settings import Settings

DEMO_SCRIPTS = Path(__file__).resolve().parent.parent / "flows" / "demo"


def _finish(result_reason: str, transcript: Path) -> int:
    print(f"transcript saved: {transcript}")
    return 130 if result_reason == "cancelled" else 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    options = RunOptions(flow=args.flow, audio_in=args.audio_in, audio_out=args.audio_out,
                         user_script=args.user_script, realtime=args.realtime)
    result = run_flow(settings, options)
    return _finish(result.reason, result.transcript)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    script = DEMO_SCRIPTS / f"{args.flow}.yaml"
    if not script.exists():
        known = ", ".join(sorted(p.stem for p in DEMO_SCRIPTS.glob("*.yaml")))
        raise UsageError(f"no demo script for '{args.flow}'; demos exist for: {known}")
    print(f"demo: flow '{args.flow}' with the scripted user {script.name} "
          "(spoken by espeak-ng, heard by the real recognizer)")
    options = RunOptions(flow=args.flow, user_script=script, audio_out=args.audio_out,
                         silent=not args.play)
    result = run_flow(settings, options)
    return _finish(result.reason, result.transcript)


def cmd_devices(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.audio.device import list_devices

    devices = list_devices()
    if not devices:
        print("no audio devices found; 'regroup demo' works without any")
        return 0
    for d in devices:
        print(d.line())
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.doctor import run_checks

    return run_checks(settings, sys.stdout)


def cmd_models(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import models

    if args.action == "download":
        path = models.download(args.name)
        print(f"installed: {path}")
        return 0
    if args.action == "install":
        path = models.install_archive(args.archive)
        print(f"installed: {path}")
        return 0
    installed = models.installed_models()
    print(f"models folder: {models.models_dir()}")
    for entry in models.load_manifest():
        here = any(entry.name in str(p) for p in installed)
        mark = "installed" if here else "not installed"
        default = " (default)" if entry.default else ""
        print(f"  {entry.name}{default}: {entry.description} [{mark}]")
    others = [p for p in installed if not any(e.name in str(p) for e in models.load_manifest())]
    for p in others:
        print(f"  {p.name}: installed by hand")
    return 0


def cmd_transcripts(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.console import describe
    from assistant.transcript import find_transcript, list_transcripts, read_events

    folder = settings.transcripts_dir
    if args.action == "show":
        for event in read_events(find_transcript(folder, args.id)):
            line = describe(event)
            if line:
                print(line)
        return 0
    infos = list_transcripts(folder)
    if not infos:
        print(f"no transcripts yet in {folder}")
    for info in infos:
        state = "" if info.complete else "  (incomplete)"
        print(f"{info.id}  {info.started}  {info.flow}  {info.events} events{state}")
    return 0


def cmd_flows(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.flow.model import flow_dirs, load_flow

    for folder in flow_dirs(settings.data_dir):
        for path in sorted(folder.glob("*.yaml")) if folder.exists() else []:
            flow = load_flow(path)
            print(f"{flow.name:20s} {flow.title}: {flow.description}")
    return 0
