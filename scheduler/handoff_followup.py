"""Handoffs nobody answered: after 2 working hours the resident is told and the bot takes the chat
back (their message stays with the ticket); after 1 working day the OPD's coordinator is alerted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from flows.engine import say
from flows.working_hours import RESIDENT_WAIT, WORKING_DAY, WorkingCalendar
from handlers import notify
from handlers.facts import CLOSED_TICKET
from storage.models import Conversation, Staff, StaffRole, Ticket, TicketAction, TicketEvent



def _unanswered(now: datetime):
    return (select(Ticket).where(Ticket.handoff_requested_at.is_not(None), Ticket.status.not_in(CLOSED_TICKET),
                                 or_(Ticket.responded_at.is_(None), Ticket.responded_at < Ticket.handoff_requested_at))
            .with_for_update(skip_locked=True))


def follow_up_handoffs(runtime, now: datetime) -> dict[str, int]:
    calendar = WorkingCalendar(runtime.settings.bot_timezone)
    told = escalated = 0
    with runtime.sessions.begin() as s:
        for ticket in s.scalars(_unanswered(now).where(Ticket.handoff_timeout_at.is_(None))):
            if calendar.add(ticket.handoff_requested_at, RESIDENT_WAIT) > now:
                continue
            ticket.handoff_timeout_at = now
            for conv in s.scalars(select(Conversation).where(Conversation.handoff_ticket_id == ticket.id)):
                conv.handoff_ticket_id = None
            if ticket.resident is not None and ticket.resident.phone:
                notify.to_resident(s, ticket.resident, "handoff_timeout", say("handoff.timeout", kode=ticket.kode),
                                   ticket_id=ticket.id, template_vars={"1": ticket.kode})
            s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=TicketAction.BELUM_DIBALAS_2_JAM))
            told += 1
        for ticket in s.scalars(_unanswered(now).where(Ticket.escalated_at.is_(None))):
            if calendar.add(ticket.handoff_requested_at, WORKING_DAY) > now:
                continue
            ticket.escalated_at = now
            coordinators = s.scalars(select(Staff).where(Staff.opd_id == ticket.opd_id, Staff.active.is_(True),
                                                         Staff.role == StaffRole.PETUGAS,
                                                         Staff.is_coordinator.is_(True))).all()
            for coordinator in coordinators:
                notify.to_staff(s, coordinator, "handoff_notice",
                                say("petugas.escalated", kode=ticket.kode, opd=ticket.opd.singkatan),
                                ticket_id=ticket.id, template_vars={"1": ticket.kode})
            s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=TicketAction.ESKALASI_KOORDINATOR,
                              note=f"{len(coordinators)} koordinator"))
            escalated += 1
    return {"told": told, "escalated": escalated}
