"""A resident handed to a petugas: who gets the chat, what they are told, and the relay both ways."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.dispatch import STOP_WORDS, normalise_command
from flows.engine import Say, say
from flows.phones import mask_niks
from handlers import notify
from handlers.codes import insert_with_code
from handlers.facts import CLOSED_TICKET, next_petugas
from storage.models import Conversation, InboundMessage, Layanan, Opd, Resident, Ticket, TicketEvent

HELPDESK_OPD = "diskominfo"


def _context_ticket(s: Session, resident: Resident, kode: str | None) -> Ticket | None:
    stmt = select(Ticket).where(Ticket.resident_id == resident.id, Ticket.status.not_in(CLOSED_TICKET))
    if kode:
        return s.scalar(stmt.where(Ticket.kode == kode.upper()))
    return s.scalar(stmt.order_by(Ticket.id.desc()).limit(1))


def _opd_for(s: Session, d: Mapping[str, Any]) -> Opd:
    if d.get("layanan"):
        lay = s.scalar(select(Layanan).where(Layanan.key == d["layanan"]))
        if lay:
            return lay.opd
    key = d.get("opd") or HELPDESK_OPD
    return s.scalar(select(Opd).where(Opd.key == key)) or s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()


def _last_messages(s: Session, resident: Resident, n: int = 3) -> list[str]:
    rows = s.scalars(select(InboundMessage.body).where(InboundMessage.from_phone == resident.phone,
                                                       InboundMessage.body != "")
                     .order_by(InboundMessage.id.desc()).limit(n)).all()
    return [f'"{mask_niks(b[:200])}"' for b in reversed(rows)]


def start_handoff(ctx, d: Mapping[str, Any]) -> dict[str, Any]:
    """Hand the chat to a petugas of the OPD in context (the ticket's or the service's), else the
    general helpdesk; round-robin among that OPD's petugas."""
    s, r, now = ctx.session, ctx.resident, ctx.now
    ticket = _context_ticket(s, r, d.get("kode"))
    if ticket is None:
        opd = _opd_for(s, d)
        ticket = Ticket(resident_id=r.id, opd_id=opd.id, desa_id=r.desa_id, nama=r.name, created_at=now,
                        updated_at=now, catatan="Minta bicara dengan petugas")
        insert_with_code(s, "KM", ticket)
    staff = ticket.assigned_staff or next_petugas(s, ticket.opd_id)
    if staff is None and ticket.opd.key != HELPDESK_OPD:
        helpdesk = s.scalars(select(Opd).where(Opd.key == HELPDESK_OPD)).one()
        staff = next_petugas(s, helpdesk.id)
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action="minta_petugas",
                      note=d.get("reason")))
    ticket.handoff_requested_at = now
    if staff is None:
        # Nobody to hold the chat: the ticket waits for working hours and the bot keeps serving.
        return {"replies": [say("handoff.no_petugas", opd=ticket.opd.singkatan, kode=ticket.kode)]}
    ctx.conversation.handoff_ticket_id = ticket.id
    ticket.handoff_requested_at, ticket.handoff_timeout_at, ticket.escalated_at = now, None, None
    ticket.assigned_staff_id = staff.id
    staff.last_assigned_at = now
    desa = f"{r.desa.nama}, {r.desa.kecamatan.nama}" if r.desa else "desa belum diketahui"
    last = "\n".join(_last_messages(s, r)) or "-"
    notify.to_staff(s, staff, "handoff_notice",
                    say("petugas.handoff_notice", kode=ticket.kode, nama=r.name or "Warga", desa=desa, last=last),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": r.name or "Warga"})
    key = "handoff.connecting_after_confusion" if d.get("reason") == "tidak_paham" else "handoff.connecting"
    return {"replies": [say(key, opd=ticket.opd.singkatan, kode=ticket.kode)]}


def relay_to_petugas(s: Session, runtime, resident: Resident, conversation: Conversation, msg, text: str,
                     now: datetime) -> list[Say] | None:
    """While a petugas holds the chat, the resident's messages go to them. None: let the bot answer
    (BERHENTI still works, and a chat whose ticket is gone is handed back)."""
    if normalise_command(text) in STOP_WORDS:
        return None
    ticket = s.get(Ticket, conversation.handoff_ticket_id)
    if ticket is None or ticket.status in CLOSED_TICKET:
        conversation.handoff_ticket_id = None
        return None
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action="pesan", note=text[:500] or "[lampiran]"))
    staff = ticket.assigned_staff
    if staff is None:
        return [say("handoff.no_petugas", opd=ticket.opd.singkatan, kode=ticket.kode)]
    body = mask_niks(text) or ("[foto/lampiran] " + (msg.media_url or "") if msg.media_url else "[lokasi]")
    notify.to_staff(s, staff, "relay", say("petugas.relay", kode=ticket.kode, nama=resident.name or "Warga", text=body),
                    ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": body[:200]})
    return []
