"""The antrean at each stand (one OPD at one visit): numbers, places, calls, and their figures.

Every change to a stand's line first locks that stand's counter row (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), and the number is taken in the same
transaction as the entry that holds it: a rolled-back check-in gives its number back, so numbers
stay unique and without gaps however many residents check in at once.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.dialect import dialect_name, insert_for
from storage.models import Opd, QueueCounter, QueueEntry, QueueStatus

MAX_REJOINS = 1
RECENT_SERVED = 10  # the service times the estimate looks at
# Fewer served than this and the stand's own median says little (one quick "panggil" twice in a
# row would promise a one-minute wait): the default holds until then.
MIN_SERVED = 3
SHORTEST_SERVICE = 1.0  # minutes; a call closed within seconds still took the petugas a minute
ACTIVE_SERVER_WINDOW = timedelta(minutes=30)
_FRESH = {"populate_existing": True}


class Arrival(StrEnum):
    NEW = "new"              # a number was handed out now
    AGAIN = "again"          # already in the line (or called, or served): same number
    SKIPPED = "skipped"      # was skipped as a no-show: the caller may let them rejoin


@dataclass(frozen=True)
class CheckIn:
    entry: QueueEntry
    arrival: Arrival


def lock_stand(session: Session, visit_id: int, opd_id: int) -> QueueCounter:
    """The stand's counter, created on first use and row-locked until the transaction ends."""
    table = QueueCounter.__table__
    session.execute(insert_for(dialect_name(session), table)
                    .values(visit_id=visit_id, opd_id=opd_id, last_number=0, last_position=0)
                    .on_conflict_do_nothing(index_elements=[table.c.visit_id, table.c.opd_id]))
    return session.scalars(select(QueueCounter).where(QueueCounter.visit_id == visit_id,
                                                      QueueCounter.opd_id == opd_id)
                           .with_for_update(), execution_options=_FRESH).one()


def entry_of(session: Session, visit_id: int, opd_id: int, resident_id: int) -> QueueEntry | None:
    return session.scalar(select(QueueEntry).where(QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id,
                                                   QueueEntry.resident_id == resident_id),
                          execution_options=_FRESH)


def check_in(session: Session, *, visit_id: int, opd_id: int, resident_id: int, ticket_id: int | None,
             now: datetime, by: str = "warga", walk_in: bool = False) -> CheckIn:
    counter = lock_stand(session, visit_id, opd_id)
    entry = entry_of(session, visit_id, opd_id, resident_id)
    if entry is not None:
        return CheckIn(entry, Arrival.SKIPPED if entry.status == QueueStatus.SKIPPED else Arrival.AGAIN)
    counter.last_number += 1
    counter.last_position += 1
    entry = QueueEntry(visit_id=visit_id, opd_id=opd_id, number=counter.last_number,
                       position=counter.last_position, resident_id=resident_id, ticket_id=ticket_id,
                       status=QueueStatus.WAITING, walk_in=walk_in, checked_in_by=by, checked_in_at=now, rejoins=0)
    session.add(entry)
    session.flush()
    return CheckIn(entry, Arrival.NEW)


def rejoin(session: Session, entry: QueueEntry, now: datetime) -> bool:
    """A skipped no-show back in line, once: same number, a new place at the end."""
    counter = lock_stand(session, entry.visit_id, entry.opd_id)
    session.refresh(entry)
    if entry.status != QueueStatus.SKIPPED or entry.rejoins >= MAX_REJOINS:
        return False
    counter.last_position += 1
    entry.position = counter.last_position
    entry.status, entry.rejoins, entry.rejoined_at = QueueStatus.WAITING, entry.rejoins + 1, now
    entry.called_at = entry.called_by_staff_id = entry.near_notified_at = None
    session.flush()
    return True


def waiting_line(session: Session, visit_id: int, opd_id: int, limit: int | None = None) -> list[QueueEntry]:
    stmt = (select(QueueEntry).where(QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id,
                                     QueueEntry.status == QueueStatus.WAITING).order_by(QueueEntry.position))
    return list(session.scalars(stmt.limit(limit) if limit else stmt))


def ahead_of(session: Session, entry: QueueEntry) -> int:
    if entry.status != QueueStatus.WAITING:
        return 0
    return session.scalar(select(func.count()).select_from(QueueEntry).where(
        QueueEntry.visit_id == entry.visit_id, QueueEntry.opd_id == entry.opd_id,
        QueueEntry.status == QueueStatus.WAITING, QueueEntry.position < entry.position))


def waiting_count(session: Session, visit_id: int, opd_id: int) -> int:
    return session.scalar(select(func.count()).select_from(QueueEntry).where(
        QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id, QueueEntry.status == QueueStatus.WAITING))


