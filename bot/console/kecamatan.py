"""/console/kecamatan: one kecamatan's visits, each desa's reach and attendance at the last visit, and
its proposals — read-only. A camat sees their own kecamatan only; an admin picks one."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.console.access import ADMIN, CAMAT, allow, runtime, today, viewer
from bot.console.blueprint import bp
from bot.console.charts import bar_chart
from bot.console.forms import int_arg
from catalogue.console import text
from storage.models import Desa, Kecamatan, Proposal, Ticket, Visit
from storage.regency import desa_figures, last_held_visit, lowest_reach

PROPOSAL_LIMIT = 50


@bp.get("/kecamatan")
@allow(ADMIN, CAMAT)
def kecamatan():
    who = viewer()
    chosen = who.kecamatan_id if who.role == CAMAT else int_arg("kecamatan")
    with runtime().sessions() as s:
        options = list(s.scalars(select(Kecamatan).order_by(Kecamatan.nama))) if who.is_admin else []
        kec = s.get(Kecamatan, chosen) if chosen else None
        if kec is None:
            if who.role == CAMAT or request.args.get("kecamatan"):
                abort(404)
            return render_template("console/kecamatan.html", kec=None, options=options)
        visits = list(s.scalars(select(Visit).where(Visit.kecamatan_id == kec.id)
                                .order_by(Visit.tanggal.desc()).limit(24)))
        registered = dict(s.execute(select(Ticket.visit_id, func.count()).where(
            Ticket.visit_id.in_([v.id for v in visits] or [-1])).group_by(Ticket.visit_id)).all())
        last = last_held_visit(s, kec.id, today())
        figures = desa_figures(s, last) if last else []
        lowest = {f.desa_id for f in lowest_reach(figures)} if figures else set()
        chart = bar_chart(text("console.report.chart_reach"), [(f.desa, f.reach) for f in figures]) if figures else None
        proposals = list(s.scalars(select(Proposal).join(Desa, Desa.id == Proposal.desa_id)
                                   .where(Desa.kecamatan_id == kec.id, Proposal.merged_into_id.is_(None))
                                   .options(selectinload(Proposal.desa))
                                   .order_by(Proposal.support_count.desc(), Proposal.created_at.desc())
                                   .limit(PROPOSAL_LIMIT)))
        return render_template("console/kecamatan.html", kec=kec, options=options, visits=visits,
                               registered=registered, last=last, figures=figures, lowest=lowest, chart=chart,
                               proposals=proposals, today=today())
