"""Cancel, move or edit a visit, as the CLI (`schedule cancel|move`) and the console both do it: the change,
the cancellation of waiting reminders and the correction to everyone already reminded commit
together (handlers/corrections.py); the sender sends the correction on its next pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from flows.dates import tanggal
from flows.engine import Say, say
from flows.schedule_warnings import PlannedDay, schedule_warnings
from flows.working_hours import rotation_dates
from handlers.broadcasts import refresh_waiting
from handlers.corrections import Correction, correct_edit, correct_visit
from storage.models import Kecamatan, Opd, Visit, VisitStatus
from storage.schedule import (
    DEFAULT_END, DEFAULT_START, ImportReport, VisitRow, default_lokasi, final_visit, import_visits,
)
from storage.schedule import cancel_visit as storage_cancel, move_visit as storage_move


class VisitChangeRefused(Exception):
    def __init__(self, reason: Say):
        super().__init__(reason.key)
        self.reason = reason


@dataclass
class VisitChange:
    visit: Visit
    correction: Correction | None
    moved_to: Visit | None = None
    warnings: list[Say] | None = None


def load_planned(session: Session, visit_id: int) -> Visit:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update()
                           .options(selectinload(Visit.kecamatan), selectinload(Visit.opd)))
    if visit is None:
        raise VisitChangeRefused(say("console.schedule.not_found", id=visit_id))
    if visit.status == VisitStatus.CANCELLED:
        raise VisitChangeRefused(say("console.schedule.already_cancelled", id=visit_id))
    if visit.status == VisitStatus.MOVED:
        # Point at the visit that will happen now, which is the one to change.
        now_at = final_visit(visit)
        raise VisitChangeRefused(say("console.schedule.already_moved_to", id=visit_id, new_id=now_at.id,
                                     tanggal=tanggal(now_at.tanggal))
                                 if now_at.status == VisitStatus.PLANNED else
                                 say("console.schedule.already_moved", id=visit_id))
    return visit


def cancel_visit(session: Session, runtime, visit_id: int, now: datetime) -> VisitChange:
    visit = load_planned(session, visit_id)
    storage_cancel(session, visit)
    return VisitChange(visit, correct_visit(session, runtime, visit.id, now, ZoneInfo(runtime.settings.bot_timezone)))


def edit_visit(session: Session, runtime, visit_id: int, mulai: time, selesai: time, lokasi: str,
               opd: list[Opd], now: datetime) -> VisitChange:
    """New hours, venue or offices for a planned visit. Whoever already knows of it hears new hours
    or a new venue once (the offices attending are not announced as a change)."""
    visit = load_planned(session, visit_id)
    told_before = (visit.mulai, visit.selesai, visit.lokasi)
    visit.mulai, visit.selesai, visit.lokasi, visit.opd = mulai, selesai, lokasi, opd
    session.flush()
    if (mulai, selesai, lokasi) == told_before:
        return VisitChange(visit, None)
    return VisitChange(visit, announce_details(session, runtime, visit, now))


def announce_details(session: Session, runtime, visit: Visit, now: datetime) -> Correction | None:
    """A planned visit's hours or venue changed: reminders not sent yet carry the new details, and whoever
    was already told hears one correction (the console's edit and a CSV import alike)."""
    refresh_waiting(session, runtime, visit, now)
    return correct_edit(session, runtime, visit.id, now, ZoneInfo(runtime.settings.bot_timezone))


def import_schedule(session: Session, runtime, rows: list[VisitRow], now: datetime) -> ImportReport:
    """storage.schedule.import_visits, then the same announcements as an edit for every planned visit whose
    hours or venue the file changed (the CLI's import and generate, and the console's, all call this)."""
    report = import_visits(session, rows)
    for visit_id in report.details_changed:
        announce_details(session, runtime, session.get(Visit, visit_id), now)
    return report


def planned_days(session: Session, dates: set[date], exclude: set[int] = frozenset()) -> list[PlannedDay]:
    """The planned visits on these dates (but `exclude`), for the schedule warnings."""
    if not dates:
        return []
    visits = session.scalars(select(Visit).where(Visit.tanggal.in_(dates), Visit.status == VisitStatus.PLANNED)
                             .options(selectinload(Visit.kecamatan), selectinload(Visit.opd)))
    return [day_of(v) for v in visits if v.id not in exclude]


def day_of(visit: Visit) -> PlannedDay:
    return PlannedDay(visit.tanggal, visit.kecamatan.nama, tuple(o.singkatan for o in visit.opd))


def move_visit(session: Session, runtime, visit_id: int, new_date: date, today: date, now: datetime) -> VisitChange:
    if new_date < today:
        raise VisitChangeRefused(say("console.schedule.date_past", tanggal=new_date.isoformat()))
    visit = load_planned(session, visit_id)
    if new_date == visit.tanggal:
        raise VisitChangeRefused(say("console.schedule.same_date"))
    clash = session.scalar(select(Visit).where(Visit.tanggal == new_date, Visit.kecamatan_id == visit.kecamatan_id))
    if clash is not None:
        raise VisitChangeRefused(say("console.schedule.clash", id=clash.id, kecamatan=visit.kecamatan.nama,
                                     tanggal=tanggal(new_date)))
    moved = storage_move(session, visit, new_date)
    correction = correct_visit(session, runtime, visit.id, now, ZoneInfo(runtime.settings.bot_timezone))
    session.refresh(moved, ["kecamatan", "opd"])
    warnings = schedule_warnings([day_of(moved)], planned_days(session, {new_date}, exclude={moved.id}))
    return VisitChange(visit, correction, moved, warnings)


@dataclass
class RotationPlan:
    rows: list[VisitRow]
    skipped: list[str]  # kecamatan already visited (planned) near their slot in this rotation


def plan_rotation(session: Session, names: list[str], start: date, every: int) -> RotationPlan:
    """A rotation through `names` on working days. A kecamatan that already has a planned visit within
    half a rotation period of its slot is left out, so generating twice, from a shifted start, or over
    an imported schedule never doubles a visit, while the next full rotation is made in full."""
    dates = rotation_dates(start, every, len(names))
    half = timedelta(days=every * len(names) / 2)
    existing: dict[str, list[date]] = {}
    for name, day in session.execute(select(Kecamatan.nama, Visit.tanggal).join(Visit.kecamatan).where(
            Visit.status == VisitStatus.PLANNED, Visit.tanggal > dates[0] - half, Visit.tanggal < dates[-1] + half)):
        existing.setdefault(name, []).append(day)
    rows, skipped = [], []
    for d, name in zip(dates, names):
        if any(abs(d - other) < half for other in existing.get(name, ())):
            skipped.append(name)
        else:
            rows.append(VisitRow(0, d, name, default_lokasi(name), DEFAULT_START, DEFAULT_END, None))
    return RotationPlan(rows, skipped)


def import_warnings(session: Session, rows: list[VisitRow]) -> list[Say]:
    """Weekend, holiday and two-places warnings for rows about to be (or just) imported."""
    opd = list(session.scalars(select(Opd).order_by(Opd.id)))
    singkatan = {o.key: o.singkatan for o in opd}
    every_opd = tuple(o.singkatan for o in opd)
    days = [PlannedDay(r.tanggal, r.kecamatan, every_opd if r.opd is None else tuple(singkatan[k] for k in r.opd))
            for r in rows]
    return schedule_warnings(days, planned_days(session, {r.tanggal for r in rows}))


def correction_summary(change: VisitChange) -> str:
    """What a cancel, move or edit set in motion, in one sentence (the CLI and the console say the same)."""
    from catalogue import render

    correction = change.correction
    if correction is None or not (correction.added or correction.tickets_moved):
        return render("console.schedule.no_correction")
    text = render("console.schedule.correction", n=correction.added, broadcast=correction.broadcast_id)
    if correction.tickets_moved:
        text += " " + render("console.schedule.tickets_moved", n=correction.tickets_moved)
    return text
