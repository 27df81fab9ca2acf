"""What each `regroup` sub-command does. Argument parsing lives in cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.app import RunOptions, run_flow
from assistant.errors import FlowError, UsageError
from assistant.flow.patterns import parse_pattern
from assistant.settings import Settings

DEMO_SCRIPTS = Path(__file__).resolve().parent / "data" / "flows" / "demo"


def _finish(result_reason: str, transcript: Path) -> int:
    print(f"transcript saved: {transcript}")
    return 130 if result_reason == "cancelled" else 0


def _preset(args: argparse.Namespace) -> dict[str, Any]:
    """Answers given on the command line: --set NAME=VALUE, --pattern, --cycles."""
    preset: dict[str, Any] = {}
    for item in args.preset:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--set {item}: write it as NAME=VALUE, e.g. --set pattern=box")
        preset[name] = int(value) if value.isdigit() else value
    if args.pattern:
        try:
            preset["pattern"] = parse_pattern(args.pattern).name
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.cycles is not None:
        if not 1 <= args.cycles <= 200:
            raise UsageError("--cycles must be between 1 and 200")
        preset["cycles"] = args.cycles
    return preset


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    options = RunOptions(flow=args.flow, audio_in=args.audio_in, audio_out=args.audio_out,
                         user_script=args.user_script, realtime=args.realtime,
                         barge_in=args.barge_in, preset=_preset(args))
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
                         silent=not args.play, barge_in=args.barge_in, preset=_preset(args))
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
    from assistant.flow.loader import find_flow, flow_files, load_flow

    if args.action == "validate":
        paths = args.paths or flow_files(settings.data_dir)
        problems = 0
        for path in paths:
            try:
                flow = load_flow(path)
                print(f"ok    {path} ({flow.name}: {len(flow.steps)} steps)")
            except FlowError as exc:
                problems += 1
                print(f"FAIL  {exc}")
        print(f"{len(paths) - problems} of {len(paths)} flows are valid")
        return 5 if problems else 0
    if args.action == "show":
        from assistant.flow.describe import describe_flow

        print(describe_flow(find_flow(args.flow, settings.data_dir)))
        return 0
    if args.action == "graph":
        from assistant.flow.graph import draw

        flow = find_flow(args.flow, settings.data_dir)
        print(f"picture written: {draw(flow, args.picture or Path(f'{flow.name}.svg'))}")
        return 0
    for path in flow_files(settings.data_dir):
        try:
            flow = load_flow(path)
            print(f"{flow.name:20s} {flow.title}: {flow.description}")
        except FlowError as exc:
            print(f"{path.stem:20s} (broken: {exc})")
    return 0
