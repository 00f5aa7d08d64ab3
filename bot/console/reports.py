"""/console/laporan (summary across events), /console/laporan/<visit_id> (one event, with charts)
and /console/siaran (each broadcast's funnel). Aggregates only: no resident appears here."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.console.access import ADMIN, allow, runtime
from bot.console.blueprint import bp
from bot.console.charts import bar_chart, funnel_chart
from catalogue import render
from catalogue.console import text
from storage.broadcast_stats import figures
from storage.models import Broadcast, Visit
from storage.reports import rating_distribution, summary, ticket_outcomes, visit_report

FUNNEL = ("planned", "sent", "delivered", "read")
BROADCAST_LIMIT = 200


def funnel_of(f) -> list[tuple[str, int]]:
    return [(text(f"console.funnel.{stage}"), getattr(f, stage) if stage != "planned" else f.planned)
            for stage in FUNNEL]


@bp.get("/laporan")
@allow(ADMIN)
def reports():
    with runtime().sessions() as s:
        per_kecamatan, per_month = summary(s)
        visits = list(s.scalars(select(Visit).options(selectinload(Visit.kecamatan))
                                .order_by(Visit.tanggal.desc()).limit(120)))
        charts = {
            "kecamatan": bar_chart(text("console.report.chart_tickets_kecamatan"),
                                   [(line.label, line.tickets) for line in per_kecamatan]),
            "month": bar_chart(text("console.report.chart_tickets_month"),
                               [(line.label, line.tickets) for line in per_month]),
        }
        return render_template("console/reports.html", per_kecamatan=per_kecamatan, per_month=per_month,
                               visits=visits, charts=charts)


@bp.get("/laporan/<int:visit_id>")
@allow(ADMIN)
def report(visit_id: int):
    with runtime().sessions() as s:
        r = visit_report(s, visit_id)
        if r is None:
            abort(404)
        outcomes = ticket_outcomes(s, r.visit)
        ratings = rating_distribution(s, visit_id)
        funnels = figures(s, [b.id for b in r.broadcasts])
        broadcasts = [(b, funnels.get(b.id)) for b in r.broadcasts]
        charts = {
            "opd": bar_chart(text("console.report.chart_tickets_opd"), [(line.opd, line.tickets) for line in r.opd]),
            "outcomes": bar_chart(text("console.report.chart_outcomes"), [
                (text("console.report.on_the_spot"), outcomes.on_the_spot),
                (text("console.report.forwarded"), outcomes.forwarded),
                (text("console.report.waiting"), outcomes.waiting),
                (text("console.report.rejected"), outcomes.rejected)]),
            "ratings": bar_chart(text("console.report.chart_ratings"),
                                 [(text("console.report.stars", n=k), v) for k, v in ratings.items()]),
            "proposals": bar_chart(text("console.report.chart_proposals"),
                                   [(render(f"usulan.kategori.{k}"), v) for k, v in sorted(r.proposals.items())]),
            "reach": bar_chart(text("console.report.chart_reach"), list(r.referrals.items())),
            "funnels": [(b, funnel_chart(text("console.report.chart_funnel", kind=b.kind), funnel_of(f)))
                        for b, f in broadcasts if f is not None],
        }
        statuses = sorted({st for line in r.opd for st in line.by_status})
        return render_template("console/report.html", r=r, outcomes=outcomes, ratings=ratings,
                               broadcasts=broadcasts, charts=charts, statuses=statuses,
                               tz=runtime().settings.bot_timezone)


@bp.get("/siaran")
@allow(ADMIN)
def broadcasts():
    with runtime().sessions() as s:
        rows = list(s.scalars(select(Broadcast).options(selectinload(Broadcast.visit).selectinload(Visit.kecamatan))
                              .order_by(Broadcast.due_at.desc()).limit(BROADCAST_LIMIT)))
        funnels = figures(s, [b.id for b in rows])
        items = [(b, funnels.get(b.id), funnel_chart(text("console.report.chart_funnel", kind=b.kind),
                                                     funnel_of(funnels[b.id])) if b.id in funnels else None)
                 for b in rows]
        return render_template("console/broadcasts.html", items=items, tz=runtime().settings.bot_timezone,
                               limit=BROADCAST_LIMIT)
