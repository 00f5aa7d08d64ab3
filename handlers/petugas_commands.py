"""Commands a registered petugas types on their phone. Staff are recognised by their number only;
a resident typing the same text never reaches this module."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.engine import Bullets, Say, say
from handlers import notify
from handlers.entry import enter_flow
from handlers.facts import CLOSED_TICKET
from storage.models import Conversation, Staff, StaffRole, Ticket, TicketEvent, TicketStatus

_HASH = re.compile(r"^#\s*([A-Za-z]{2}-?\d{4,8})\b\s*(.*)$", re.DOTALL)
_CLAIM = re.compile(r"^ambil\s+([A-Za-z]{2}-?\d{4,8})\s*$", re.IGNORECASE)
STATUSES = {s.value for s in TicketStatus if s is not TicketStatus.BARU}


def _kode(raw: str) -> str:
    raw = raw.upper()
    return raw if "-" in raw else f"{raw[:2]}-{raw[2:]}"


def handle_staff_message(s: Session, runtime, staff: Staff, text: str, now: datetime) -> list[Say]:
    if staff.role != StaffRole.PETUGAS:
        return [say("petugas.help")]
    text = text.strip()
    low = text.casefold()
    if low in ("bantuan", "help", "menu", "?"):
        return [say("petugas.help")]
    if low in ("tiket", "tiket saya"):
        return _my_tickets(s, staff)
    m = _CLAIM.match(text)
    if m:
        ticket, refusal = _own_ticket(s, staff, _kode(m.group(1)))
        if refusal:
            return [refusal]
        ticket.assigned_staff_id = staff.id
        _event(s, ticket, staff, now, "diambil")
        return [say("petugas.claimed", kode=ticket.kode)]
    m = _HASH.match(text)
    if not m:
        return [say("petugas.unknown_command")]
    kode, rest = _kode(m.group(1)), m.group(2).strip()
    ticket, refusal = _own_ticket(s, staff, kode)
    if refusal:
        return [refusal]
    word, _, tail = rest.partition(" ")
    if word.casefold() == "selesai":
        return _close(s, staff, ticket, tail.strip() or None, now)
    if word.casefold() == "status":
        new, _, note = tail.strip().partition(" ")
        return _set_status(s, staff, ticket, new.casefold(), note.strip() or None, now)
    return _reply(s, staff, ticket, rest, now)


def _own_ticket(s: Session, staff: Staff, kode: str) -> tuple[Ticket | None, Say | None]:
    ticket = s.scalar(select(Ticket).where(Ticket.kode == kode).with_for_update())
    if ticket is None:
        return None, say("petugas.not_found", kode=kode)
    if ticket.opd_id != staff.opd_id:
        return None, say("petugas.not_your_opd", kode=kode)
    return ticket, None


def _event(s: Session, ticket: Ticket, staff: Staff, now: datetime, action: str, status: str | None = None,
           note: str | None = None) -> None:
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="petugas", staff_id=staff.id, action=action,
                      status=status, note=note))
    ticket.updated_at = now


def _reply(s: Session, staff: Staff, ticket: Ticket, text: str, now: datetime) -> list[Say]:
    if not text:
        return [say("petugas.empty_message", kode=ticket.kode)]
    if ticket.resident is None or not ticket.resident.phone:
        return [say("petugas.resident_gone", kode=ticket.kode)]
    if ticket.assigned_staff_id is None:
        ticket.assigned_staff_id = staff.id
    ticket.responded_at = now
    _event(s, ticket, staff, now, "balas", note=text[:1000])
    notify.to_resident(s, ticket.resident, "relay",
                       say("handoff.from_petugas", name=staff.name, opd=ticket.opd.singkatan, text=text),
                       ticket_id=ticket.id, template_vars={"1": staff.name, "2": text[:200]})
    return [say("petugas.sent", kode=ticket.kode)]


def _conversation_of(s: Session, ticket: Ticket) -> Conversation | None:
    return s.scalar(select(Conversation).where(Conversation.handoff_ticket_id == ticket.id).with_for_update())


def _close(s: Session, staff: Staff, ticket: Ticket, note: str | None, now: datetime) -> list[Say]:
    ticket.status, ticket.closed_at = TicketStatus.SELESAI, now
    _event(s, ticket, staff, now, "selesai", TicketStatus.SELESAI, note)
    resident = ticket.resident
    conversation = _conversation_of(s, ticket)
    if conversation is not None:
        conversation.handoff_ticket_id = None
    if resident is not None and resident.phone:
        notify.to_resident(s, resident, "ticket_update", say("handoff.closed"), ticket_id=ticket.id,
                           template_vars={"1": ticket.kode})
        start_survey(s, resident, ticket, now)
    return [say("petugas.closed", kode=ticket.kode)]


def start_survey(s: Session, resident, ticket: Ticket, now: datetime) -> None:
    """Ask the 1–5 rating: the engine enters the survey flow (its first question and state)."""
    for question in enter_flow(s, resident, "survei", {"ticket_kode": ticket.kode}, now):
        notify.to_resident(s, resident, "survey", question, ticket_id=ticket.id, template_vars={"1": ticket.kode})


def _set_status(s: Session, staff: Staff, ticket: Ticket, new: str, note: str | None, now: datetime) -> list[Say]:
    if new not in STATUSES:
        return [say("petugas.bad_status")]
    if new == TicketStatus.SELESAI:
        return _close(s, staff, ticket, note, now)
    ticket.status = new
    if new == TicketStatus.DITOLAK:
        ticket.closed_at = now
    _event(s, ticket, staff, now, "status", new, note)
    if ticket.resident is not None and ticket.resident.phone:
        notify.to_resident(s, ticket.resident, "ticket_update", say(
            "ticket.status_changed", kode=ticket.kode,
            layanan=ticket.layanan.nama_pendek if ticket.layanan else ticket.opd.singkatan,
            status_text=say(f"status.ticket.{new}"), note=say("ticket.note_line", note=note) if note else ""),
            ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": new})
    return [say("petugas.status_set", kode=ticket.kode, status=new)]


def _my_tickets(s: Session, staff: Staff) -> list[Say]:
    tickets = s.scalars(select(Ticket).where(Ticket.assigned_staff_id == staff.id, Ticket.status.not_in(CLOSED_TICKET))
                        .order_by(Ticket.id).limit(20)).all()
    if not tickets:
        return [say("petugas.no_tickets")]
    return [say("petugas.my_tickets", items=Bullets([
        say("petugas.ticket_line", kode=t.kode, layanan=t.layanan.nama_pendek if t.layanan else "percakapan",
            nama=t.nama or "Warga", status=t.status) for t in tickets]))]
