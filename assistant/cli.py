"""The `regroup` command. Every RegroupError becomes one line on stderr and an exit code, here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant import __version__
from assistant.errors import RegroupError
from assistant.settings import ENGINES, Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]
REPO = Path(__file__).resolve().parent.parent


def _engine_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=ENGINES, help="recognizer (default: auto = vosk when a "
                   "model is installed, else the bundled pocketsphinx)")
    p.add_argument("--model", type=Path, help="Vosk model folder (default: the one in models/)")
    p.add_argument("--voice", help="espeak-ng voice for the assistant (default en-us)")
    p.add_argument("--rate", dest="voice_rate", type=int, help="speaking rate, words per minute")


def _audio_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", dest="input_device", metavar="DEVICE",
                   help="microphone: index or part of its name (see 'regroup devices')")
    p.add_argument("--output", dest="output_device", metavar="DEVICE",
                   help="speaker: index or part of its name")
    p.add_argument("--audio-in", type=Path, metavar="WAV", help="hear this WAV file instead "
                   "of the microphone")
    p.add_argument("--audio-out", type=Path, metavar="WAV", help="write the assistant's voice "
                   "to this WAV file instead of the speaker")
    p.add_argument("--realtime", action="store_true",
                   help="pace --audio-in / --user-script in real time")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regroup", description="Regroup: an offline voice coach for resetting and "
        "reflecting after hard conversations. Nothing leaves this machine.")
    parser.add_argument("--version", action="version", version=f"regroup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a flow on the microphone and speaker",
                         description="Run a flow, e.g. 'regroup run quick-reset'.")
    run.add_argument("flow", help="flow name (see 'regroup flows list') or a flow file")
    run.add_argument("--user-script", type=Path, metavar="FILE",
                     help="a scripted user answers instead of the microphone (see README)")
    _flow_flags(run)
    _audio_flags(run)
    _engine_flags(run)

    demo = sub.add_parser("demo", help="watch a scripted conversation (no sound card needed)",
                          description="Run a flow with a built-in scripted user and print the "
                          "conversation. Needs no microphone or speaker.")
    demo.add_argument("flow", nargs="?", default="quick-reset", help="flow (default quick-reset)")
    demo.add_argument("--audio-out", type=Path, metavar="WAV",
                      help="also write the assistant's voice to this WAV file")
    demo.add_argument("--play", action="store_true", help="play the assistant's voice aloud")
    demo.add_argument("--output", dest="output_device", metavar="DEVICE",
                      help="speaker for --play")
    _flow_flags(demo)
    _engine_flags(demo)

    sub.add_parser("devices", help="list audio devices", description="List microphones and "
                   "speakers with their index; '<in'/'<out' mark the defaults.")
    sub.add_parser("doctor", help="check engines, models, devices and the data folder",
                   description="Say what is installed, what is missing and how to fix it.")

    models = sub.add_parser("models", help="list, download or install speech models",
                            description="Vosk models live in models/ (see models/README.md).")
    msub = models.add_subparsers(dest="action", metavar="ACTION")
    msub.add_parser("list", help="known and installed models")
    dl = msub.add_parser("download", help="download a Vosk model (default: small US English)")
    dl.add_argument("name", nargs="?", help="model name from 'regroup models list'")
    inst = msub.add_parser("install", help="install a model zip you downloaded yourself")
    inst.add_argument("archive", type=Path, help="the model's .zip file")

    tr = sub.add_parser("transcripts", help="list and read saved sessions",
                        description="Transcripts are private JSON-lines files in the data folder.")
    tsub = tr.add_subparsers(dest="action", metavar="ACTION")
    tsub.add_parser("list", help="every saved session")
    show = tsub.add_parser("show", help="one session as readable text")
    show.add_argument("id", help="transcript id (or a prefix of it, or 'last')")

    flows = sub.add_parser("flows", help="list the flows", description="Built-in and your own "
                           "flows (your own live in <data folder>/flows).")
    fsub = flows.add_subparsers(dest="action", metavar="ACTION")
    fsub.add_parser("list", help="every flow with its description")
    fshow = fsub.add_parser("show", help="a flow's steps in words")
    fshow.add_argument("flow", help="flow name or file")
    fval = fsub.add_parser("validate", help="check flow files (default: every flow)")
    fval.add_argument("paths", nargs="*", type=Path, help="flow files to check")
    fgraph = fsub.add_parser("graph", help="draw a flow's states as a picture (SVG or PNG)")
    fgraph.add_argument("flow", help="flow name or file")
    fgraph.add_argument("-o", "--output", dest="picture", type=Path,
                        help="picture file (default FLOW.svg in the current folder)")
    return parser


def _flow_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pattern", help="breathing pattern for 'breathe': box, 4-7-8, cyclic-sigh, "
                   "resonant, or seconds like 4-2-6-2 (in-hold-out-hold)")
    p.add_argument("--cycles", type=int, help="breathing cycles for 'breathe'")
    p.add_argument("--set", dest="preset", action="append", default=[], metavar="NAME=VALUE",
                   help="answer a question of the flow in advance (repeatable)")
    p.add_argument("--no-barge-in", dest="barge_in", action="store_false",
                   help="do not listen for stop and pause while speaking")


def _settings(args: argparse.Namespace) -> Settings:
    keys = ("engine", "model", "voice", "voice_rate", "input_device", "output_device")
    return load_settings(**{k: getattr(args, k, None) for k in keys})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from assistant import commands

    handler: Handler | None = getattr(commands, f"cmd_{args.command}", None)
    if handler is None:  # pragma: no cover - argparse rejects unknown commands
        parser.error(f"unknown command {args.command}")
    try:
        return handler(args, _settings(args))
    except RegroupError as exc:
        print(f"regroup: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("regroup: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, and the transcript is already closed
        print(f"regroup: unexpected {type(exc).__name__}: {exc} (please report this; "
              "run with REGROUP_DEBUG=1 for details)", file=sys.stderr)
        if os.environ.get("REGROUP_DEBUG"):
            raise
        return 70
