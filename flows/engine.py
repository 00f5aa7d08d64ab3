"""The flow engine's vocabulary: what a flow step receives, what it returns, how a flow is declared.

A flow decides; it never sends or writes. A step gets a `Turn` (what the resident said, what the
conversation remembers, read-only facts) and returns a `Step` (replies to say, the next state,
slots to remember, effects for the handler to carry out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from flows import answers
# What a step may read: the resident and the questions it may ask (one definition, with their views).
from flows.facts import Facts, ResidentView


@dataclass(frozen=True)
class Say:
    """A reply by catalogue key; the handler renders it for the channel."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def say(key: str, **params: Any) -> Say:
    return Say(key, params)


@dataclass(frozen=True)
class Bullets:
    """A param rendered as "• item" lines (a plain list param renders as numbered choices)."""

    items: Sequence[Any]


@dataclass(frozen=True)
class Effect:
    """Something the handler must do in the same transaction (create a ticket, opt out, …).

    Each kind is a frozen dataclass subclass (flows/effects.py), carried out by exactly one handler
    registered for its class (handlers/effects.py); a flow declares the kinds it may emit and the
    start-up check refuses a kind without a handler."""

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class Option:
    """One numbered choice: the value the flow gets back, and its label as shown."""

    value: str
    label: Say


@dataclass(frozen=True)
class Choices:
    """A question's options, declared as data; `yes`/`no` name the option a bare yes or no means."""

    options: tuple[Option, ...]
    yes: str | None = None
    no: str | None = None

    def labels(self) -> list[Say]:
        return [o.label for o in self.options]

    def values(self) -> list[str]:
        return [o.value for o in self.options]

    def index(self, value: str | None) -> int | None:
        return self.values().index(value) if value in self.values() else None


def choices(*options: tuple[str, Say], yes: str | None = None, no: str | None = None) -> Choices:
    return Choices(tuple(Option(value, label) for value, label in options), yes=yes, no=no)


# A grouped question shows at most this many groups (one WhatsApp list holds ten items).
GROUPS_MAX = 10


@dataclass(frozen=True)
class Group:
    """One group of a question's choices (a dinas and its services, an area and its kecamatan): its
    label, and a line saying what is in it."""

    label: Say
    description: Say | str = ""


@dataclass(frozen=True)
class Grouped:
    """A question too long for one list, declared as groups (the `groups` param of its Say): where
    a tap is possible (WhatsApp) the groups are shown first and a group tapped reaches the flow as
    `Turn.group`; the flow then asks within that group. Typed answers, and the numbers of the full
    numbered list where one is shown (SMS, the terminal chat, Rasa), work as without groups. `hint`
    follows the question above the groups ("choose the dinas first, or type the service")."""

    groups: tuple[Group, ...]
    hint: Say | None = None


@dataclass(frozen=True)
class Ask:
    """What a state asks, for the policy and the tests: its fixed choices (None when they are built
    from the slots, or there are none), whether typed content is the answer (a name, a note), and
    whether a skip word answers it (never stored as content)."""

    choices: Choices | None = None
    free_text: bool = False
    optional: bool = False
    yes: bool = False  # a bare yes answers it too (e.g. "Nama sesuai KK? 1. Sumarti" → "nggih")
    # The typed answer is a short value (a name, a number), never a sentence: a question typed there is
    # a question — answered, or acknowledged, and the question asked again; never stored.
    short: bool = False


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str
    entities: Mapping[str, Any]
    confidence: float
    slots: Mapping[str, Any]
    resident: ResidentView
    facts: Facts
    nlu: Any  # flows.nlu.Recogniser: pure matchers for short answers
    now: datetime
    location: tuple[float, float] | None = None
    media_url: str | None = None

    # How an option's label reads: the catalogue's render_say, passed in by the handler (flows/ never
    # imports the catalogue, which imports this module); flow tests may pass their own.
    render: Callable[[Say], str] | None = None
    # A group of a grouped question tapped (1-based, `Grouped`); `text` is then its number. None for
    # anything typed, and for a tap on a plain option.
    group: int | None = None

    @property
    def choice(self) -> int | None:
        """A whole answer that is a number in any form ("1", "2.", "nomer 3", "siji", "1️⃣")."""
        return answers.number(self.text)

    def yes(self) -> bool:
        return self.choice == 1 or answers.yes_no(self.text) is True

    def no(self) -> bool:
        return self.choice == 2 or answers.yes_no(self.text) is False

    def skipped(self) -> bool:
        """A skip word at an optional step ("lewati", "gak ada", "-"); the flow stores nothing."""
        return answers.is_skip(self.text)

    def rating(self) -> int | None:
        return answers.rating(self.text)

    def label(self, item: Say) -> str:
        if self.render is None:  # flows never import the catalogue (it imports this module)
            raise TypeError("Turn.render is not set: the handler passes catalogue.render_say")
        return self.render(item)

    def pick(self, asked: Choices) -> str | None:
        """The value of the option the resident chose (by number, its words, yes/no), or None."""
        i = self.pick_index(asked.labels(), yes=asked.index(asked.yes), no=asked.index(asked.no))
        return asked.options[i].value if i is not None else None

    def pick_index(self, labels: Sequence[Say], *, yes: int | None = None, no: int | None = None) -> int | None:
        """For options built from the slots (services, visits, desa): the 0-based index chosen."""
        return answers.pick(self.text, [self.label(item) for item in labels], yes=yes, no=no,
                            lexicon=lexicon_of(self.nlu))


