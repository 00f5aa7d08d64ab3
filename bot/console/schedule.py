"""/console/jadwal: the schedule as a month calendar and a list; admins add, edit, move, cancel,
import a CSV and generate a rotation (with the CLI's own code: corrections, line-numbered errors,
warnings); petugas read it."""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.schedules import kecamatan_matcher, rotation_summary
from bot.console.access import ADMIN, PETUGAS, allow, now, runtime, today, viewer
from bot.console.blueprint import bp
from bot.console.forms import date_value, int_arg, month_arg
from catalogue import render_say
from catalogue.console import text
from flows.dates import tanggal
from flows.schedule_warnings import holiday_name
from handlers.visit_changes import (
    VisitChangeRefused, cancel_visit, correction_summary, edit_visit, import_schedule, import_warnings, load_planned,
    move_visit, plan_rotation,
)
from storage import reference
from storage.models import Kecamatan, Opd, Visit
from storage.schedule import VisitRow, default_lokasi, parse_schedule_csv

log = logging.getLogger(__name__)


def _month() -> date:
    return month_arg("bulan") or today().replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _back(d: date | None = None):
    return redirect(url_for("console.schedule", bulan=(d or today()).strftime("%Y-%m")))


def _flash_result(message: str, warnings) -> None:
    flash(message, "ok")
    if warnings:
        flash("\n".join([text("console.schedule.warnings")] + [render_say(w) for w in warnings]), "warning")


def _time(raw: str):
    try:
        return datetime.strptime(raw.strip().replace(".", ":"), "%H:%M").time()
    except ValueError:
        return None


def _date(raw: str) -> date | None:
    return date_value(raw)


@bp.get("/jadwal")
@allow(ADMIN, PETUGAS)
def schedule():
    rt = runtime()
    first = _month()
    last = _shift(first, 1)
    with rt.sessions() as s:
        visits = list(s.scalars(select(Visit).where(Visit.tanggal >= first, Visit.tanggal < last)
                                .options(selectinload(Visit.kecamatan), selectinload(Visit.opd),
                                         selectinload(Visit.moved_to)).order_by(Visit.tanggal, Visit.id)))
        by_day: dict[date, list[Visit]] = {}
        for v in visits:
            by_day.setdefault(v.tanggal, []).append(v)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        holidays = {d: holiday_name(d) for week in weeks for d in week if holiday_name(d)}
        kecamatan = list(s.scalars(select(Kecamatan).order_by(Kecamatan.nama)))
        opds = list(s.scalars(select(Opd).order_by(Opd.id)))
        return render_template(
            "console/schedule.html", first=first, prev=_shift(first, -1), next=last, weeks=weeks, by_day=by_day,
            holidays=holidays, visits=visits, kecamatan=kecamatan, opds=opds, may_edit=viewer().is_admin,
            weekdays=text("console.schedule.weekdays").split(","), all_opd=len(opds), today=today())


@bp.post("/jadwal/tambah")
@allow(ADMIN)
def schedule_add():
    rt = runtime()
    day, mulai, selesai = _date(request.form.get("tanggal", "")), _time(request.form.get("mulai", "")), \
        _time(request.form.get("selesai", ""))
    with rt.sessions.begin() as s:
        kec = s.get(Kecamatan, int_arg("kecamatan_id", form=True) or 0)
        bad = [name for name, value in (("tanggal", day), ("kecamatan", kec), ("mulai", mulai),
                                        ("selesai", selesai)) if value is None]
        if bad:
            flash(text("console.schedule.bad_form", fields=", ".join(bad)), "error")
            return _back(day)
        if selesai <= mulai:
            flash(text("console.schedule.time_order"), "error")
            return _back(day)
        keys = _opd_keys(s)
        row = VisitRow(0, day, kec.nama, request.form.get("lokasi", "").strip()[:200] or default_lokasi(kec.nama),
                       mulai, selesai, keys)
        warnings = import_warnings(s, [row])
        report = import_schedule(s, rt, [row], now())
    result = text("console.schedule.imported", added=report.added, updated=report.updated, unchanged=report.unchanged)
    log.info("console: staff %s added a visit (%s)", viewer().id, day.isoformat())
    _flash_result(text("console.schedule.added", kecamatan=kec.nama, tanggal=tanggal(day), result=result),
                  warnings)
    return _back(day)


def _opd_keys(s) -> tuple[str, ...] | None:
    """The ticked offices; none ticked, or all of them, means every office attends."""
    known = {o.key for o in s.scalars(select(Opd))}
    keys = tuple(k for k in request.form.getlist("opd") if k in known)
    return None if not keys or len(keys) == len(known) else keys


