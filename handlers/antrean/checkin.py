"""Checking in: the resident's place in the line (or a walk-in's new ticket), as the antrean flow's
effect (flows.effects.QueueCheckIn) and for the petugas' `#KODE hadir`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.antrean import place_line, wait_line
from flows.effects import QueueCheckIn
from flows.engine import Say, say
from handlers.antrean.line import NEAR_PLACES, entry_label, is_open, place_of
from handlers.codes import TICKET_PREFIX, insert_with_code
from storage import queue
from storage.models import Opd, QueueEntry, QueueStatus, Ticket, TicketAction, TicketEvent, TicketStatus, Visit


def arrive(s: Session, ticket: Ticket, now: datetime, *, by: str = "warga",
           walk_in: bool = False) -> tuple[QueueEntry, list[Say]]:
    """Put the ticket's resident in its dinas' line at its visit; the lines that tell them where."""
    result = queue.check_in(s, visit_id=ticket.visit_id, opd_id=ticket.opd_id, resident_id=ticket.resident_id,
                            ticket_id=ticket.id, now=now, by=by, walk_in=walk_in)
    entry = result.entry
    if result.arrival is queue.Arrival.SKIPPED:
        if not queue.rejoin(s, entry, now):
            return entry, [say("antrean.rejoin_used", label=entry_label(entry), opd=entry.opd.singkatan)]
        place = place_of(s, entry, now)
        lines = [say("antrean.rejoined", label=place.label, opd=place.opd.singkatan, wait=wait_line(place))]
    elif entry.status == QueueStatus.WAITING:
        place = place_of(s, entry, now)
        lines = [say("antrean.number", opd=place.opd.singkatan, label=place.label, wait=wait_line(place))]
        if result.arrival is queue.Arrival.AGAIN:
            lines.insert(0, say("antrean.already"))
    else:
        lines = [place_line(place_of(s, entry, now))]
    if entry.status == QueueStatus.WAITING and entry.near_notified_at is None \
            and queue.ahead_of(s, entry) < NEAR_PLACES:
        entry.near_notified_at = now  # they were just told how near it is
    return entry, lines


def _walk_in_ticket(s: Session, ctx, visit: Visit, opd_key: str, nama: str, relasi: str | None = None,
                    holder_nama: str | None = None) -> tuple[Ticket, bool]:
    r, now = ctx.resident, ctx.now
    opd = s.scalars(select(Opd).where(Opd.key == opd_key)).one()
    ticket = s.scalar(select(Ticket).where(Ticket.resident_id == r.id, Ticket.visit_id == visit.id,
                                           Ticket.opd_id == opd.id, Ticket.status != TicketStatus.DITOLAK))
    if ticket is not None:
        return ticket, False
    ticket = Ticket(resident_id=r.id, opd_id=opd.id, visit_id=visit.id, desa_id=r.desa_id, nama=nama, relasi=relasi,
                    catatan="Daftar langsung di lokasi (antrean)", created_at=now, updated_at=now)
    insert_with_code(s, TICKET_PREFIX, ticket)
    s.add(TicketEvent(ticket_id=ticket.id, at=now, actor="warga", action=TicketAction.DIBUAT, status=ticket.status,
                      note="datang langsung"))
    if relasi is None and not r.name_confirmed:
        r.name, r.name_confirmed = nama, True
    elif holder_nama:  # "kula Slamet, … bapak kula": the resident's own name, the ticket the father's
        r.name, r.name_confirmed = holder_nama, True
    return ticket, True


def check_in_effect(ctx, d: QueueCheckIn) -> dict[str, Any]:
    """The resident's tickets at this visit (or a walk-in's new one) get their numbers; the replies
    say which."""
    s, r, now = ctx.session, ctx.resident, ctx.now
    visit = s.get(Visit, d.visit_id)
    if visit is None or not is_open(visit, now, ctx.runtime.settings.bot_timezone):
        return {"replies": [say("antrean.no_queue_now")]}
    replies: list[Say] = []
    if d.walk_in_opd:
        ticket, created = _walk_in_ticket(s, ctx, visit, d.walk_in_opd, d.nama or ctx.resident.name or "Warga",
                                          d.relasi, d.holder_nama)
        if created:
            replies.append(say("antrean.walk_in_created", opd=ticket.opd.singkatan, kode=ticket.kode))
        tickets = [(ticket, created)]
    else:
        tickets = [(t, False) for t in s.scalars(select(Ticket).where(
            Ticket.kode.in_(list(d.tickets)), Ticket.resident_id == r.id,
            Ticket.visit_id == visit.id).order_by(Ticket.opd_id))]
    waiting = False
    for ticket, walk_in in tickets:
        entry, lines = arrive(s, ticket, now, walk_in=walk_in)
        replies.extend(lines)
        waiting = waiting or entry.status == QueueStatus.WAITING
    if waiting:
        replies.append(say("antrean.keep_phone"))
    return {"replies": [one_message(replies)] if replies else []}


def one_message(parts: list[Say]) -> Say:
    """Several lines as one WhatsApp message (the number, the wait, what comes next)."""
    head, *rest = parts
    return say("antrean.then", first=head, rest=one_message(rest)) if rest else head
