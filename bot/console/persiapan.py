"""/console/persiapan/<visit_id>: each dinas' preparation list for a visit — registrations per
service, what to bring, walk-ins to expect, and the registrations with names and codes. An admin
sees every dinas; a petugas their own dinas only (the same list the H-2 WhatsApp message sums up)."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.console.access import ADMIN, PETUGAS, allow, runtime, viewer
from bot.console.blueprint import bp
from catalogue import render
from flows.dates import rentang_jam
from storage.models import Visit
from storage.regency import preparation


@bp.get("/persiapan/<int:visit_id>")
@allow(ADMIN, PETUGAS)
def persiapan(visit_id: int):
    who = viewer()
    with runtime().sessions() as s:
        visit = s.scalar(select(Visit).where(Visit.id == visit_id).options(selectinload(Visit.kecamatan)))
        if visit is None:
            abort(404)
        lists = preparation(s, visit_id, None if who.is_admin else who.opd_id)
        if not who.is_admin and not lists:
            abort(404)  # a dinas neither attending nor registered for: nothing of theirs here
        basis = {p.opd_id: render(f"persiapan_dasar_{p.walk_ins_basis}") for p in lists}
        return render_template("console/persiapan.html", visit=visit, lists=lists, basis=basis,
                               jam=rentang_jam(visit.mulai, visit.selesai))
