"""Who holds a ticket's chat (round-robin among its dinas' petugas, else the helpdesk), the chat
given to a petugas who wrote, and the notice that tells a petugas a chat is theirs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.engine import say
from flows.phones import mask_niks
from handlers import notify
from handlers.facts import next_petugas
from handlers.handoff.permissions import HELPDESK_OPD, helpdesk
from storage.models import Conversation, InboundMessage, Resident, Staff, Ticket


# Where a conversation rests between questions (none, or the main menu).
IDLE_FLOWS = (None, "menu")


def holder_for(s: Session, ticket: Ticket, now: datetime) -> tuple[Staff | None, bool]:
    """Who holds the ticket's chat: its active petugas, else the next of its OPD, else the
    helpdesk's (round-robin). Second value: True when it was just given to them."""
    staff = ticket.assigned_staff
    if staff is not None and staff.active:
        return staff, False
    staff = next_petugas(s, ticket.opd_id)
    if staff is None and ticket.opd.key != HELPDESK_OPD:
        staff = next_petugas(s, helpdesk(s).id)
    if staff is not None:
        ticket.assigned_staff_id = staff.id
        staff.last_assigned_at = now
    return staff, staff is not None


def take_chat(s: Session, ticket: Ticket, now: datetime) -> None:
    """A petugas wrote to the resident: their next message goes to the petugas, unless another
    ticket already holds the chat or the resident is in the middle of something with the bot
    (registering, a proposal): that answer is theirs, and the petugas' message still reached them."""
    if ticket.resident is None:
        return
    conversation = s.scalar(select(Conversation).where(Conversation.resident_id == ticket.resident_id)
                            .order_by(Conversation.updated_at.desc()).limit(1).with_for_update())
    if conversation is not None and conversation.handoff_ticket_id is None and conversation.flow in IDLE_FLOWS:
        conversation.handoff_ticket_id = ticket.id


def _last_messages(s: Session, resident: Resident, n: int = 3) -> list[str]:
    rows = s.scalars(select(InboundMessage.body).where(InboundMessage.from_phone == resident.phone,
                                                       InboundMessage.body != "")
                     .order_by(InboundMessage.id.desc()).limit(n)).all()
    return [f'"{mask_niks(b[:200])}"' for b in reversed(rows)]


def notice(s: Session, staff: Staff, ticket: Ticket, r: Resident, key: str = "petugas.handoff_notice",
           **extra: Any) -> None:
    """Tell a petugas a chat is theirs, with the resident's last messages (NIKs masked)."""
    desa = f"{r.desa.nama}, {r.desa.kecamatan.nama}" if r.desa else "desa belum diketahui"
    last = "\n".join(_last_messages(s, r)) or "-"
    notify.to_staff(s, staff, "handoff_notice",
                    say(key, kode=ticket.kode, nama=r.name or "Warga", desa=desa, last=last, **extra),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": r.name or "Warga"})
