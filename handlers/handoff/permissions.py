"""Who may act on a ticket: its dinas' petugas, whoever it was handed to, and the helpdesk for a
dinas without petugas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.routing import HELPDESK
from storage.models import Opd, Staff, StaffRole, Ticket


HELPDESK_OPD = HELPDESK  # flows/routing.py: the dinas of a chat with no topic


def helpdesk(s: Session) -> Opd:
    return s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()


def without_petugas(opd_id):
    """True where the OPD has no active petugas: its chats go to the helpdesk, who may act on them."""
    return ~select(Staff.id).where(Staff.opd_id == opd_id, Staff.role == StaffRole.PETUGAS,
                                   Staff.active.is_(True)).exists()


def is_helpdesk(staff: Staff) -> bool:
    return staff.opd is not None and staff.opd.key == HELPDESK_OPD


def may_handle(s: Session, staff: Staff, ticket: Ticket) -> bool:
    """A petugas acts on their OPD's tickets and on what was handed to them; the helpdesk also on
    the tickets of an OPD that has no petugas."""
    if ticket.opd_id == staff.opd_id or ticket.assigned_staff_id == staff.id:
        return True
    return is_helpdesk(staff) and bool(s.scalar(select(without_petugas(ticket.opd_id))))
