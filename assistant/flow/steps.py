"""What each kind of step does. The state machine around them is in runner.py."""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np

from assistant.audio.chunk import AudioChunk
from assistant.coach.apology import analyse_apology, analyse_opening, best_attempt
from assistant.flow.answers import (
    choice_vocabulary,
    number_vocabulary,
    parse_choice,
    parse_command,
    parse_number,
    parse_yes_no,
    yes_no_vocabulary,
)
from assistant.flow.model import Affirm, Ask, Branch, Breathe, Rehearse
from assistant.flow.patterns import NAMED, cycles_for, parse_pattern
from assistant.session import Session, VoiceCommand
from assistant.strengths import StrengthList, builtin_affirmations
from assistant.stt.base import DICTATION

FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
CUE_WORDS = {"inhale": "Breathe in", "top-up": "Top up", "hold": "Hold",
             "exhale": "Breathe out"}
COUNTS = ("", "", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
TONES = {"inhale": (330.0, 440.0), "top-up": (440.0, 494.0), "hold": (392.0, 392.0),
         "exhale": (440.0, 294.0)}


def spoken(value: Any) -> str:
    """A stored answer as it is spoken back."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def tone(phase: str, seconds: float = 0.45, rate: int = 22_050) -> AudioChunk:
    """A soft gliding tone: rising for breathing in, level for holding, falling for out."""
    low, high = TONES.get(phase, (392.0, 392.0))
    t = np.arange(round(seconds * rate)) / rate
    freq = np.linspace(low, high, len(t))
    phase_acc = 2 * np.pi * np.cumsum(freq) / rate
    envelope = np.sin(np.pi * t / seconds) ** 2
    return AudioChunk.from_samples((2500 * envelope * np.sin(phase_acc)).astype(np.int16), rate)


class Steps:
    """Runs single steps against a session."""

    def __init__(self, session: Session, strengths: StrengthList, seed: int | None = None) -> None:
        self.session = session
        self.strengths = strengths
        self.random = random.Random(seed)

    def text(self, template: str) -> str:
        """The template with each {name} replaced by the stored answer ("something" if none)."""
        answers = self.session.answers
        return FIELD.sub(lambda m: spoken(answers.get(m.group(1), "something")), template)

    def _store(self, step_id: str, name: str, value: Any) -> None:
        if name:
            self.session.answers[name] = value
        self.session.emit("answer", step=step_id, name=name, value=value)

    def ask(self, step: Ask) -> None:
        """Ask, listen, re-ask on silence or a wrong kind of answer, store what was said."""
        if step.skip_if_known and step.store in self.session.answers:
            self.session.emit("answer", step=step.id, name=step.store,
                              value=self.session.answers[step.store], known=True)
            return
        value = self.question(step.id, self.text(step.ask), step.answer, step.range,
                              step.options, step.reprompts)
        if value is None:
            self.session.emit("answer", step=step.id, name=step.store, value=None, skipped=True)
        else:
            self._store(step.id, step.store, value)

    def question(self, step_id: str, question: str, answer: str, rng: tuple[int, int] = (1, 10),
                 options: tuple[tuple[str, tuple[str, ...]], ...] = (),
                 reprompts: int = 2) -> Any:
        """The understood answer, or None after the re-prompts ran out."""
        low, high = rng
        if answer == "yes_no":
            vocabulary, hint = yes_no_vocabulary(), "Please answer yes or no."
        elif answer == "number":
            vocabulary = number_vocabulary(low, high)
            hint = f"Please say a number from {low} to {high}."
        elif answer == "choice":
            names = [v.replace("-", " ") for v, _ in options]
            vocabulary = choice_vocabulary(options)
            hint = f"You can say {', '.join(names[:-1])}, or {names[-1]}."
        else:
            vocabulary, hint = DICTATION, "Take your time, and answer in your own words."
        prompt = question
        for _ in range(reprompts + 1):
            self.session.say(prompt)
            heard = self.session.listen(step_id, vocabulary, open_answer=answer == "free")
            if heard is None:
                prompt = f"I didn't hear an answer. {question}"
                continue
            command = parse_command(heard.final.text)
            if command is not None:
                raise VoiceCommand(command)
            value: Any
            if answer == "yes_no":
                value = parse_yes_no(heard.final.text)
            elif answer == "number":
                value = parse_number(heard.final.text, low, high)
            elif answer == "choice":
                value = parse_choice(heard.final.text, options)
            else:
                value = heard.final.text
            if value is not None:
                return value
            prompt = f"Sorry, I didn't get that. {hint}"
        return None

    def breathe(self, step: Breathe) -> None:
        """Cues at each phase onset, all scheduled from one start time, so nothing drifts."""
        try:
            pattern = parse_pattern(self.text(step.pattern))
        except ValueError:
            self.session.say("I don't know that pattern, so let's breathe in a box instead.")
            pattern = NAMED["box"]
        cycles = cycles_for(pattern, step.cycles, step.minutes)
        session = self.session
        start = session.clock.now()
        session.emit("breathing", pattern=pattern.name, cycles=cycles, cues=step.cues)
        onset = 0.0
        for cycle in range(1, cycles + 1):
            for phase, seconds in pattern.phases:
                self._cue(phase, cycle, start + onset, step.cues, seconds)
                onset += seconds
        session.wait_until(start + onset)

    def _cue(self, phase: str, cycle: int, at: float, style: str, seconds: float) -> None:
        session = self.session
        session.wait_until(at)
        session.emit("cue", phase=phase, cycle=cycle, scheduled=round(at, 3))
        if style == "tone":
            session.play(tone(phase), f"[{phase} tone]")
            return
        session.say(CUE_WORDS[phase])
        if style == "count":
            for n in range(2, min(int(seconds), 10) + 1):
                session.wait_until(at + n - 1)
                session.say(COUNTS[n])

    def affirm(self, step: Affirm) -> None:
        """Speak affirmations from the built-in list, the person's own list, or both."""
        own = self.strengths.items() if step.source in ("strengths", "both") else []
        builtin = builtin_affirmations() if step.source in ("builtin", "both") else []
        if step.source == "strengths" and not own:
            self.session.say("Your own list of strengths is still empty.")
        pool = [(True, s) for s in own] + [(False, s) for s in builtin]
        for mine, text in self.random.sample(pool, min(step.count, len(pool))):
            self.session.say(f"From your own list: {text}" if mine else text)
        if step.offer_add:
            self._offer_add(step.id)

    def _offer_add(self, step_id: str) -> None:
        question = "Would you like to add something to your list of strengths?"
        if self.question(f"{step_id}:add", question, "yes_no", reprompts=1) is not True:
            return
        said = self.question(f"{step_id}:new", "Go ahead. What should I add?", "free", reprompts=1)
        if said:
            self.strengths.add(str(said))
            self.session.emit("strength_added", text=said)
            self.session.say("Added. I'll remind you of it another time.")

    def rehearse(self, step: Rehearse) -> None:
        """Record attempts, speak feedback on each, offer retries, keep the best one."""
        analyse = analyse_apology if step.analysis == "apology" else analyse_opening
        attempts: list[tuple[str, Any]] = []
        prompt = step.rehearse
        for n in range(1, step.attempts + 1):
            said = self.question(step.id, prompt, "free", reprompts=1)
            if said is None:
                break
            heard = self.session.last_heard
            report = analyse(str(said), heard.final.words if heard else ())
            attempts.append((str(said), report))
            self.session.emit("feedback", step=step.id, attempt=n, score=round(report.score, 1),
                              summary=report.summary(), wpm=report.wpm, pace=report.pace)
            self.session.say(report.summary())
            if n == step.attempts or self.question(
                    f"{step.id}:retry", "Would you like to try it again?", "yes_no",
                    reprompts=1) is not True:
                break
            prompt = "Go ahead, from the beginning."
        if not attempts:
            return
        best = best_attempt([r for _, r in attempts])
        text, report = attempts[best]
        self.session.emit("rehearsal_best", step=step.id, attempt=best + 1, text=text,
                          score=round(report.score, 1))
        if len(attempts) > 1:
            self.session.say(f"Your strongest try was number {best + 1}. I've kept it for you.")
        self._store(step.id, step.store, text)

    def branch(self, step: Branch) -> str | None:
        """The case matching the stored answer, else `else`, else None (the next step)."""
        value = self.session.answers.get(step.branch)
        said = spoken(value) if value is not None else ""
        for case, target in step.cases:
            low, _, high = case.partition("-")
            if case == said or (isinstance(value, int) and not isinstance(value, bool)
                                and low.isdigit() and high.isdigit()
                                and int(low) <= value <= int(high)):
                return target
        return step.otherwise
