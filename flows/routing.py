"""When a chat handed to the helpdesk goes on to the dinas its resident names: the rule, pure.

A resident who asks for a person without saying about what ("Nyuwun sewu, saged kula matur kaliyan
petugas?") is handed to the helpdesk (Diskominfo). Their next words usually say what it is about
("bab bansos PKH ibu kula"); when they name one service or dinas clearly, the chat goes on to that
dinas at once instead of waiting for a helpdesk petugas to read it and pass it on by hand.

The rule, all of it must hold:
- the chat is the helpdesk's and has no service: it began with no topic;
- no staff member has acted on it yet (no reply, claim, status or transfer: once a person is on it,
  or a dinas sent it back to the helpdesk, moving it is theirs to decide);
- the message is one of the resident's first `FIRST_MESSAGES` in the chat (people split a question
  over lines: "Pak" / "mau tanya" / "soal PKH"), later words are part of a conversation;
- the recogniser names exactly one dinas in it: its `opd` entity, or the dinas of its `layanan`
  entity; both present and different, or naming the helpdesk itself, is not clear;
- that dinas has an active petugas now (else the helpdesk keeps it: it would only wait unanswered).
It happens at most once: after it the chat is no longer the helpdesk's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

HELPDESK = "diskominfo"
FIRST_MESSAGES = 3


@dataclass(frozen=True)
class ChatSoFar:
    """The handoff ticket as the handler found it, before this message."""

    opd: str  # the ticket's dinas (key)
    has_layanan: bool
    staff_acted: bool  # any reply, claim, status change or transfer by a person
    resident_messages: int  # the resident's messages relayed in this chat before this one


def may_route(chat: ChatSoFar) -> bool:
    """Whether the message is worth reading for a dinas at all (the cheap half of the rule)."""
    return (chat.opd == HELPDESK and not chat.has_layanan and not chat.staff_acted
            and chat.resident_messages < FIRST_MESSAGES)


def named_dinas(entities: Mapping[str, Any], dinas_of_layanan: Mapping[str, str]) -> str | None:
    """The one dinas the recogniser found named in a message, or None."""
    by_opd = entities.get("opd")
    by_layanan = dinas_of_layanan.get(entities.get("layanan") or "")
    if by_opd and by_layanan and by_opd != by_layanan:
        return None
    return by_opd or by_layanan


def route_to(chat: ChatSoFar, entities: Mapping[str, Any], dinas_of_layanan: Mapping[str, str],
             staffed: Collection[str]) -> str | None:
    """The dinas to pass the chat to now, or None to leave it with the helpdesk."""
    if not may_route(chat):
        return None
    target = named_dinas(entities, dinas_of_layanan)
    if target is None or target == chat.opd or target not in staffed:
        return None
    return target