@bp.post("/jadwal/<int:visit_id>/ubah")
@allow(ADMIN)
def schedule_edit(visit_id: int):
    rt = runtime()
    mulai, selesai = _time(request.form.get("mulai", "")), _time(request.form.get("selesai", ""))
    try:
        with rt.sessions.begin() as s:
            visit = load_planned(s, visit_id)
            day = visit.tanggal
            if mulai is None or selesai is None or selesai <= mulai:
                flash(text("console.schedule.time_order"), "error")
                return _back(day)
            keys = _opd_keys(s)
            opd = list(s.scalars(select(Opd).order_by(Opd.id).where(Opd.key.in_(keys)))) if keys else \
                list(s.scalars(select(Opd).order_by(Opd.id)))
            lokasi = request.form.get("lokasi", "").strip()[:200] or visit.lokasi
            change = edit_visit(s, rt, visit_id, mulai, selesai, lokasi, opd, now())
            message = text("console.schedule.saved", id=visit_id)
            if change.correction is not None:
                message += " " + correction_summary(change)
    except VisitChangeRefused as refused:
        flash(render_say(refused.reason), "error")
        return _back()
    log.info("console: staff %s edited visit %s", viewer().id, visit_id)
    flash(message, "ok")
    return _back(day)


@bp.post("/jadwal/<int:visit_id>/pindah")
@allow(ADMIN)
def schedule_move(visit_id: int):
    rt = runtime()
    new_date = _date(request.form.get("tanggal", ""))
    if new_date is None:
        flash(text("console.schedule.bad_form", fields="tanggal"), "error")
        return _back()
    try:
        with rt.sessions.begin() as s:
            change = move_visit(s, rt, visit_id, new_date, today(), now())
            message = text("console.schedule.moved", id=visit_id, kecamatan=change.visit.kecamatan.nama,
                           lama=tanggal(change.visit.tanggal), baru=tanggal(new_date),
                           new_id=change.moved_to.id, correction=correction_summary(change))
    except VisitChangeRefused as refused:
        flash(render_say(refused.reason), "error")
        return _back()
    log.info("console: staff %s moved visit %s", viewer().id, visit_id)
    _flash_result(message, change.warnings)
    return _back(new_date)


@bp.post("/jadwal/<int:visit_id>/batal")
@allow(ADMIN)
def schedule_cancel(visit_id: int):
    rt = runtime()
    try:
        with rt.sessions.begin() as s:
            change = cancel_visit(s, rt, visit_id, now())
            message = text("console.schedule.cancelled", id=visit_id, kecamatan=change.visit.kecamatan.nama,
                           tanggal=tanggal(change.visit.tanggal), correction=correction_summary(change))
            day = change.visit.tanggal
    except VisitChangeRefused as refused:
        flash(render_say(refused.reason), "error")
        return _back()
    log.info("console: staff %s cancelled visit %s", viewer().id, visit_id)
    flash(message, "ok")
    return _back(day)


@bp.post("/jadwal/impor")
@allow(ADMIN)
def schedule_import():
    rt = runtime()
    upload = request.files.get("berkas")
    raw = upload.read() if upload else b""
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        flash(text("console.schedule.not_utf8"), "error")
        return _back()
    parsed = parse_schedule_csv(content, kecamatan_matcher(rt), [o.key for o in reference.opd()])
    if parsed.errors:
        flash("\n".join([text("console.schedule.import_errors", n=len(parsed.errors))] + parsed.errors), "error")
        return _back()
    with rt.sessions.begin() as s:
        warnings = import_warnings(s, parsed.rows)
        report = import_schedule(s, rt, parsed.rows, now())
    log.info("console: staff %s imported %s visits", viewer().id, len(parsed.rows))
    _flash_result(text("console.schedule.imported", added=report.added, updated=report.updated,
                       unchanged=report.unchanged), warnings)
    return _back(min(r.tanggal for r in parsed.rows))


@bp.post("/jadwal/rotasi")
@allow(ADMIN)
def schedule_rotation():
    rt = runtime()
    start = _date(request.form.get("mulai_tanggal", ""))
    every = int_arg("setiap", form=True)
    if start is None or every not in (7, 14):
        flash(text("console.schedule.bad_form", fields="tanggal pertama, jarak 7 atau 14 hari"), "error")
        return _back()
    names = [k.nama for k in reference.kecamatan()]
    with rt.sessions.begin() as s:
        plan = plan_rotation(s, names, start, every)
        report = import_schedule(s, rt, plan.rows, now())
    log.info("console: staff %s generated a rotation from %s", viewer().id, start.isoformat())
    flash(rotation_summary(plan, report), "ok")
    return _back(start)


