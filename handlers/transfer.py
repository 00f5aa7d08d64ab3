"""Passing a ticket (a chat or a service ticket) to another dinas: the one way it is done.

Used by the petugas' `#KODE alihkan <dinas>` (handlers/petugas_commands.py), the console's
"Alihkan ke dinas lain" (bot/console/ticket_actions.py), and the helpdesk chat that names its dinas
(flows/routing.py, `route_by_first_words`). The ticket's dinas changes; the next active petugas of
that dinas (round-robin) holds it and gets the resident's last messages, or nobody holds it when the
dinas has none (it then waits in that dinas' queue, which the helpdesk also sees). The resident is
told which dinas handles it now; the history records who moved it, from where to where.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows import routing
from flows.dinas import candidates
from flows.facts import OpdRef
from flows.engine import Say, say
from handlers import notify
from handlers.facts import CLOSED_TICKET, next_petugas
from handlers.handoff.assignment import notice, take_chat
from handlers.handoff.permissions import is_helpdesk
from storage.models import (
    STAFF_ACTIONS, Conversation, Layanan, Opd, Staff, StaffRole, Ticket, TicketAction, TicketEvent,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Moved:
    kode: str
    from_opd: str  # singkatan
    to_opd: str
    holder: Staff | None  # who holds it now; None: nobody (no active petugas there)


def may_transfer(staff: Staff, ticket: Ticket) -> bool:
    """A petugas moves their own dinas' tickets, the helpdesk any; an admin (from the console) any;
    a kepala desa none."""
    if staff.role == StaffRole.ADMIN:
        return True
    if staff.role != StaffRole.PETUGAS:
        return False
    return is_helpdesk(staff) or ticket.opd_id == staff.opd_id


def all_dinas(s: Session) -> list[Opd]:
    return list(s.scalars(select(Opd).order_by(Opd.singkatan)))


def dinas_of_layanan(s: Session) -> dict[str, str]:
    return {key: opd for key, opd in s.execute(select(Layanan.key, Opd.key).join(Layanan.opd))}


def find_dinas(s: Session, runtime, text: str) -> list[Opd]:
    """The dinas the words may mean (flows.dinas.candidates), with the recogniser's reading of them."""
    opds = all_dinas(s)
    recognised = None
    if runtime is not None and text.strip():
        entities = runtime.recogniser.understand(text).entities
        recognised = entities.get("opd") or dinas_of_layanan(s).get(entities.get("layanan") or "")
    keys = candidates(text, [OpdRef(o.key, o.singkatan, o.nama) for o in opds], recognised)
    by_key = {o.key: o for o in opds}
    return [by_key[k] for k in keys]


def _conversation_of(s: Session, ticket: Ticket) -> Conversation | None:
    return s.scalar(select(Conversation).where(Conversation.handoff_ticket_id == ticket.id).with_for_update())


