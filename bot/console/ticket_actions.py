"""What the console does to a ticket, through the same code as the petugas' phone commands
(handlers/petugas_commands.py), so a reply or a status change from the desk reaches the resident
exactly as one typed on a phone. Only the console's own additions live here: assignment, and
recording the real role (admin or petugas) of whoever acted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalogue import render_say
from flows.engine import Say, say
from handlers import petugas_commands, transfer
from handlers.antrean import line, stand
from storage.models import Opd, Staff, StaffRole, Ticket, TicketAction, TicketEvent

STATUSES = petugas_commands.STATUSES


def _as_actor(session: Session, staff: Staff, ticket: Ticket, replies: list[Say]) -> str:
    """The phone commands write their events as "petugas"; an admin acting from the desk is an admin."""
    if staff.role != StaffRole.PETUGAS:
        session.flush()
        session.execute(update(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.staff_id == staff.id,
                                                  TicketEvent.actor == "petugas").values(actor=staff.role))
    return "\n".join(render_say(r) for r in replies)


def reply(session: Session, staff: Staff, ticket: Ticket, text: str, now: datetime) -> str:
    return _as_actor(session, staff, ticket, petugas_commands.reply(session, staff, ticket, text.strip(), now))


def set_status(session: Session, staff: Staff, ticket: Ticket, status: str, note: str | None, now: datetime) -> str:
    return _as_actor(session, staff, ticket, petugas_commands.change_status(session, staff, ticket, status, note, now))


def check_in(session: Session, runtime, staff: Staff, ticket: Ticket, now: datetime) -> str:
    """The phone's `#KODE hadir` from the desk: the same number, the same message to the resident.
    The phone command leaves no ticket event; the desk records who checked the resident in, and when."""
    allowed = line.may_check_in(ticket, now, runtime.settings.bot_timezone)
    replies = stand.check_in_by_petugas(session, runtime, staff, ticket, now)
    entry = line.entry_for_ticket(session, ticket)
    if allowed and entry is not None:
        session.add(TicketEvent(ticket_id=ticket.id, at=now, actor=staff.role, staff_id=staff.id, action=TicketAction.HADIR,
                                note=line.entry_label(entry)))
    return "\n".join(render_say(r) for r in replies)


def queue_label(session: Session, ticket: Ticket) -> str | None:
    """The ticket's antrean number (A-017), if its resident has one at its stand."""
    entry = line.entry_for_ticket(session, ticket)
    return line.entry_label(entry) if entry is not None else None


def assignable(session: Session, ticket: Ticket) -> list[Staff]:
    return list(session.scalars(select(Staff).where(
        Staff.opd_id == ticket.opd_id, Staff.role == StaffRole.PETUGAS, Staff.active.is_(True)).order_by(Staff.name)))


def assign(session: Session, by: Staff, ticket: Ticket, to: Staff, now: datetime) -> str:
    """Give the ticket to `to` (a petugas of the ticket's OPD); recorded in its history."""
    before = ticket.assigned_staff
    ticket.assigned_staff_id = to.id
    ticket.updated_at = now
    to.last_assigned_at = now
    action = (TicketAction.DIAMBIL if to.id == by.id
              else TicketAction.DIALIHKAN if before is not None else TicketAction.DITUGASKAN)
    note = f"{before.name} → {to.name}" if before is not None and before.id != to.id else to.name
    session.add(TicketEvent(ticket_id=ticket.id, at=now, actor=by.role, staff_id=by.id, action=action, note=note))
    return render_say(say("console.ticket.assigned", kode=ticket.kode, name=to.name))


def transfer_targets(session: Session, staff: Staff, ticket: Ticket) -> list[Opd]:
    """The dinas this staff member may pass the ticket to (none when they may not pass it on)."""
    if not transfer.may_transfer(staff, ticket):
        return []
    return [o for o in transfer.all_dinas(session) if o.id != ticket.opd_id]


def transfer_to(session: Session, staff: Staff, ticket: Ticket, to: Opd, now: datetime) -> str:
    """The phone's `#KODE alihkan <dinas>` from the desk: the same function, the same messages."""
    return render_say(transfer.transfer_by(session, staff, ticket, to, now))
