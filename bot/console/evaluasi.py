"""/console/evaluasi: every event compared — registrations, attendance, served, no-shows, median wait,
satisfaction, proposals and reach per desa — with charts drawn on the server (bot/console/charts.py:
no script, nothing fetched), filtered by kecamatan and period, the desa with the lowest reach marked,
and a layout that prints. Admins see every kecamatan; a camat their own. Aggregates only."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from bot.console.access import ADMIN, CAMAT, allow, runtime, today, viewer
from bot.console.blueprint import bp
from bot.console.charts import bar_chart
from bot.console.forms import date_value, int_arg
from catalogue.console import text
from storage.models import Kecamatan
from storage.regency import event_lines

EVENT_LIMIT = 60


def _label(line) -> str:
    d = line.visit.tanggal
    return f"{line.visit.kecamatan.nama} {d.day}/{d.month}"


@bp.get("/evaluasi")
@allow(ADMIN, CAMAT)
def evaluasi():
    who = viewer()
    kecamatan_id = who.kecamatan_id if who.role == CAMAT else int_arg("kecamatan")
    # Events that took place: up to today unless a later end is asked for.
    start, end = date_value(request.args.get("dari")), date_value(request.args.get("sampai")) or today()
    with runtime().sessions() as s:
        kecamatan = list(s.scalars(select(Kecamatan).order_by(Kecamatan.nama))) if who.is_admin else []
        lines = event_lines(s, kecamatan_id=kecamatan_id, start=start, end=end, limit=EVENT_LIMIT)
        ordered = list(reversed(lines))  # the charts read left to right in time, top to bottom
        charts = {
            "registrations": bar_chart(text("console.evaluasi.chart_registrations"),
                                       [(_label(x), x.registrations) for x in ordered]),
            "attendance": bar_chart(text("console.evaluasi.chart_attendance"), [(_label(x), x.attendance) for x in ordered]),
            "satisfaction": bar_chart(text("console.evaluasi.chart_satisfaction"),
                                      [(_label(x), x.satisfaction or 0) for x in ordered], max_value=5),
            "reach": bar_chart(text("console.evaluasi.chart_reach"), [(_label(x), x.reach) for x in ordered]),
        } if lines else {}
        candidates = [(d, x) for x in lines for d in x.desa]
        lowest = min(candidates, key=lambda pair: (pair[0].reach, pair[1].visit.tanggal, pair[0].desa)) \
            if candidates else None
        return render_template("console/evaluasi.html", lines=lines, charts=charts, kecamatan=kecamatan,
                               chosen=kecamatan_id, start=start, end=end, lowest=lowest, limit=EVENT_LIMIT)