@dataclass(frozen=True)
class _NormaliserLexicon:
    """answers.Lexicon over the recogniser's normaliser (its first, word-for-word pass)."""

    normaliser: Any

    def formal(self, text: str) -> list[str]:
        return list(_formal(self.normaliser, text))

    def known(self, word: str) -> bool:
        return word in self.normaliser.known


@lru_cache(maxsize=4096)  # option labels are read again on every answer; the normaliser is pure
def _formal(normaliser: Any, text: str) -> tuple[str, ...]:
    from flows.nlu.normalise import tokenise

    return tuple(normaliser.formal(tokenise(text)))


def lexicon_of(nlu: Any) -> answers.Lexicon | None:
    normaliser = getattr(nlu, "normaliser", None)
    return _NormaliserLexicon(normaliser) if normaliser is not None else None


@dataclass(frozen=True)
class Step:
    replies: Sequence[Say] = ()
    next_state: str | None = None  # None: the flow is finished
    slots: Mapping[str, Any] = field(default_factory=dict)
    effects: Sequence[Effect] = ()
    # Hand the turn to another flow (e.g. from jadwal to daftar_layanan) after these replies.
    switch_to: str | None = None
    # The step could not use this message as an answer: the engine may try another intent.
    unhandled: bool = False


StepFn = Callable[[Turn], Step]


@dataclass(frozen=True)
class Flow:
    name: str
    entry_intents: tuple[str, ...]
    start: StepFn
    steps: Mapping[str, StepFn]
    menu_label: str | None = None  # catalogue key of its main-menu line; None: not on the menu
    asks: Mapping[str, Ask] = field(default_factory=dict)  # state → what it asks (default: Ask())
    effects: tuple[type[Effect], ...] = ()  # the effect kinds its steps may emit
    switches: tuple[str, ...] = ()  # flows (or "menu") its steps may hand over to
    typed: tuple[str, ...] = ()  # slots the resident typed: leaving the flow loses them, so ask first
    # Words that alone name this flow ("status", "jadwal"): typed mid-way in another flow they are a
    # request for it, where any other single word is taken as an answer gone wrong.
    keywords: tuple[str, ...] = ()
    # Entered from outside a resident's message (e.g. the survey after a petugas closes a ticket):
    # slots → the first question. None: only a message starts this flow.
    enter: Callable[[Mapping[str, Any]], Step] | None = None
    # A rule of this flow's own that may read a message as its intent before the recogniser's word
    # is final: (text, intent, confidence) → (intent, confidence). Applied by flows.dispatch.intent_of.
    reads_intent: Callable[[str, str, float], tuple[str, float]] | None = None
    # A location sent without words is a question for this flow (one flow at most).
    on_location: bool = False

    def ask(self, state: str | None) -> Ask:
        return self.asks.get(state or "", Ask())


def unhandled(*replies: Say, state: str | None = None) -> Step:
    return Step(replies=replies, next_state=state, unhandled=True)
