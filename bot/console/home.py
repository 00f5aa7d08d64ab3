"""/console/: what needs doing, per role."""

from __future__ import annotations

from flask import render_template, url_for
from sqlalchemy import func, select

from bot.console.access import ADMIN, ALL_ROLES, KADES, PETUGAS, allow, runtime, today, viewer
from bot.console.blueprint import bp
from handlers.facts import CLOSED_TICKET
from storage.models import Opd, Proposal, ProposalStatus, Ticket, Visit, VisitStatus
from storage.reports import desa_reach


@bp.get("/")
@allow(*ALL_ROLES)
def home():
    who = viewer()
    rt = runtime()
    figures: dict[str, int] = {}
    reach = opd = None
    with rt.sessions() as s:
        if who.role in (ADMIN, PETUGAS):
            open_tickets = select(func.count()).select_from(Ticket).where(Ticket.status.not_in(CLOSED_TICKET))
            if who.role == PETUGAS:
                open_tickets = open_tickets.where(Ticket.opd_id == who.opd_id)
                opd = s.get(Opd, who.opd_id)
            figures["open_tickets"] = s.scalar(open_tickets)
            figures["unassigned"] = s.scalar(open_tickets.where(Ticket.assigned_staff_id.is_(None)))
            figures["mine"] = s.scalar(open_tickets.where(Ticket.assigned_staff_id == who.id))
        if who.role == ADMIN:
            figures["upcoming_visits"] = s.scalar(select(func.count()).select_from(Visit).where(
                Visit.status == VisitStatus.PLANNED, Visit.tanggal >= today()))
            figures["new_proposals"] = s.scalar(select(func.count()).select_from(Proposal).where(
                Proposal.status == ProposalStatus.BARU, Proposal.merged_into_id.is_(None)))
        if who.role == KADES and who.desa_id:
            reach = desa_reach(s, who.desa_id)
    links = {"open_tickets": url_for("console.ticket_queue"), "unassigned": url_for("console.ticket_queue"),
             "mine": url_for("console.ticket_queue"), "upcoming_visits": url_for("console.schedule"),
             "new_proposals": url_for("console.proposals", status="baru")}
    return render_template("console/home.html", figures=figures, reach=reach, opd=opd, links=links)
