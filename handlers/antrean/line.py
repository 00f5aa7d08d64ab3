"""The line at a stand: how long before a visit numbers are taken, the number's label (*A-017*),
whether a visit is open, a resident's place and wait, and a ticket's entry in the line."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from flows.facts import QueuePlace
from handlers.views import opd_ref
from storage import queue, reference
from storage.models import QueueEntry, Ticket, Visit, VisitStatus


# People line up before the doors open; a number may be taken this long before the visit starts.
CHECK_IN_EARLY = timedelta(minutes=30)
# Minutes per resident before the stand has served anyone today.
DEFAULT_SERVICE_MINUTES = 4.0
# "Sebentar lagi" goes to whoever moves up to this many places from the front of the line.
NEAR_PLACES = 3


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


def today_visits(s: Session, today: date) -> list[Visit]:
    return list(s.scalars(select(Visit).where(Visit.tanggal == today, Visit.status == VisitStatus.PLANNED)
                          .options(selectinload(Visit.opd), joinedload(Visit.kecamatan))
                          .order_by(Visit.mulai, Visit.id)))


def entry_for_ticket(s: Session, ticket: Ticket) -> QueueEntry | None:
    if ticket.visit_id is None or ticket.resident_id is None:
        return None
    return queue.entry_of(s, ticket.visit_id, ticket.opd_id, ticket.resident_id)


def may_check_in(ticket: Ticket, now: datetime, timezone: str) -> bool:
    """Whether staff may check this ticket's resident in now (the phone's `#KODE hadir` and the
    console's button ask the same question): its visit is open for numbers at this moment."""
    return ticket.visit is not None and ticket.resident_id is not None and is_open(ticket.visit, now, timezone)
