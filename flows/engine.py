"""The flow engine's vocabulary: what a flow step receives, what it returns, how a flow is declared.

A flow decides; it never sends or writes. A step gets a `Turn` (what the resident said, what the
conversation remembers, read-only facts) and returns a `Step` (replies to say, the next state,
slots to remember, effects for the handler to carry out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping, Protocol, Sequence


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
    """Something the handler must do in the same transaction (create a ticket, opt out, …)."""

    name: str
    data: Mapping[str, Any] = field(default_factory=dict)


def effect(name: str, **data: Any) -> Effect:
    return Effect(name, data)


@dataclass(frozen=True)
class ResidentView:
    name: str | None
    profile_name: str | None
    kecamatan: str | None
    desa: str | None
    subscribed_kecamatan: str | None
    opted_out: bool
    channel: str


class Facts(Protocol):
    """Read-only questions a flow may ask; answered by the handler from the database."""

    def next_visits(self, kecamatan: str | None = None, limit: int = 3) -> Sequence[Mapping[str, Any]]: ...
    def visit(self, visit_id: int) -> Mapping[str, Any] | None: ...
    def layanan(self, key: str) -> Mapping[str, Any] | None: ...
    def layanan_list(self) -> Sequence[Mapping[str, Any]]: ...
    def petugas_contact(self, opd_key: str) -> Mapping[str, Any] | None: ...
    def ticket_for_resident(self, kode: str) -> Mapping[str, Any] | None: ...
    def open_items_of_resident(self) -> Sequence[Mapping[str, Any]]: ...
    def similar_proposals(self, desa_kode: str, text: str) -> Sequence[Mapping[str, Any]]: ...
    def nearest_kecamatan(self, lat: float, lng: float) -> str | None: ...


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

    @property
    def choice(self) -> int | None:
        """A bare number ("1", "2.", " 3 ") as a menu choice."""
        m = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", self.text)
        return int(m.group(1)) if m else None

    def yes(self) -> bool:
        return self.choice == 1 or _norm(self.text) in YES

    def no(self) -> bool:
        return self.choice == 2 or _norm(self.text) in NO


YES = {"ya", "iya", "y", "yes", "ok", "oke", "betul", "benar", "setuju", "nggih", "enggih", "inggih", "iyo", "yo", "he eh", "leres", "bener"}
NO = {"tidak", "tdk", "bukan", "gak", "ga", "nggak", "enggak", "no", "salah", "mboten", "ora", "ndak", "gk", "sanes"}


def _norm(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text.casefold()).strip()


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


def unhandled(*replies: Say, state: str | None = None) -> Step:
    return Step(replies=replies, next_state=state, unhandled=True)
