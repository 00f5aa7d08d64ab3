"""The antrean on the day of a visit: what the flow may read about it, the check-in effect, the
petugas' calls, and who is told what through the outbox (all in the caller's transaction)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from flows.antrean import QueueCheckIn, place_line, wait_line
from flows.dates import jam, rentang_jam
from flows.engine import Say, say
from flows.facts import AntreanDay, QueuePlace, Stand, TicketAtVisit, TodayVisit, UpcomingTicket
from handlers import notify
from handlers.codes import TICKET_PREFIX, insert_with_code
from handlers.views import opd_ref, visit_view
from storage import queue, reference
from storage.models import (
    CLOSED_TICKET, Opd, QueueEntry, QueueStatus, Staff, Ticket, TicketAction, TicketEvent, TicketStatus, Visit, VisitStatus,
)

# People line up before the doors open; a number may be taken this long before the visit starts.
CHECK_IN_EARLY = timedelta(minutes=30)
# Minutes per resident before the stand has served anyone today.
DEFAULT_SERVICE_MINUTES = 4.0
# "Sebentar lagi" goes to whoever moves up to this many places from the front of the line.
NEAR_PLACES = 3
# What a petugas types to call the next number of their dinas.


@cache
def _letters() -> dict[str, str]:
    """A letter per dinas, in the order of the shipped OPD list, so A is Dispendukcapil everywhere."""
    keys = [o.key for o in reference.opd()]
    return {key: (chr(ord("A") + i) if i < 26 else f"Z{i - 25}") for i, key in enumerate(keys)}


def label(opd_key: str, number: int) -> str:
    """The number as called out and shown: *A-017*."""
    return f"{_letters().get(opd_key, 'X')}-{number:03d}"


def entry_label(entry: QueueEntry) -> str:
    return label(entry.opd.key, entry.number)


def visit_window(visit: Visit, timezone: str) -> tuple[datetime, datetime]:
    """(from when a number may be taken, when the visit closes), as aware datetimes."""
    tz = ZoneInfo(timezone)
    opens = datetime.combine(visit.tanggal, visit.mulai, tz)
    return opens - CHECK_IN_EARLY, datetime.combine(visit.tanggal, visit.selesai, tz)


def is_open(visit: Visit, now: datetime, timezone: str) -> bool:
    start, end = visit_window(visit, timezone)
    return visit.status == VisitStatus.PLANNED and start <= now <= end


def place_of(s: Session, entry: QueueEntry, now: datetime) -> QueuePlace:
    ahead = queue.ahead_of(s, entry)
    return QueuePlace(opd=opd_ref(entry.opd), label=entry_label(entry), status=entry.status, ahead=ahead,
                      may_rejoin=entry.rejoins < queue.MAX_REJOINS,
                      minutes=queue.estimate_minutes(s, entry.visit_id, entry.opd_id, ahead, now,
                                                     DEFAULT_SERVICE_MINUTES))


def _today_visits(s: Session, today: date) -> list[Visit]:
    return list(s.scalars(select(Visit).where(Visit.tanggal == today, Visit.status == VisitStatus.PLANNED)
                          .options(selectinload(Visit.opd), joinedload(Visit.kecamatan))
                          .order_by(Visit.mulai, Visit.id)))


class QueueFacts:
    """The facts the antrean flow asks for; mixed into handlers.facts.DbFacts (needs s, resident,
    today, now, timezone and opd_list)."""

    def antrean_today(self) -> AntreanDay:
        s, resident = self.s, self.resident
        visits = []
        for v in _today_visits(s, self.today):
            checkin_from, closes = visit_window(v, self.timezone)
            tickets = s.scalars(select(Ticket).where(Ticket.resident_id == resident.id, Ticket.visit_id == v.id,
                                                     Ticket.status != TicketStatus.DITOLAK)
                                .options(joinedload(Ticket.opd)).order_by(Ticket.id)).all()
            entries = s.scalars(select(QueueEntry).where(QueueEntry.visit_id == v.id,
                                                         QueueEntry.resident_id == resident.id)
                                .order_by(QueueEntry.opd_id)).all()
            visits.append(TodayVisit(
                id=v.id, kecamatan=v.kecamatan.nama, lokasi=v.lokasi,
                jam_text=rentang_jam(v.mulai, v.selesai), buka_text=jam(v.mulai),
                checkin_from=checkin_from, selesai_at=closes,
                stands=tuple(self._stand(v, o) for o in v.opd),
                tickets=tuple(TicketAtVisit(kode=t.kode, opd=opd_ref(t.opd)) for t in tickets),
                places=tuple(place_of(s, e, self.now) for e in entries),
            ))
        later = s.scalar(select(Visit).where(Visit.tanggal > self.today, Visit.status == VisitStatus.PLANNED)
                         .order_by(Visit.tanggal, Visit.id).limit(1))
        booked = s.scalar(select(Ticket).join(Ticket.visit).where(
            Ticket.resident_id == resident.id, Ticket.status.not_in(CLOSED_TICKET), Visit.tanggal > self.today,
            Visit.status == VisitStatus.PLANNED).order_by(Visit.tanggal, Ticket.id).limit(1))
        upcoming = None
        if booked is not None:
            card = visit_view(booked.visit, self.today)
            upcoming = UpcomingTicket(kode=booked.kode, opd=opd_ref(booked.opd), tanggal_text=card.tanggal_text,
                                      jam_text=card.jam_text, lokasi=card.lokasi)
        return AntreanDay(visits=tuple(visits), next_visit=visit_view(later, self.today) if later else None,
                          upcoming_ticket=upcoming,
                          opds=tuple(self.opd_list()))

    def _stand(self, visit: Visit, opd: Opd) -> Stand:
        waiting = queue.waiting_count(self.s, visit.id, opd.id)
        serving = queue.being_served(self.s, visit.id, opd.id)
        return Stand(opd=opd_ref(opd), waiting=waiting,
                     serving_label=label(opd.key, serving[0]) if serving else None,
                     minutes=queue.estimate_minutes(self.s, visit.id, opd.id, waiting, self.now,
                                                    DEFAULT_SERVICE_MINUTES))


def display_board(s: Session, visit_id: int, opd_key: str, now: datetime,
                  upcoming: int = 8) -> dict[str, Any] | None:
    """What the screen at a stand shows: numbers only, never a name or a phone."""
    visit = s.get(Visit, visit_id)
    opd = s.scalar(select(Opd).where(Opd.key == opd_key))
    if visit is None or opd is None or opd.id not in {o.id for o in visit.opd}:
        return None
    waiting = queue.waiting_count(s, visit.id, opd.id)
    return {
        "visit": visit, "opd": opd,
        "serving": [label(opd.key, n) for n in queue.being_served(s, visit.id, opd.id)],
        "next": [entry_label(e) for e in queue.waiting_line(s, visit.id, opd.id, limit=upcoming)],
        "waiting": waiting,
        "minutes": queue.estimate_minutes(s, visit.id, opd.id, waiting, now, DEFAULT_SERVICE_MINUTES),
    }


# — checking in —

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


# — the petugas at the stand —

def open_stand(s: Session, staff: Staff, now: datetime, timezone: str) -> Visit | None:
    """The visit open now where the petugas' dinas has a stand (the busiest, if several)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    visits = [v for v in _today_visits(s, today)
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


def entry_for_ticket(s: Session, ticket: Ticket) -> QueueEntry | None:
    if ticket.visit_id is None or ticket.resident_id is None:
        return None
    return queue.entry_of(s, ticket.visit_id, ticket.opd_id, ticket.resident_id)


def may_check_in(ticket: Ticket, now: datetime, timezone: str) -> bool:
    """Whether staff may check this ticket's resident in now (the phone's `#KODE hadir` and the
    console's button ask the same question): its visit is open for numbers at this moment."""
    return ticket.visit is not None and ticket.resident_id is not None and is_open(ticket.visit, now, timezone)


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

