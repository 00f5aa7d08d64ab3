"""A staff member removed: their tickets back to their dinas' queue, what waited for them cancelled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.facts import CLOSED_TICKET
from storage.models import OutboxMessage, OutboxStatus, Staff, Ticket, TicketAction, TicketEvent


def release_staff(s: Session, staff: Staff, now: datetime) -> int:
    """A staff member removed: their open tickets go back to their OPD's queue (unassigned, in
    every petugas' `tiket` list); a chat they held is given to the next petugas on the resident's
    next message. Returns how many tickets were released."""
    tickets = s.scalars(select(Ticket).where(Ticket.assigned_staff_id == staff.id,
                                             Ticket.status.not_in(CLOSED_TICKET)).with_for_update()).all()
    for ticket in tickets:
        ticket.assigned_staff_id, ticket.updated_at = None, now
        s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=TicketAction.PETUGAS_DINONAKTIFKAN,
                          staff_id=staff.id))
    staff.active = False
    # What was waiting for them goes nowhere (the sender would drop it too; this keeps the
    # broadcast counts true at once).
    s.execute(update(OutboxMessage).where(OutboxMessage.staff_id == staff.id, OutboxMessage.status == OutboxStatus.PENDING)
              .values(status=OutboxStatus.CANCELED, error_message="staff removed", updated_at=now))
    return len(tickets)
