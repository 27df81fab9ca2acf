"""Runs a flow: its steps are the states of a `transitions` machine.

One thread owns the machine. Each state's work runs in `Steps`; then the
machine moves to the step that follows, or where a branch, a goto or a voice
command sends it. Voice commands work in every step: pause, resume, repeat,
skip or next, back, slower, faster, stop and help.
"""

from __future__ import annotations

import contextlib
from typing import Any

from transitions import Machine

from assistant.flow.answers import COMMANDS, command_phrases
from assistant.flow.model import (
    Affirm,
    Ask,
    Branch,
    Breathe,
    End,
    Flow,
    Goto,
    Pause,
    Rehearse,
    Step,
)
from assistant.flow.steps import Steps
from assistant.session import Session, VoiceCommand
from assistant.strengths import StrengthList
from assistant.stt.base import Vocabulary

FINISHED = "finished"
PAUSE_LIMIT = 30 * 60.0  # a paused session ends by itself after half an hour of silence
HELP = ("You can say repeat, back, skip, slower, faster, pause, or stop. "
        "While I'm speaking, stop and pause work too.")


class FlowRunner:
    """The model object of the flow's state machine."""

    state: str

    def __init__(self, flow: Flow, session: Session, strengths: StrengthList,
                 seed: int | None = None) -> None:
        self.flow = flow
        self.session = session
        self.steps = Steps(session, strengths, seed)
        self.history: list[str] = []
        self.reason = "finished"
        self._timebox_used = False
        self.machine = Machine(model=self, states=[*flow.ids, FINISHED], initial=flow.ids[0],
                               auto_transitions=True, queued=True,
                               after_state_change="_entered")

    def _entered(self) -> None:
        if self.state != FINISHED:
            self.session.emit("step", id=self.state)

    def _go(self, target: str | None) -> None:
        self.trigger(f"to_{target or FINISHED}")  # type: ignore[attr-defined]

    def run(self) -> dict[str, Any]:
        """Run the flow to its end; return the stored answers."""
        started = self.session.clock.now()
        self.session.emit("step", id=self.state)
        while self.state != FINISHED:
            step = self.flow.step(self.state)
            box = self.flow.timebox
            if box and not self._timebox_used and self.session.clock.now() - started > box.seconds:
                self._timebox_used = True
                self.session.emit("timebox", seconds=box.seconds)
                target: str | None = box.goto
                try:
                    self.session.say(self.steps.text(box.say))
                except VoiceCommand as cmd:
                    target = self.command(cmd.command, step)
            else:
                try:
                    target = self.execute(step)
                except VoiceCommand as cmd:
                    target = self.command(cmd.command, step)
            if target != step.id:
                self.history.append(step.id)
            self._go(target)
        return self.session.answers

    def execute(self, step: Step) -> str | None:
        """Do the step's work; return the id of the step that comes next (None: the end)."""
        steps = self.steps
        if step.say:
            self.session.say(steps.text(step.say))
        if isinstance(step, Ask):
            steps.ask(step)
        elif isinstance(step, Breathe):
            steps.breathe(step)
        elif isinstance(step, Affirm):
            steps.affirm(step)
        elif isinstance(step, Rehearse):
            steps.rehearse(step)
        elif isinstance(step, Pause):
            self.session.wait_until(self.session.clock.now() + step.pause)
        elif isinstance(step, Branch):
            return steps.branch(step) or self.flow.following(step)
        elif isinstance(step, Goto):
            return step.goto
        elif isinstance(step, End):
            if step.end:
                self.session.say(steps.text(step.end))
            return None
        return self.flow.following(step)

    def command(self, command: str, step: Step) -> str | None:
        """Carry out a voice command said during `step`; return where to go next."""
        session = self.session
        session.emit("command", command=command, step=step.id)
        if command == "stop":
            self.reason = "stopped by voice"
            with contextlib.suppress(VoiceCommand):
                session.say("Okay, let's stop here. What you said is saved. Take care.")
            return None
        if command == "pause":
            return step.id if self._paused(step) else None
        if command == "skip":
            return self.flow.following(step) if not isinstance(step, End) else None
        if command == "back":
            return self.history.pop() if self.history else step.id
        try:
            if command in ("slower", "faster"):
                session.change_rate(-1 if command == "slower" else 1)
                session.say("I'll speak more slowly." if command == "slower"
                            else "I'll speak a little faster.")
            elif command == "help":
                session.say(HELP)
        except VoiceCommand as again:
            return self.command(again.command, step)
        return step.id  # repeat, resume, slower, faster, help: do the step again

    def _paused(self, step: Step) -> bool:
        """Wait for "resume" (True) or "stop" (False)."""
        session = self.session
        vocabulary = Vocabulary(command_phrases(("resume", "stop", "help")) + COMMANDS["repeat"])
        try:
            session.say("Paused. Say resume when you're ready, or stop to finish.")
        except VoiceCommand as cmd:
            if cmd.command == "stop":
                return self._stopped()
        waited_from = session.clock.now()
        while session.clock.now() - waited_from < PAUSE_LIMIT:
            heard = session.listen(f"{step.id}:paused", vocabulary)
            said = heard.final.text if heard else ""
            if any(said == p for p in COMMANDS["stop"]):
                return self._stopped()
            if said in COMMANDS["resume"] or said in COMMANDS["repeat"]:
                session.emit("command", command="resume", step=step.id)
                session.say("Let's continue.")
                return True
            if said in COMMANDS["help"]:
                session.say("We're paused. Say resume to go on, or stop to finish.")
        self.reason = "paused too long"
        return False

    def _stopped(self) -> bool:
        self.reason = "stopped by voice"
        self.session.say("Okay, let's stop here. What you said is saved. Take care.")
        return False
