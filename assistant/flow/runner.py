"""Runs a flow: its steps become the states of a `transitions` machine.

One thread owns the machine; each state's work (speak, breathe, ask) runs in
`_run_step`, then the `advance` trigger moves to the next state. Time is the
session clock's, so breathing cues keep time in audio as well as in real runs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from transitions import Machine

from assistant.flow.answers import (
    number_vocabulary,
    parse_number,
    parse_yes_no,
    yes_no_vocabulary,
)
from assistant.flow.model import Breath, Flow, Step
from assistant.session import Session
from assistant.stt.base import DICTATION

CUE_WORDS = {"inhale": "Breathe in", "hold": "Hold", "exhale": "Breathe out"}
FINISHED = "finished"


class FlowRunner:
    """The model object of the flow's state machine."""

    state: str

    def __init__(self, flow: Flow, session: Session) -> None:
        self.flow = flow
        self.session = session
        self.steps = {s.id: s for s in flow.steps}
        ids = [s.id for s in flow.steps]
        self.machine = Machine(
            model=self, states=[*ids, FINISHED], initial=ids[0], auto_transitions=False,
            queued=True, after_state_change="_entered",
            transitions=[{"trigger": "advance", "source": a, "dest": b}
                         for a, b in zip(ids, [*ids[1:], FINISHED], strict=False)])

    def _entered(self) -> None:
        if self.state != FINISHED:
            self.session.emit("step", id=self.state)

    def run(self) -> dict[str, Any]:
        """Run every step in order; return the stored answers."""
        self.session.emit("step", id=self.state)
        while self.state != FINISHED:
            self._run_step(self.steps[self.state])
            self.advance()  # type: ignore[attr-defined]  # added by transitions
        return self.session.answers

    def _text(self, template: str) -> str:
        values: defaultdict[str, Any] = defaultdict(lambda: "something")
        values.update(self.session.answers)
        return template.format_map(values)

    def _run_step(self, step: Step) -> None:
        if step.say:
            self.session.say(self._text(step.say))
        if step.breathe is not None:
            self.breathe(step.breathe)
        if step.ask:
            self.ask(step)

    def breathe(self, breath: Breath) -> None:
        """Speak a cue at each phase onset, scheduled from one start time (no drift)."""
        clock = self.session.clock
        start = clock.now()
        onset = 0.0
        for cycle in range(breath.cycles):
            for phase, seconds in breath.phases:
                clock.wait_until(start + onset)
                self.session.emit("cue", phase=phase, cycle=cycle + 1,
                                  scheduled=round(start + onset, 3))
                self.session.say(CUE_WORDS[phase])
                onset += seconds
        clock.wait_until(start + onset)

    def ask(self, step: Step) -> None:
        """Ask, listen, re-ask on silence or a wrong kind of answer, store what was said."""
        low, high = step.range
        if step.answer == "yes_no":
            vocabulary, hint = yes_no_vocabulary(), "Please answer yes or no."
        elif step.answer == "number":
            vocabulary = number_vocabulary(low, high)
            hint = f"Please say a number from {low} to {high}."
        else:
            vocabulary, hint = DICTATION, "Take your time, and answer in your own words."
        question = self._text(step.ask)
        prompt = question
        for _ in range(step.reprompts + 1):
            self.session.say(prompt)
            heard = self.session.listen(step.id, vocabulary, open_answer=step.answer == "free")
            if heard is None:
                prompt = f"I didn't hear an answer. {question}"
                continue
            prompt = f"Sorry, I didn't get that. {hint}"
            value: Any
            if step.answer == "yes_no":
                value = parse_yes_no(heard.final.text)
            elif step.answer == "number":
                value = parse_number(heard.final.text, low, high)
            else:
                value = heard.final.text
            if value is None:
                continue
            if step.store:
                self.session.answers[step.store] = value
            self.session.emit("answer", step=step.id, name=step.store, value=value)
            return
        self.session.emit("answer", step=step.id, name=step.store, value=None, skipped=True)
