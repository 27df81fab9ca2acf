"""Feedback on a rehearsed apology, or on the opening of a hard conversation.

The six parts of an apology follow Lewicki, Polin and Lount (2016): owning responsibility mattered
most, offering repair came next, and asking for forgiveness mattered least. The text is matched
after normalising (recognizer output has no punctuation), so the phrase lists are generous.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from assistant.coach.pace import (
    Pace,
    delivery_penalty,
    measure,
    spoken_feedback,
)

if TYPE_CHECKING:
    from assistant.stt.base import Word


def _rx(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


_FEEL = r"(?:upset|offended|hurt|angry|bothered|annoyed)"
_ONE_OF = r"(?:it|this|that|things)"

COMPONENTS = ("regret", "explanation", "responsibility", "repentance", "repair", "forgiveness")
WEIGHTS: Mapping[str, float] = MappingProxyType({
    "responsibility": 30.0, "repair": 22.0, "regret": 14.0, "repentance": 14.0,
    "explanation": 12.0, "forgiveness": 8.0})
NON_APOLOGY_PENALTY = 25.0
EXCUSE_PENALTY = 10.0

_PARTS: dict[str, re.Pattern[str]] = {
    "regret": _rx(r"(?<!not )(?<!never )sorry", r"apologi[sz]e", r"apolog(?:y|ies)", "i regret",
                  r"i feel (?:so |really |very |truly )?(?:terrible|awful|bad|horrible|ashamed)",
                  "i am ashamed", r"i wish i had (?:not|never)"),
    "explanation": _rx(
        "because", "what happened was", "the reason", "due to", "since i", "i thought",
        "i assumed", "i felt", "i was trying to", "i misunderstood", "i misread",
        r"i (?:was|had been) (?:so |really |very |just |a bit |a little )?(?:stressed|tired"
        r"|exhausted|overwhelmed|distracted|busy|rushed|rushing|anxious|frustrated|worried"
        r"|scared|sick|under pressure|caught up|not thinking|running late)",
        r"i did not (?:realize|realise|know|notice|understand|see)", r"i had (?:a|been)",
        r"i got (?:caught up|distracted|overwhelmed|carried away|defensive)",
        r"it was (?:a|an) (?:long|hard|rough|bad|stressful) (?:day|week|morning|night)"),
    "responsibility": _rx(
        "my fault", "i was wrong", r"i should (?:not |never )?have", "i take ownership",
        r"i take (?:full )?responsib\w*", r"(?:that|this|it) (?:is|was) on me", "my mistake",
        r"i made (?:a|the) mistake", "my bad", r"i (?:messed|screwed) up", "i got it wrong",
        "i was out of line", r"i own (?:that|this|it|my)", r"i (?:am|was) (?:fully )?responsible",
        "i hurt you", "i let you down", "i dropped the ball", "i blame myself", "i accept",
        r"i was (?:rude|unfair|careless|thoughtless|harsh|dismissive|insensitive|disrespectful"
        r"|selfish|unkind|late|in the wrong)", r"i (?:caused|broke|forgot|missed|lied|yelled"
        r"|snapped|ignored|interrupted|raised my voice)",
        r"i did not (?:listen|think|call|tell|consider|check|ask|show up|keep|follow)"),
    "repentance": _rx(
        r"(?:it|this|that) will not happen again", "never happen again", "i will make sure",
        "from now on", "next time", "going forward", r"in (?:the )?future", "i promise",
        r"i will (?:try|work on|be more|be better|do better|change|stop|not|never|always"
        r"|listen|think|check|remember|learn)",
        r"i am going to (?:change|work on|be more|be better|do better|try|make sure|stop|listen)",
        "i am committed", "i commit", r"i (?:have|am) learn\w*", "i am working on"),
    "repair": _rx(
        rf"make {_ONE_OF} (?:up to you|right)", "make up for", rf"put {_ONE_OF} right",
        r"i will (?:fix|repair|replace|pay|redo|correct|sort|cover|call|talk to|apologi[sz]e to"
        r"|take care|clean|help)", r"i am going to (?:fix|repair|replace|pay|redo|correct|sort)",
        r"let me (?!explain|finish|just|be clear|say|think|be honest)[\w']+",
        "what can i do", r"anything (?:else )?i can do", r"how can i (?:make|fix|help|repair)",
        "what would help", r"i can (?:fix|redo|help|cover|replace|pay|correct)",
        r"i have already (?:fixed|called|sent|corrected|replaced|paid|spoken|talked)",
        r"i (?:would like|want) to (?:fix|help|make|repair)"),
    "forgiveness": _rx(
        "forgive me", r"(?:can|could|will|would) you (?:ever |possibly |please )?forgive",
        r"i hope you (?:can |will |could )?(?:ever )?forgive", "please forgive", "forgiveness",
        r"(?:can|could|will|would) you accept my apolog\w*", r"i hope you (?:can|will) accept",
        r"give me (?:another|a second) chance"),
}

CONDITIONAL, FEELINGS, BUT = "conditional", "their feelings", "but"
BLAME, MINIMISING, PASSIVE, EXCUSE = "blame shift", "minimising", "passive voice", "excuse"
_NON_APOLOGY: dict[str, re.Pattern[str]] = {
    CONDITIONAL: _rx(r"(?:sorry|apologi[sz]e) (?:that )?if", "sorry in case",
                     rf"if (?:i|that|it|this|anything i said) {_FEEL} (?:you|anyone|anybody)",
                     rf"if (?:anyone|you) (?:was|were|felt) {_FEEL}"),
    FEELINGS: _rx(rf"sorry (?:that )?you (?:feel|felt|(?:were|are|got) (?:so )?{_FEEL}"
                  r"|took it|take it|see it)",
                  r"sorry (?:that )?(?:it|that|this) (?:upset|offended|bothered) you",
                  "sorry for how you feel"),
    BUT: _rx(r"(?:sorry|apologi[sz]e) but", r"sorry(?: [\w']+){0,10} but you"),
    BLAME: _rx("you made me", r"if you (?:had|did|would) not", "you also",
               r"not (?:all |entirely |really |only )?my fault",
               r"you started (?:it|this|that)", r"you did (?:it|that|the same) too",
               "you were the one", "what about you", "you should not have(?! had to)",
               "you always", "your fault", "because of you", r"you (?:provoked|pushed) me"),
    MINIMISING: _rx(r"(?:just|only) (?:a )?jok(?:e|ing)", r"just (?:kidding|teasing)", "i was only",
                    r"i was just (?:joking|kidding|teasing|messing|having fun|being honest)",
                    r"not (?:a|that|such a) big deal", "no big deal", "it was nothing",
                    r"not that (?:bad|serious|big)", "it was only", r"overreact\w*",
                    "too sensitive", "calm down", "get over it", "lighten up"),
    PASSIVE: _rx(r"(?:mistakes|errors|things|words|comments|decisions) (?:were|was|got)"
                 r" (?:made|said|done|taken)", "things got out of hand",
                 rf"{_ONE_OF} was (?:handled|done) (?:badly|poorly|wrong)",
                 rf"{_ONE_OF} just happened"),
}

_PRAISE = {
    "responsibility": "took clear ownership of your part", "repair": "offered to put things right",
    "regret": "said plainly that you were sorry",
    "repentance": "said what you will do differently", "explanation": "gave some context",
    "forgiveness": "asked for their forgiveness",
}
_ADD = {
    "responsibility": "The most important thing to add is taking responsibility in plain "
                      "words, naming what you did without softening it.",
    "repair": "The most useful thing to add is an offer to repair the harm, or simply asking "
              "what would help.",
    "regret": "Try adding a simple, direct sorry for what happened.",
    "repentance": "Consider saying what you will do differently from here on.",
    "explanation": "If it helps them understand, add a brief word about what led to it.",
    "forgiveness": "If it feels right, you could close by asking whether they can forgive you.",
}
_CHANGE = {
    BLAME: "The main thing to change is the part that points back at them, so speak only "
           "about your own actions for now.",
    BUT: "The main thing to change is the but after your sorry, because it tends to cancel "
         "everything that came before it.",
    FEELINGS: "The main thing to change is apologising for how they feel, so apologise for "
              "what you did instead.",
    CONDITIONAL: "The main thing to change is the if after sorry, since it hints the hurt may "
                 "not be real, so name what you did instead.",
    MINIMISING: "The main thing to change is the part that plays it down, so let it be as big "
                "as it was for them.",
    PASSIVE: "The main thing to change is the wording that hides who acted, so say clearly "
             "that you made the mistake.",
    EXCUSE: "Your explanation may land as an excuse on its own, so pair it with a clear line "
            "taking responsibility for your part.",
}


def _praise(found: Sequence[str], phrases: Mapping[str, str]) -> str:
    said = [phrases[name] for name in found][:2]
    if not said:
        return "Thank you for practising this, it takes courage to rehearse something so hard."
    if len(said) == 1:
        return f"Good start, you {said[0]}."
    return f"Nice work, you {said[0]}, and you {said[1]}."


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """How a rehearsed attempt sounded, and its score 0..100."""

    missing: tuple[str, ...]
    words: int
    wpm: float | None
    pace: Pace
    fillers: Mapping[str, int]
    score: float

    def _feedback(self, praise: str, advice: str) -> str:
        return spoken_feedback(praise, advice, self.pace, self.wpm, self.fillers, self.words)


@dataclass(frozen=True, kw_only=True)
class ApologyReport(Attempt):
    """What an apology attempt contained, what undermined it, how it sounded."""

    components: Mapping[str, bool]
    non_apology: tuple[str, ...]

    def summary(self) -> str:
        """Two to four short, warm sentences of spoken feedback."""
        found = sorted((c for c in COMPONENTS if self.components[c]), key=lambda c: -WEIGHTS[c])
        change = next((label for label in _CHANGE if label in self.non_apology), None)
        if change is not None:
            advice = _CHANGE[change]
        elif self.missing:
            advice = _ADD[max(self.missing, key=lambda c: WEIGHTS[c])]
        else:
            advice = "You covered every part, so all that is left is to say it slowly and mean it."
        return self._feedback(_praise(found, _PRAISE), advice)


def analyse_apology(text: str, words: Sequence[Word] = ()) -> ApologyReport:
    """Which parts of an effective apology `text` contains, what undermines it, and its pace."""
    said, count, wpm, pace, fillers = measure(text, words)
    labels = [label for label, rx in _NON_APOLOGY.items() if rx.search(said)]
    kept = said
    for label in labels:  # a "sorry if" or "not my fault" must not count as a real part
        kept = _NON_APOLOGY[label].sub(" | ", kept)
    parts = {name: bool(_PARTS[name].search(kept)) for name in COMPONENTS}
    if parts["explanation"] and not parts["responsibility"]:
        labels.append(EXCUSE)
    penalty = sum(EXCUSE_PENALTY if label == EXCUSE else NON_APOLOGY_PENALTY for label in labels)
    raw = sum(WEIGHTS[c] for c in COMPONENTS if parts[c]) - penalty
    raw -= delivery_penalty(pace, fillers, count)
    return ApologyReport(
        components=MappingProxyType(parts), missing=tuple(c for c in COMPONENTS if not parts[c]),
        non_apology=tuple(labels), words=count, wpm=wpm, pace=pace,
        fillers=MappingProxyType(fillers), score=max(0.0, min(100.0, raw)))


OPENING_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"intention": 35.0, "invitation": 35.0, "care": 30.0})
_OPENING: dict[str, re.Pattern[str]] = {
    "intention": _rx("i want", r"i would (?:like|love) (?:for )?(?:us )?to", r"my (?:goal|hope|"
                     r"intention) is", "i hope we can", "i hope that we", "i am hoping",
                     "what i am hoping", "i am here to", "so that we can", "i wanted to talk",
                     r"let us (?:find|figure|work|talk|try|sort)"),
    "care": _rx("i value", r"matters? (?:a lot |so much )?to me", r"(?:is|are) important to me",
                "i care", "means a lot to me", "i respect", "i appreciate", "you matter",
                r"our (?:friendship|relationship|partnership|work together)"),
    "invitation": _rx(r"how do you see (?:it|this|that|things)", "what do you think",
                      r"i (?:would like|want|would love) to hear", r"your (?:side|view|"
                      r"perspective|thoughts|take)", r"how (?:was|is|did) (?:it|this|that)",
                      r"(?:can|could|would) you tell me", "help me understand",
                      "what would help", r"does (?:that|this) (?:sound|seem)",
                      "how are you feeling", "what was that like"),
}
_ACCUSATIONS: dict[str, re.Pattern[str]] = {
    "you always": _rx("you always"), "you never": _rx("you never"),
    "why did you": _rx(r"why (?:did|do|would|can not) you"),
    "blame": _rx("your fault", "you made me", "you need to", "you should have",
                 "what is wrong with you", r"you do not (?:even )?care", "you did not even"),
}
_OPENING_PRAISE = {"intention": "said what you hope for", "care": "showed that they matter to you",
                   "invitation": "made room for their side"}
_OPENING_ADD = {
    "intention": "The most useful thing to add is what you hope the two of you can reach by "
                 "the end of the talk.",
    "invitation": "The most useful thing to add is an open question that invites their view, "
                  "such as asking how they see it.",
    "care": "Consider saying briefly why this relationship matters to you.",
}


@dataclass(frozen=True, kw_only=True)
class OpeningReport(Attempt):
    """Whether an opening set a kind, open tone, and how it sounded."""

    checks: Mapping[str, bool]
    accusations: tuple[str, ...]

    def summary(self) -> str:
        """Two to four short, warm sentences of spoken feedback."""
        if self.accusations:
            advice = ("The main thing to change is the accusing start, so describe what "
                      "happened and how it felt for you rather than what they do.")
        elif self.missing:
            advice = _OPENING_ADD[max(self.missing, key=lambda n: OPENING_WEIGHTS[n])]
        else:
            advice = "All three pieces are there, so keep your voice calm and steady as you begin."
        found = [name for name in _OPENING if self.checks[name]]
        return self._feedback(_praise(found, _OPENING_PRAISE), advice)


def analyse_opening(text: str, words: Sequence[Word] = ()) -> OpeningReport:
    """Whether an opening states an intention, shows care and invites them in, without blame."""
    said, count, wpm, pace, fillers = measure(text, words)
    checks = {name: bool(rx.search(said)) for name, rx in _OPENING.items()}
    accusations = tuple(label for label, rx in _ACCUSATIONS.items() if rx.search(said))
    raw = sum(OPENING_WEIGHTS[name] for name, ok in checks.items() if ok)
    raw -= NON_APOLOGY_PENALTY * len(accusations) + delivery_penalty(pace, fillers, count)
    return OpeningReport(
        checks=MappingProxyType(checks), missing=tuple(n for n, ok in checks.items() if not ok),
        accusations=accusations, words=count, wpm=wpm, pace=pace,
        fillers=MappingProxyType(fillers), score=max(0.0, min(100.0, raw)))


def best_attempt(reports: Sequence[Attempt]) -> int:
    """Index of the highest-scoring attempt; on a tie, the later one."""
    if not reports:
        raise ValueError("no attempts to choose from")
    return max(range(len(reports)), key=lambda i: (reports[i].score, i))
