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
from handlers import petugas_commands
from storage.models import Staff, StaffRole, Ticket, TicketEvent

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


def assignable(session: Session, ticket: Ticket) -> list[Staff]:
    return list(session.scalars(select(Staff).where(
        Staff.opd_id == ticket.opd_id, Staff.role == StaffRole.PETUGAS, Staff.active.is_(True)).order_by(Staff.name)))


def assign(session: Session, by: Staff, ticket: Ticket, to: Staff, now: datetime) -> str:
    """Give the ticket to `to` (a petugas of the ticket's OPD); recorded in its history."""
    before = ticket.assigned_staff
    ticket.assigned_staff_id = to.id
    ticket.updated_at = now
    to.last_assigned_at = now
    action = "diambil" if to.id == by.id else ("dialihkan" if before is not None else "ditugaskan")
    note = f"{before.name} → {to.name}" if before is not None and before.id != to.id else to.name
    session.add(TicketEvent(ticket_id=ticket.id, at=now, actor=by.role, staff_id=by.id, action=action, note=note))
    return render_say(say("console.ticket.assigned", kode=ticket.kode, name=to.name))