def transfer(s: Session, ticket: Ticket, to: Opd, now: datetime, *, by: Staff | None, why: str | None = None,
             tell_resident: bool = True) -> Moved:
    """Move an open ticket to `to` (the caller checked `may_transfer`, that it is open and that `to`
    differs). `by` None: the bot moved it (`why` says on what)."""
    before_opd, before_holder = ticket.opd, ticket.assigned_staff
    holder = next_petugas(s, to.id)
    ticket.opd_id, ticket.opd = to.id, to
    ticket.assigned_staff_id = holder.id if holder else None
    ticket.updated_at = now
    if holder is not None:
        holder.last_assigned_at = now
    conversation = _conversation_of(s, ticket)
    if conversation is None and holder is not None and ticket.handoff_requested_at is not None:
        # A chat the bot had taken back (nobody held it): the new holder's reply should reach the
        # resident and theirs come back, unless the resident is busy with the bot or another chat.
        take_chat(s, ticket, now)
        conversation = _conversation_of(s, ticket)
    if ticket.handoff_requested_at is not None:
        # The 2-hour promise starts again for the dinas that has it now.
        ticket.handoff_requested_at, ticket.handoff_timeout_at, ticket.escalated_at = now, None, None
    if conversation is not None and holder is None:
        # Nobody there to hold the chat: the ticket waits for working hours, the bot serves again.
        conversation.handoff_ticket_id = None

    who = by.name if by is not None else say("petugas.transfer_by_bot", why=why or "-")
    note = f"{before_opd.singkatan} → {to.singkatan}" + (f" ({holder.name})" if holder else " (belum ada petugas)")
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor=by.role if by is not None else "system",
                      staff_id=by.id if by is not None else None, action=TicketAction.PINDAH_DINAS,
                      note=note if by is not None else f"{note}; otomatis: {why or '-'}"))
    log.info("ticket %s moved %s -> %s (%s)", ticket.kode, before_opd.key, to.key,
             "assigned" if holder else "no active petugas")

    resident = ticket.resident
    if holder is not None and resident is not None:
        notice(s, holder, ticket, resident, "petugas.transfer_notice", from_opd=before_opd.singkatan, who=who)
    if before_holder is not None and before_holder.active and before_holder is not by and before_holder is not holder:
        notify.to_staff(s, before_holder, "relay",
                        say("petugas.transferred_away", kode=ticket.kode, opd=to.singkatan, who=who),
                        ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": f"dialihkan ke {to.singkatan}"})
    if tell_resident and resident is not None and resident.phone:
        notify.to_resident(s, resident, "ticket_update", resident_text(ticket, to, holder, conversation),
                           ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": "diteruskan"})
    return Moved(ticket.kode, before_opd.singkatan, to.singkatan, holder)


def resident_text(ticket: Ticket, to: Opd, holder: Staff | None, conversation: Conversation | None) -> Say:
    """No officer's name or number: the resident talks to the dinas through the bot, as before."""
    if conversation is not None:
        key = "handoff.transferred" if holder is not None else "handoff.transferred_waiting"
        return say(key, kode=ticket.kode, opd=to.singkatan)
    what = ticket.layanan.nama_pendek if ticket.layanan else say("petugas.chat")
    return say("ticket.transferred", kode=ticket.kode, layanan=what, opd=to.singkatan)


def moved_text(moved: Moved) -> Say:
    """What whoever moved it is told."""
    if moved.holder is None:
        return say("petugas.transferred_unstaffed", kode=moved.kode, opd=moved.to_opd)
    return say("petugas.transferred", kode=moved.kode, opd=moved.to_opd, name=moved.holder.name)


def refusal(s: Session, staff: Staff, ticket: Ticket, to: Opd) -> Say | None:
    """Why this transfer may not happen, or None."""
    if not may_transfer(staff, ticket):
        return say("petugas.transfer_not_yours", kode=ticket.kode, opd=ticket.opd.singkatan)
    if ticket.status in CLOSED_TICKET:
        return say("petugas.already_closed", kode=ticket.kode)
    if to.id == ticket.opd_id:
        return say("petugas.transfer_same", kode=ticket.kode, opd=to.singkatan)
    return None


def transfer_by(s: Session, staff: Staff, ticket: Ticket, to: Opd, now: datetime) -> Say:
    """A staff member's transfer, checked: the text to show them."""
    refused = refusal(s, staff, ticket, to)
    if refused is not None:
        return refused
    return moved_text(transfer(s, ticket, to, now, by=staff))


# — a helpdesk chat whose first words name its dinas (flows/routing.py) —

def chat_so_far(s: Session, ticket: Ticket) -> routing.ChatSoFar:
    """The chat as flows/routing.py reads it; before this message's own event is written."""
    actions = list(s.execute(select(TicketEvent.actor, TicketEvent.action).where(TicketEvent.ticket_id == ticket.id)))
    return routing.ChatSoFar(
        opd=ticket.opd.key, has_layanan=ticket.layanan_id is not None,
        staff_acted=ticket.responded_at is not None or any(action in STAFF_ACTIONS for _, action in actions),
        resident_messages=sum(1 for actor, action in actions if (actor, action) == ("warga", TicketAction.PESAN)))


def _staffed(s: Session) -> set[str]:
    return set(s.scalars(select(Opd.key).join(Staff, Staff.opd_id == Opd.id)
                         .where(Staff.role == StaffRole.PETUGAS, Staff.active.is_(True))))


def route_by_first_words(s: Session, runtime, ticket: Ticket, text: str, now: datetime) -> Say | None:
    """Move the chat when the rule says so; the resident's one note that it moved, or None. The
    recogniser reads the message only when the rest of the rule already holds."""
    chat = chat_so_far(s, ticket)
    if runtime is None or not text or not routing.may_route(chat):
        return None
    entities: Mapping[str, Any] = runtime.recogniser.understand(text).entities
    target = routing.route_to(chat, entities, dinas_of_layanan(s), _staffed(s))
    if target is None:
        return None
    # A petugas may be acting on it this very moment (`#KODE …` locks the ticket): read it again, locked.
    s.execute(select(Ticket).where(Ticket.id == ticket.id).with_for_update()
              .execution_options(populate_existing=True))
    chat = chat_so_far(s, ticket)
    if routing.route_to(chat, entities, dinas_of_layanan(s), _staffed(s)) != target:
        return None
    to = s.scalars(select(Opd).where(Opd.key == target)).one()
    layanan = s.scalar(select(Layanan).where(Layanan.key == entities.get("layanan"))) if entities.get("layanan") else None
    topic = layanan.nama_pendek if layanan is not None and layanan.opd_id == to.id else to.singkatan
    moved = transfer(s, ticket, to, now, by=None, why=topic, tell_resident=False)
    return say("handoff.routed", kode=moved.kode, opd=moved.to_opd, topic=topic)
