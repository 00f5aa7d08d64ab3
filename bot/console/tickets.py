"""/console/tiket (the queue of one dinas) and /console/tiket/<kode> (history, conversation, actions).

A petugas sees and touches only their own dinas' tickets: another dinas' ticket is a 404, as if it
did not exist. Admins see every dinas and may filter by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.console import ticket_actions
from bot.console.access import ADMIN, PETUGAS, Viewer, allow, now, runtime, viewer
from bot.console.blueprint import bp
from bot.console.forms import int_arg
from catalogue.console import text
from flows import codes
from flows.working_hours import RESIDENT_WAIT, WORKING_DAY, WorkingCalendar
from handlers.antrean.line import may_check_in
from handlers.facts import CLOSED_TICKET
from storage.models import (
    CONVERSATION_ACTIONS, Desa, Kecamatan, Opd, OutboxMessage, Staff, Ticket, TicketEvent, TicketStatus, Visit,
)

QUEUE_LIMIT = 300
OPEN = "terbuka"


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    due: datetime | None
    overdue: bool


def sla_due(ticket: Ticket, calendar: WorkingCalendar) -> datetime | None:
    """When the ticket is due an answer in working hours: a waiting chat in 2 working hours, any other
    open ticket within a working day of being made."""
    if ticket.status in CLOSED_TICKET:
        return None
    waiting_chat = ticket.handoff_requested_at is not None and (
        ticket.responded_at is None or ticket.responded_at < ticket.handoff_requested_at)
    if waiting_chat:
        return calendar.add(ticket.handoff_requested_at, RESIDENT_WAIT)
    return calendar.add(ticket.created_at, WORKING_DAY)


def visible_tickets(who: Viewer):
    """The tickets this viewer may see at all."""
    stmt = select(Ticket)
    if who.role != ADMIN:
        stmt = stmt.where(Ticket.opd_id == who.opd_id)
    return stmt


def load_ticket(s: Session, who: Viewer, kode: str, *, for_update: bool = False) -> Ticket:
    stmt = visible_tickets(who).where(Ticket.kode == (codes.normalise(kode) or kode.upper()))
    if for_update:
        stmt = stmt.with_for_update()
    ticket = s.scalar(stmt)
    if ticket is None:
        abort(404)
    return ticket


@bp.get("/tiket")
@allow(ADMIN, PETUGAS)
def ticket_queue():
    who = viewer()
    rt = runtime()
    calendar = WorkingCalendar(rt.settings.bot_timezone)
    at = now()
    status = request.args.get("status", OPEN)
    visit_id, kecamatan_id, opd_id = int_arg("visit"), int_arg("kecamatan"), int_arg("opd")
    with rt.sessions() as s:
        stmt = visible_tickets(who).options(
            selectinload(Ticket.layanan), selectinload(Ticket.opd), selectinload(Ticket.assigned_staff),
            selectinload(Ticket.desa), selectinload(Ticket.visit).selectinload(Visit.kecamatan))
        if who.is_admin and opd_id:
            stmt = stmt.where(Ticket.opd_id == opd_id)
        if status == OPEN:
            stmt = stmt.where(Ticket.status.not_in(CLOSED_TICKET))
        elif status in {s.value for s in TicketStatus}:
            stmt = stmt.where(Ticket.status == status)
        if visit_id:
            stmt = stmt.where(Ticket.visit_id == visit_id)
        if kecamatan_id:
            stmt = (stmt.outerjoin(Visit, Visit.id == Ticket.visit_id).outerjoin(Desa, Desa.id == Ticket.desa_id)
                    .where(or_(Visit.kecamatan_id == kecamatan_id, Desa.kecamatan_id == kecamatan_id)))
        tickets = list(s.scalars(stmt.order_by(Ticket.id.desc()).limit(QUEUE_LIMIT)))
        rows = []
        for t in tickets:
            due = sla_due(t, calendar)
            rows.append(QueueRow(t, due, due is not None and due < at))
        far = at + timedelta(days=3650)
        rows.sort(key=lambda r: (r.ticket.assigned_staff_id is not None, r.due or far, r.ticket.id))
        opds = list(s.scalars(select(Opd).order_by(Opd.singkatan))) if who.is_admin else []
        own_opd = s.get(Opd, who.opd_id) if who.opd_id else None
        kecamatan = list(s.scalars(select(Kecamatan).order_by(Kecamatan.nama)))
        visits = list(s.scalars(select(Visit).options(selectinload(Visit.kecamatan))
                                .order_by(Visit.tanggal.desc()).limit(60)))
        return render_template("console/tickets.html", rows=rows, opds=opds, own_opd=own_opd, kecamatan=kecamatan,
                               visits=visits, statuses=[s.value for s in TicketStatus], f_status=status,
                               f_visit=visit_id, f_kecamatan=kecamatan_id, f_opd=opd_id, limit=QUEUE_LIMIT,
                               tz=rt.settings.bot_timezone)


def _may_assign(who: Viewer, ticket: Ticket) -> bool:
    return who.is_admin or (who.is_coordinator and who.opd_id == ticket.opd_id)


def _may_claim(who: Viewer, ticket: Ticket) -> bool:
    return who.role == PETUGAS and ticket.assigned_staff_id in (None, who.id)


@bp.get("/tiket/<kode>")
@allow(ADMIN, PETUGAS)
def ticket_detail(kode: str):
    who = viewer()
    rt = runtime()
    with rt.sessions() as s:
        ticket = load_ticket(s, who, kode)
        events = list(s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .options(selectinload(TicketEvent.staff)).order_by(TicketEvent.at, TicketEvent.id)))
        sent = list(s.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                          OutboxMessage.resident_id.is_not(None))
                              .order_by(OutboxMessage.created_at, OutboxMessage.id)))
        conversation = sorted(
            [("event", e.at, e) for e in events if e.action in CONVERSATION_ACTIONS]
            + [("outbox", m.created_at, m) for m in sent if m.kind != "relay"],
            key=lambda item: item[1])
        return render_template(
            "console/ticket.html", ticket=ticket, events=events, conversation=conversation,
            conversation_actions=CONVERSATION_ACTIONS,
            due=sla_due(ticket, WorkingCalendar(rt.settings.bot_timezone)),
            staff=ticket_actions.assignable(s, ticket) if _may_assign(who, ticket) else [],
            may_claim=_may_claim(who, ticket), may_assign=_may_assign(who, ticket),
            statuses=sorted(ticket_actions.STATUSES), closed=ticket.status in CLOSED_TICKET,
            may_check_in=may_check_in(ticket, now(), rt.settings.bot_timezone),
            queue_label=ticket_actions.queue_label(s, ticket), tz=rt.settings.bot_timezone,
            transfer_targets=[] if ticket.status in CLOSED_TICKET else ticket_actions.transfer_targets(
                s, s.get(Staff, who.id), ticket))


@bp.post("/tiket/<kode>/hadir")
@allow(ADMIN, PETUGAS)
def ticket_check_in(kode: str):
    """The resident is at the stand: their antrean number, as `#KODE hadir` gives it from a phone."""
    who = viewer()
    rt = runtime()
    with rt.sessions.begin() as s:
        ticket = load_ticket(s, who, kode, for_update=True)
        message = ticket_actions.check_in(s, rt, s.get(Staff, who.id), ticket, now())
        target_kode = ticket.kode
    flash(message, "ok")
    return redirect(url_for("console.ticket_detail", kode=target_kode))


@bp.post("/tiket/<kode>")
@allow(ADMIN, PETUGAS)
def ticket_action(kode: str):
    who = viewer()
    action = request.form.get("action", "")
    at = now()
    with runtime().sessions.begin() as s:
        ticket = load_ticket(s, who, kode, for_update=True)
        me = s.get(Staff, who.id)
        if action == "ambil":
            if not _may_claim(who, ticket):
                abort(403)
            message = ticket_actions.assign(s, me, ticket, me, at)
        elif action == "tugaskan":
            target = s.get(Staff, int_arg("staff_id", form=True) or 0)
            if not _may_assign(who, ticket):
                abort(403)
            if target is None or target not in ticket_actions.assignable(s, ticket):
                flash(text("console.ticket.bad_assignee"), "error")
                return redirect(url_for("console.ticket_detail", kode=ticket.kode))
            message = ticket_actions.assign(s, me, ticket, target, at)
        elif action == "balas":
            body = request.form.get("pesan", "").strip()
            if not body:
                flash(text("console.ticket.empty_reply"), "error")
                return redirect(url_for("console.ticket_detail", kode=ticket.kode))
            message = ticket_actions.reply(s, me, ticket, body[:1500], at)
        elif action == "status":
            new = request.form.get("status", "")
            if new not in ticket_actions.STATUSES:
                flash(text("console.ticket.bad_status"), "error")
                return redirect(url_for("console.ticket_detail", kode=ticket.kode))
            note = request.form.get("catatan", "").strip()[:500] or None
            message = ticket_actions.set_status(s, me, ticket, new, note, at)
        elif action == "alihkan":
            to = s.get(Opd, int_arg("opd_id", form=True) or 0)
            if to is None or to not in ticket_actions.transfer_targets(s, me, ticket):
                flash(text("console.ticket.bad_dinas"), "error")
                return redirect(url_for("console.ticket_detail", kode=ticket.kode))
            message = ticket_actions.transfer_to(s, me, ticket, to, at)
            if not (who.is_admin or ticket.opd_id == who.opd_id):
                # Passed on to another dinas: the page is theirs now (a 404 for this petugas).
                flash(message, "ok")
                return redirect(url_for("console.ticket_queue"))
        else:
            abort(400)
        target_kode = ticket.kode
    flash(message, "ok")
    return redirect(url_for("console.ticket_detail", kode=target_kode))
