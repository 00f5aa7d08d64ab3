"""A petugas' `tiket` list: the open tickets they may act on."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handlers.facts import CLOSED_TICKET
from handlers.handoff.permissions import is_helpdesk, without_petugas
from storage.models import Staff, Ticket


BACKLOG_SHOWN = 15


def staff_backlog(s: Session, staff: Staff, offset: int = 0, limit: int = BACKLOG_SHOWN) -> tuple[list[Ticket], int]:
    """The open tickets a petugas may act on, unassigned first, oldest first (from `offset`); and
    how many more come after them."""
    mine = [Ticket.opd_id == staff.opd_id, Ticket.assigned_staff_id == staff.id]
    if is_helpdesk(staff):
        mine.append(without_petugas(Ticket.opd_id))
    where = (or_(*mine), Ticket.status.not_in(CLOSED_TICKET))
    tickets = s.scalars(select(Ticket).where(*where)
                        .order_by(Ticket.assigned_staff_id.is_not(None), Ticket.created_at, Ticket.id)
                        .offset(offset).limit(limit)).all()
    total = s.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
    return list(tickets), max(0, total - offset - len(tickets))
