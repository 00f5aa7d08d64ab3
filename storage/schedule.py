"""The visiting schedule: import from CSV (all or nothing), store rows, list visits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import Kecamatan, Opd, Visit, VisitStatus

DEFAULT_START = time(8, 0)
DEFAULT_END = time(13, 0)
REQUIRED_COLUMNS = ("tanggal", "kecamatan", "lokasi", "mulai", "selesai")


def default_lokasi(kecamatan: str) -> str:
    return f"Kantor Kecamatan {kecamatan}"


@dataclass(frozen=True)
class VisitRow:
    line: int
    tanggal: date
    kecamatan: str
    lokasi: str
    mulai: time
    selesai: time
    opd: tuple[str, ...] | None  # None: every OPD of the programme attends


@dataclass
class ParseResult:
    rows: list[VisitRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _parse_time(value: str) -> time | None:
    try:
        return datetime.strptime(value.strip().replace(".", ":"), "%H:%M").time()
    except ValueError:
        return None


def parse_schedule_csv(
    text: str,
    match_kecamatan: Callable[[str], str | None],
    opd_keys: Iterable[str],
) -> ParseResult:
    """Check every row; the caller imports nothing when any error is reported.

    `match_kecamatan` turns a typed name ("Gondang Wetan", "gempol") into the canonical one,
    or None when it is not sure.
    """
    result = ParseResult()
    known_opd = set(opd_keys)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.errors.append(f"baris 1: kolom wajib tidak ada: {', '.join(missing)}")
        return result
    reader.fieldnames = header
    seen: dict[tuple[date, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        r = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(r.values()):
            continue
        problems: list[str] = []
        try:
            tanggal = date.fromisoformat(r["tanggal"])
        except ValueError:
            tanggal = None
            problems.append(f"tanggal tidak valid '{r['tanggal']}' (pakai YYYY-MM-DD)")
        kecamatan = match_kecamatan(r["kecamatan"]) if r["kecamatan"] else None
        if kecamatan is None:
            problems.append(f"kecamatan tidak dikenal '{r['kecamatan']}'")
        mulai, selesai = _parse_time(r["mulai"]), _parse_time(r["selesai"])
        if mulai is None:
            problems.append(f"jam mulai tidak valid '{r['mulai']}' (pakai HH:MM)")
        if selesai is None:
            problems.append(f"jam selesai tidak valid '{r['selesai']}' (pakai HH:MM)")
        if mulai and selesai and selesai <= mulai:
            problems.append(f"jam selesai {r['selesai']} tidak setelah jam mulai {r['mulai']}")
        opd: tuple[str, ...] | None = None
        if r.get("opd"):
            opd = tuple(k.strip().lower() for k in r["opd"].split(";") if k.strip())
            unknown = [k for k in opd if k not in known_opd]
            if unknown:
                problems.append(f"OPD tidak dikenal: {', '.join(unknown)}")
        if tanggal and kecamatan:
            first = seen.setdefault((tanggal, kecamatan), line)
            if first != line:
                problems.append(f"duplikat baris {first} ({kecamatan}, {tanggal.isoformat()})")
        if problems:
            result.errors.extend(f"baris {line}: {p}" for p in problems)
            continue
        result.rows.append(VisitRow(line, tanggal, kecamatan, r["lokasi"] or default_lokasi(kecamatan),
                                    mulai, selesai, opd))
    if not result.rows and not result.errors:
        result.errors.append("berkas tidak berisi jadwal")
    return result


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Planned visits whose hours or venue changed: whoever knows of them must hear it (handlers.visit_changes).
    details_changed: list[int] = field(default_factory=list)


def import_visits(session: Session, rows: Iterable[VisitRow]) -> ImportReport:
    """Upsert visits by (tanggal, kecamatan). Call inside one transaction."""
    report = ImportReport()
    kec = {k.nama: k for k in session.scalars(select(Kecamatan))}
    all_opd = list(session.scalars(select(Opd).order_by(Opd.id)))
    opd_by_key = {o.key: o for o in all_opd}
    for row in rows:
        k = kec[row.kecamatan]
        attending = all_opd if row.opd is None else [opd_by_key[key] for key in row.opd]
        visit = session.scalar(
            select(Visit).where(Visit.tanggal == row.tanggal, Visit.kecamatan_id == k.id)
        )
        if visit is None:
            session.add(Visit(tanggal=row.tanggal, kecamatan=k, lokasi=row.lokasi, mulai=row.mulai,
                              selesai=row.selesai, opd=attending, status=VisitStatus.PLANNED))
            report.added += 1
            continue
        new = (row.lokasi, row.mulai, row.selesai, [o.key for o in attending])
        old = (visit.lokasi, visit.mulai, visit.selesai, [o.key for o in visit.opd])
        if new == old:
            report.unchanged += 1
            continue
        if visit.status == VisitStatus.PLANNED and new[:3] != old[:3]:
            report.details_changed.append(visit.id)
        visit.lokasi, visit.mulai, visit.selesai, visit.opd = row.lokasi, row.mulai, row.selesai, attending
        report.updated += 1
    session.flush()
    return report


def upcoming_visits(session: Session, from_date: date, limit: int | None = None) -> list[Visit]:
    stmt = (
        select(Visit)
        .where(Visit.tanggal >= from_date)
        .options(selectinload(Visit.kecamatan), selectinload(Visit.opd), selectinload(Visit.moved_to))
        .order_by(Visit.tanggal, Visit.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


# — The schedule's truth —————————————————————————————————————————————————————————————
# A visit is never edited into another date: moving it marks it MOVED and points it at a new
# visit (which may itself be moved or cancelled later), so a kecamatan's history is a set of
# chains. Every question "when is Kenduren Mas next in K?" is answered here, from that history,
# so the resident's answer, reminders and corrections cannot disagree.

CHANGED = (VisitStatus.MOVED, VisitStatus.CANCELLED)
# How far back a change is still worth telling ("the visit of last week was moved to …" is not).
HISTORY_DAYS = 120


def final_visit(visit: Visit) -> Visit:
    """Where a visit's chain of moves ends: a planned visit, or a cancelled one."""
    seen = {visit.id}
    while visit.status == VisitStatus.MOVED and visit.moved_to is not None and visit.moved_to.id not in seen:
        visit = visit.moved_to
        seen.add(visit.id)
    return visit


