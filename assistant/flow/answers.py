"""Understanding answers: yes or no, a number, one of several choices, or a voice command."""

from __future__ import annotations

from assistant.stt.base import Vocabulary, normalize

YES = ("yes", "yeah", "yep", "sure", "of course", "ready", "okay", "definitely", "i did")
NO = ("no", "nope", "not really", "not yet", "not quite", "i did not")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten")
# what can be said in every step, and the phrases that say it
COMMANDS: dict[str, tuple[str, ...]] = {
    "pause": ("pause",),
    "resume": ("resume", "continue"),
    "repeat": ("repeat", "again"),
    "skip": ("skip", "next"),
    "back": ("back",),
    "slower": ("slower", "slow down"),
    "faster": ("faster", "speed up"),
    "stop": ("stop", "quit"),
    "help": ("help",),
}
BARGE_IN = ("stop", "pause")  # the commands that work while Regroup is speaking
# ordinary words people say that answer nothing: listening for them too means an answer
# off the list comes back as one of these (and is asked again) instead of being forced
# onto the nearest expected answer
OTHER_WORDS = ("maybe", "hello", "sorry", "what", "please", "thanks",
               "nothing", "something", "whatever", "know", "don't", "the", "i")


def command_phrases(names: tuple[str, ...] = tuple(COMMANDS)) -> tuple[str, ...]:
    return tuple(p for name in names for p in COMMANDS[name])


def parse_command(text: str) -> str | None:
    """The command, when the whole utterance is one."""
    said = normalize(text)
    for name, phrases in COMMANDS.items():
        if said in phrases:
            return name
    return None


def yes_no_vocabulary() -> Vocabulary:
    return Vocabulary(YES + NO + command_phrases() + OTHER_WORDS)


# said alongside numbers, these sound too much like one ("four" / "slower", "six" / "skip");
# while a number is asked, "slow down" and "next" say the same
LIKE_NUMBERS = ("slower", "skip")


def number_vocabulary(low: int, high: int) -> Vocabulary:
    commands = tuple(p for p in command_phrases() if p not in LIKE_NUMBERS)
    return Vocabulary(tuple(NUMBER_WORDS[n] for n in range(low, high + 1)) + commands)


def choice_vocabulary(options: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    chosen = tuple(p for _, phrases in options for p in phrases)
    return Vocabulary(chosen + command_phrases() + tuple(w for w in OTHER_WORDS
                                                         if w not in chosen))


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when it is neither."""
    said = normalize(text)
    if not said:
        return None
    if said in NO or said.split()[0] in ("no", "nope"):
        return False
    if said in YES or said.split()[0] in ("yes", "yeah", "sure", "yep"):
        return True
    return None


def parse_number(text: str, low: int, high: int) -> int | None:
    """The number said (as a word or digits) if it is within [low, high]."""
    for token in normalize(text).split():
        value = NUMBER_WORDS.index(token) if token in NUMBER_WORDS else None
        if value is None and token.isdigit():
            value = int(token)
        if value is not None and low <= value <= high:
            return value
    return None


def parse_choice(text: str, options: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The option whose phrase was said (the longest phrase wins), else None."""
    said = f" {normalize(text)} "
    best: tuple[int, str] | None = None
    for value, phrases in options:
        for phrase in phrases:
            if f" {normalize(phrase)} " in said and (best is None or len(phrase) > best[0]):
                best = (len(phrase), value)
    return best[1] if best else None
