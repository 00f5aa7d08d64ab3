"""The petugas at the stand: `panggil` (call the next number), `#KODE hadir`, `#KODE lewati`,
`#KODE selesai`, and who is told the line moved (the resident called, those near the front)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from flows.antrean import place_line
from flows.engine import Say, say
from handlers import notify
from handlers.antrean.checkin import arrive
from handlers.antrean.line import (
    NEAR_PLACES, entry_for_ticket, entry_label, is_open, may_check_in, place_of, today_visits,
)
from storage import queue
from storage.models import QueueEntry, QueueStatus, Staff, Ticket, Visit


def open_stand(s: Session, staff: Staff, now: datetime, timezone: str) -> Visit | None:
    """The visit open now where the petugas' dinas has a stand (the busiest, if several)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    visits = [v for v in today_visits(s, today)
              if staff.opd_id in {o.id for o in v.opd} and is_open(v, now, timezone)]
    if not visits:
        return None
    return max(visits, key=lambda v: queue.waiting_count(s, v.id, staff.opd_id))


def call_next(s: Session, runtime, staff: Staff, now: datetime) -> list[Say]:
    """`panggil`: the petugas' previous call is done, the next number is called and told, and
    whoever moves up near the front is told it is nearly their turn."""
    visit = open_stand(s, staff, now, runtime.settings.bot_timezone)
    opd = staff.opd
    if visit is None:
        return [say("antrean.petugas.no_visit", opd=opd.singkatan)]
    called, done = queue.call_next(s, visit.id, opd.id, staff.id, now)
    replies = [say("antrean.petugas.done_line", label=entry_label(done))] if done else []
    if called is None:
        return [*replies, say("antrean.petugas.line_empty", opd=opd.singkatan)]
    ticket = called.ticket
    kode = ticket.kode if ticket else "-"
    if called.resident is not None:
        notify.to_resident(s, called.resident, "ticket_update",
                           say("antrean.your_turn", opd=opd.singkatan, label=entry_label(called), kode=kode),
                           ticket_id=called.ticket_id, template_vars={"1": kode, "2": "dipanggil"})
    tell_near(s, visit.id, opd.id, now)
    nama = (ticket.nama if ticket and ticket.nama else None) or "Warga"
    return [*replies, say("antrean.petugas.called", label=entry_label(called), nama=nama, kode=kode,
                          waiting=queue.waiting_count(s, visit.id, opd.id))]


def tell_near(s: Session, visit_id: int, opd_id: int, now: datetime) -> None:
    for ahead, entry in enumerate(queue.waiting_line(s, visit_id, opd_id, limit=NEAR_PLACES)):
        if entry.near_notified_at is not None:
            continue
        entry.near_notified_at = now
        if entry.resident is not None:
            kode = entry.ticket.kode if entry.ticket else "-"
            notify.to_resident(s, entry.resident, "ticket_update",
                               say("antrean.soon", opd=entry.opd.singkatan, label=entry_label(entry), ahead=ahead),
                               ticket_id=entry.ticket_id, template_vars={"1": kode, "2": "sebentar lagi"})


def check_in_by_petugas(s: Session, runtime, staff: Staff, ticket: Ticket, now: datetime) -> list[Say]:
    """`#KODE hadir`: the petugas checks a resident in at the stand."""
    if not may_check_in(ticket, now, runtime.settings.bot_timezone):
        return [say("antrean.petugas.not_today", kode=ticket.kode)]
    before = entry_for_ticket(s, ticket)
    status_before = before.status if before is not None else None  # arrive() may update that same row
    entry, lines = arrive(s, ticket, now, by="petugas")
    if status_before == entry.status:
        # Already there (a second tap, or the resident checked in first): nothing new to tell the resident.
        return [say("antrean.petugas.checked_in_again", kode=ticket.kode, label=entry_label(entry),
                    status=say(f"antrean.status.{entry.status}"))]
    if ticket.resident is not None:
        for line in lines:
            notify.to_resident(s, ticket.resident, "ticket_update",
                               say("antrean.checked_in_by_petugas", opd=ticket.opd.singkatan, place=line),
                               ticket_id=ticket.id, template_vars={"1": ticket.kode, "2": entry_label(entry)})
    return [say("antrean.petugas.checked_in", kode=ticket.kode, label=entry_label(entry),
                ahead=queue.ahead_of(s, entry))]


def skip_entry(s: Session, entry: QueueEntry, now: datetime) -> None:
    """A no-show: out of the line, told so, and (once) how to come back."""
    queue.skip(entry, now)
    if entry.resident is not None:
        kode = entry.ticket.kode if entry.ticket else "-"
        notify.to_resident(s, entry.resident, "ticket_update", place_line(place_of(s, entry, now)),
                           ticket_id=entry.ticket_id, template_vars={"1": kode, "2": "dilewati"})


def skip_by_petugas(s: Session, staff: Staff, ticket: Ticket, now: datetime) -> list[Say]:
    """`#KODE lewati`."""
    entry = entry_for_ticket(s, ticket)
    if entry is None or entry.status not in (QueueStatus.WAITING, QueueStatus.CALLED):
        return [say("antrean.petugas.not_in_line", kode=ticket.kode)]
    queue.lock_stand(s, entry.visit_id, entry.opd_id)
    skip_entry(s, entry, now)
    return [say("antrean.petugas.skipped", label=entry_label(entry), kode=ticket.kode)]


def served_with_ticket(s: Session, ticket: Ticket, now: datetime) -> None:
    """`#KODE selesai` closes the ticket; the resident's place at the stand is done too."""
    entry = entry_for_ticket(s, ticket)
    if entry is not None and entry.status in (QueueStatus.WAITING, QueueStatus.CALLED):
        if entry.called_at is None:
            entry.called_at = now
        queue.serve(entry, now)