def being_served(session: Session, visit_id: int, opd_id: int) -> list[int]:
    """Numbers called and not yet done, latest call first."""
    return list(session.scalars(select(QueueEntry.number).where(
        QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id, QueueEntry.status == QueueStatus.CALLED)
        .order_by(QueueEntry.called_at.desc(), QueueEntry.number.desc())))


def service_minutes(session: Session, visit_id: int, opd_id: int, default: float) -> float:
    """Median of the stand's last served durations (called → served); `default` until MIN_SERVED."""
    rows = session.execute(select(QueueEntry.called_at, QueueEntry.served_at).where(
        QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id, QueueEntry.status == QueueStatus.SERVED,
        QueueEntry.called_at.is_not(None), QueueEntry.served_at.is_not(None))
        .order_by(QueueEntry.served_at.desc()).limit(RECENT_SERVED)).all()
    durations = [max(SHORTEST_SERVICE, (served - called).total_seconds() / 60)
                 for called, served in rows if served >= called]
    return statistics.median(durations) if len(durations) >= MIN_SERVED else default


def active_servers(session: Session, visit_id: int, opd_id: int, now: datetime) -> int:
    """Petugas who called someone at this stand lately: they serve side by side."""
    n = session.scalar(select(func.count(func.distinct(QueueEntry.called_by_staff_id))).where(
        QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id,
        QueueEntry.called_at >= now - ACTIVE_SERVER_WINDOW))
    return max(1, n or 0)


def estimate_minutes(session: Session, visit_id: int, opd_id: int, ahead: int, now: datetime,
                     default_service: float) -> int:
    per_person = service_minutes(session, visit_id, opd_id, default_service)
    return math.ceil(ahead * per_person / active_servers(session, visit_id, opd_id, now))


def call_next(session: Session, visit_id: int, opd_id: int, staff_id: int,
              now: datetime) -> tuple[QueueEntry | None, QueueEntry | None]:
    """(the one called now, the one this petugas had called before and is now done with)."""
    lock_stand(session, visit_id, opd_id)
    previous = session.scalar(select(QueueEntry).where(
        QueueEntry.visit_id == visit_id, QueueEntry.opd_id == opd_id, QueueEntry.status == QueueStatus.CALLED,
        QueueEntry.called_by_staff_id == staff_id).order_by(QueueEntry.called_at.desc()).limit(1),
        execution_options=_FRESH)
    if previous is not None:
        serve(previous, now)
    line = waiting_line(session, visit_id, opd_id, limit=1)
    if not line:
        session.flush()
        return None, previous
    entry = line[0]
    entry.status, entry.called_at, entry.called_by_staff_id = QueueStatus.CALLED, now, staff_id
    session.flush()
    return entry, previous


def serve(entry: QueueEntry, now: datetime) -> None:
    entry.status, entry.served_at = QueueStatus.SERVED, now


def skip(entry: QueueEntry, now: datetime) -> None:
    entry.status, entry.skipped_at = QueueStatus.SKIPPED, now


def overdue_calls(session: Session, called_before: datetime) -> list[QueueEntry]:
    """Called and neither served nor skipped since: the no-shows (rows others hold are left)."""
    return list(session.scalars(select(QueueEntry).where(
        QueueEntry.status == QueueStatus.CALLED, QueueEntry.called_at < called_before)
        .order_by(QueueEntry.id).with_for_update(skip_locked=True)))


@dataclass(frozen=True)
class StandFigures:
    opd: str
    checked_in: int
    walk_in: int
    served: int
    no_shows: int
    waiting: int
    median_wait: float | None  # minutes from check-in to being called, of those served
    p90_wait: float | None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: a value that was really observed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def stand_figures(session: Session, visit_id: int) -> list[StandFigures]:
    rows = session.execute(select(Opd.singkatan, QueueEntry).join(Opd, Opd.id == QueueEntry.opd_id)
                           .where(QueueEntry.visit_id == visit_id).order_by(Opd.id, QueueEntry.number)).all()
    by_opd: dict[str, list[QueueEntry]] = {}
    for opd, entry in rows:
        by_opd.setdefault(opd, []).append(entry)
    figures = []
    for opd, entries in by_opd.items():
        waits = [((e.called_at - (e.rejoined_at or e.checked_in_at)).total_seconds() / 60) for e in entries
                 if e.status == QueueStatus.SERVED and e.called_at is not None]
        figures.append(StandFigures(
            opd=opd, checked_in=len(entries), walk_in=sum(e.walk_in for e in entries),
            served=sum(e.status == QueueStatus.SERVED for e in entries),
            no_shows=sum(e.status == QueueStatus.SKIPPED for e in entries),
            waiting=sum(e.status in (QueueStatus.WAITING, QueueStatus.CALLED) for e in entries),
            median_wait=statistics.median(waits) if waits else None, p90_wait=percentile(waits, 0.9)))
    return figures