@dataclass(frozen=True)
class ScheduleChange:
    """A visit residents may have heard of that will not happen on its date."""

    visit: Visit
    outcome: Visit  # the end of its chain: planned elsewhere, or cancelled

    @property
    def cancelled(self) -> bool:
        return self.outcome.status != VisitStatus.PLANNED


@dataclass(frozen=True)
class NextVisit:
    visit: Visit | None  # the next visit that will happen; None when none is planned
    changes: tuple[ScheduleChange, ...] = ()  # changed visits before it, earliest first


def _kecamatan_visits(session: Session, kecamatan_id: int, since: date) -> list[Visit]:
    return list(session.scalars(
        select(Visit).where(Visit.kecamatan_id == kecamatan_id, Visit.tanggal >= since)
        .options(selectinload(Visit.kecamatan), selectinload(Visit.opd))
        .order_by(Visit.tanggal, Visit.id)))


def next_visit(session: Session, kecamatan_id: int, on_or_after: date) -> NextVisit:
    """The next visit to a kecamatan on or after a day, with the changes a resident should hear first.

    The next visit is the earliest PLANNED one (a cancelled or moved visit never hides a later
    one). The changes are the cancelled and moved visits dated before it (or all of them, when none
    is planned), plus any moved onto it from later; one per chain, named by its earliest date the
    resident may know, and only while its outcome still lies ahead.
    """
    # Chains may end before `on_or_after` (moved earlier): load a little history too, so the
    # identity map holds every chain member and following moved_to costs no query.
    visits = _kecamatan_visits(session, kecamatan_id, on_or_after - timedelta(days=HISTORY_DAYS))
    ahead = [v for v in visits if v.tanggal >= on_or_after]
    nxt = next((v for v in ahead if v.status == VisitStatus.PLANNED), None)
    changes: dict[int, ScheduleChange] = {}
    for v in ahead:
        if v.status not in CHANGED:
            continue
        outcome = final_visit(v)
        if outcome.status == VisitStatus.PLANNED and outcome.tanggal < on_or_after:
            continue  # moved to a day already past: nothing left to tell
        before_next = nxt is None or v.tanggal < nxt.tanggal or outcome.id == nxt.id
        if before_next and outcome.id not in changes:
            changes[outcome.id] = ScheduleChange(v, outcome)
    return NextVisit(nxt, tuple(sorted(changes.values(), key=lambda c: (c.visit.tanggal, c.visit.id))))


def upcoming_planned(session: Session, on_or_after: date, kecamatan_id: int | None = None,
                     limit: int | None = None, until: date | None = None) -> list[Visit]:
    """Visits that will happen, earliest first: a cancelled or moved visit is never offered or
    reminded of (its chain's planned end is, under its own date)."""
    stmt = (select(Visit).where(Visit.tanggal >= on_or_after, Visit.status == VisitStatus.PLANNED)
            .options(selectinload(Visit.kecamatan), selectinload(Visit.opd))
            .order_by(Visit.tanggal, Visit.id))
    if kecamatan_id is not None:
        stmt = stmt.where(Visit.kecamatan_id == kecamatan_id)
    if until is not None:
        stmt = stmt.where(Visit.tanggal <= until)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def cancel_visit(session: Session, visit: Visit) -> None:
    """Mark a planned visit cancelled (its row stays: residents may have heard of it)."""
    visit.status = VisitStatus.CANCELLED
    session.flush()


def move_visit(session: Session, visit: Visit, new_date: date) -> Visit:
    """A planned visit moves: a new planned visit on `new_date` (same hours, venue, agencies) and
    the old one marked MOVED, pointing at it. The caller checks the date is free and ahead."""
    moved = Visit(tanggal=new_date, mulai=visit.mulai, selesai=visit.selesai, kecamatan_id=visit.kecamatan_id,
                  lokasi=visit.lokasi, status=VisitStatus.PLANNED, opd=list(visit.opd))
    session.add(moved)
    session.flush()
    visit.status, visit.moved_to_id = VisitStatus.MOVED, moved.id
    session.flush()
    session.expire(visit, ["moved_to"])
    return moved
