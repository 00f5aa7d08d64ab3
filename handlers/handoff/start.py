"""A resident asks for a person: the ticket the chat is about (or a new one), its holder, and when a
person will read it outside working hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.dates import jam, tanggal
from flows.engine import Say, say
from flows.phones import mask_niks
from flows.working_hours import WorkingCalendar
from handlers.codes import TICKET_PREFIX, insert_with_code
from handlers.facts import CLOSED_TICKET
from handlers.handoff.assignment import holder_for, notice
from handlers.handoff.permissions import HELPDESK_OPD
from storage.models import Layanan, Opd, Resident, Ticket, TicketAction, TicketEvent


def _context_ticket(s: Session, resident: Resident, kode: str | None, opd: Opd | None = None) -> Ticket | None:
    """The resident's open ticket the chat is about: the one named by code, else their latest of the
    dinas in context (a service or dinas named), else their latest; None when the dinas in context has
    none (a chat about bansos is not held on a KK registration)."""
    stmt = select(Ticket).where(Ticket.resident_id == resident.id, Ticket.status.not_in(CLOSED_TICKET))
    if kode:
        return s.scalar(stmt.where(Ticket.kode == kode.upper()))
    if opd is not None:
        stmt = stmt.where(Ticket.opd_id == opd.id)
    return s.scalar(stmt.order_by(Ticket.id.desc()).limit(1))


def _opd_in_context(s: Session, d: Mapping[str, Any]) -> Opd | None:
    """The dinas of the service or dinas the resident named (or was talking about), if any."""
    if d.get("layanan"):
        lay = s.scalar(select(Layanan).where(Layanan.key == d["layanan"]))
        if lay:
            return lay.opd
    if d.get("opd"):
        return s.scalar(select(Opd).where(Opd.key == d["opd"]))
    return None


def _opd_for(s: Session, d: Mapping[str, Any]) -> Opd:
    if d.get("layanan"):
        lay = s.scalar(select(Layanan).where(Layanan.key == d["layanan"]))
        if lay:
            return lay.opd
    key = d.get("opd") or HELPDESK_OPD
    return s.scalar(select(Opd).where(Opd.key == key)) or s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()


def start_handoff(ctx, d: Mapping[str, Any]) -> dict[str, Any]:
    """Hand the chat to a petugas of the OPD in context (the ticket's or the service's), else the
    general helpdesk; round-robin among that OPD's petugas."""
    s, r, now = ctx.session, ctx.resident, ctx.now
    in_context = _opd_in_context(s, d)
    ticket = _context_ticket(s, r, d.get("kode"), in_context)
    if ticket is not None and d.get("new_topic") and not d.get("kode") and ticket.visit_id is not None:
        # A registration is not the chat about something else ("…, nama di KK salah"): that chat gets its own
        # ticket, so `tiket` and the console show it, and its replies never read as the registration's notes.
        in_context, ticket = in_context or ticket.opd, None
    if ticket is None:
        opd = in_context or _opd_for(s, d)
        topic = mask_niks(d.get("last_message") or "")[:200]
        ticket = Ticket(resident_id=r.id, opd_id=opd.id, desa_id=r.desa_id, nama=r.name, created_at=now,
                        updated_at=now, catatan="Minta bicara dengan petugas" + (f": {topic}" if d.get("new_topic") and topic else ""))
        insert_with_code(s, TICKET_PREFIX, ticket)
    staff, _ = holder_for(s, ticket, now)
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action=TicketAction.MINTA_PETUGAS,
                      note=d.get("reason")))
    ticket.handoff_requested_at = now
    if staff is None:
        # Nobody to hold the chat: the ticket waits for working hours and the bot keeps serving.
        return {"replies": [say("handoff.no_petugas", opd=ticket.opd.singkatan, kode=ticket.kode)]}
    ctx.conversation.handoff_ticket_id = ticket.id
    ticket.handoff_requested_at, ticket.handoff_timeout_at, ticket.escalated_at = now, None, None
    staff.last_assigned_at = now
    notice(s, staff, ticket, r)
    key = "handoff.connecting_after_confusion" if d.get("reason") == "tidak_paham" else "handoff.connecting"
    later = after_hours(ctx.runtime, now)
    return {"replies": [say(key, opd=ticket.opd.singkatan, kode=ticket.kode), *([later] if later else [])]}


def after_hours(runtime, now: datetime) -> Say | None:
    """Outside working hours (evenings, weekends, public holidays): when a person will read it."""
    timezone = getattr(getattr(runtime, "settings", None), "bot_timezone", "Asia/Jakarta")
    opens = WorkingCalendar(timezone).add(now, timedelta(0))
    if opens - now < timedelta(minutes=1):
        return None
    return say("handoff.after_hours", hari=tanggal(opens.date()), jam=jam(opens.time()))
