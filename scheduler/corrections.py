"""A visit cancelled or moved after reminders went out: tell everyone already reminded.

One correction broadcast per (visit, change) — kind "koreksi_batal" or "koreksi_pindah_YYYYMMDD"
(the new date), unique like every broadcast. Each run tops it up with anyone reminded since (a
reminder that was in flight when the visit changed), ON CONFLICT DO NOTHING on (broadcast,
recipient), so running it again, or on two clocks, adds no one twice. Reminders of the changed
visit still waiting are canceled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from catalogue import render
from bot.runtime import Runtime
from handlers.outbox import SENT_STATES
from handlers.quiet_hours import quiet_hours_of
from scheduler.reminders import create_broadcast, json_literal
from storage.dialect import dialect_name, insert_for
from scheduler.visit_text import visit_facts
from storage.db import UTCDateTime
from storage.models import Broadcast, OutboxMessage, OutboxStatus, Visit, VisitStatus

log = logging.getLogger(__name__)

CORRECTION_PREFIX = "koreksi"
KIND = "correction"


@dataclass(frozen=True)
class Correction:
    broadcast_id: int
    visit_id: int
    kind: str
    added: int


def correction_kind(visit: Visit) -> str:
    if visit.status == VisitStatus.CANCELLED:
        return f"{CORRECTION_PREFIX}_batal"
    if visit.moved_to is not None:
        return f"{CORRECTION_PREFIX}_pindah_{visit.moved_to.tanggal:%Y%m%d}"
    return f"{CORRECTION_PREFIX}_pindah"


def _reminders_of(visit_id: int):
    return select(Broadcast.id).where(Broadcast.visit_id == visit_id,
                                      Broadcast.kind.not_like(f"{CORRECTION_PREFIX}%"))


def cancel_waiting_reminders(session: Session, visit_id: int, now: datetime) -> int:
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id.in_(_reminders_of(visit_id)), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELED, error_message="visit cancelled or moved", updated_at=now)
    ).rowcount


def plan_corrections(runtime: Runtime, now: datetime) -> list[Correction]:
    tz = ZoneInfo(runtime.settings.bot_timezone)
    today = now.astimezone(tz).date()
    with runtime.sessions() as session:
        moved_to = aliased(Visit)
        changed = list(session.scalars(
            select(Visit.id).outerjoin(moved_to, moved_to.id == Visit.moved_to_id)
            .where(Visit.status.in_([VisitStatus.CANCELLED, VisitStatus.MOVED]),
                   func.coalesce(moved_to.tanggal, Visit.tanggal) >= today,
                   select(Broadcast.id).where(Broadcast.visit_id == Visit.id).exists())
            .order_by(Visit.id)))
    done = []
    for visit_id in changed:
        with runtime.sessions.begin() as session:
            result = correct_visit(session, runtime, visit_id, now, tz)
        if result and result.added:
            done.append(result)
            log.info("correction %s for visit %s: %s recipients added", result.kind, visit_id, result.added)
    return done


def correct_visit(session: Session, runtime: Runtime, visit_id: int, now: datetime, tz: ZoneInfo) -> Correction | None:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).options(
        selectinload(Visit.kecamatan), selectinload(Visit.moved_to).selectinload(Visit.opd)))
    cancel_waiting_reminders(session, visit_id, now)
    reminded = (select(OutboxMessage.id).where(OutboxMessage.broadcast_id.in_(_reminders_of(visit_id)),
                                               OutboxMessage.status.in_(SENT_STATES)).exists())
    if not session.scalar(select(reminded)):
        return None
    kind = correction_kind(visit)
    broadcast_id = create_broadcast(session, visit_id, kind, now, now) or session.scalar(
        select(Broadcast.id).where(Broadcast.visit_id == visit_id, Broadcast.kind == kind))
    body, template_vars, until = correction_text(session, visit, tz)
    send_from = quiet_hours_of(runtime.settings).next_end(now)
    added = 0
    for who, extra in ((OutboxMessage.resident_id, ""), (OutboxMessage.staff_id, render("correction_kades_intro"))):
        added += _insert_reminded(session, who, visit_id, broadcast_id, extra + body, template_vars,
                                  send_from, until, now)
    if added:
        total = session.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.broadcast_id == broadcast_id))
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=total))
    return Correction(broadcast_id, visit_id, kind, added)


def correction_text(session: Session, visit: Visit, tz: ZoneInfo) -> tuple[str, dict[str, str], datetime]:
    from flows.dates import tanggal

    old = tanggal(visit.tanggal)
    if visit.status == VisitStatus.MOVED and visit.moved_to is not None:
        new = visit_facts(session, visit.moved_to)
        body = render("correction_moved", tanggal_lama=old, **new)
        change = render("correction_change_moved", **new)
        last_day = visit.moved_to.tanggal
    else:
        body = render("correction_cancelled", kecamatan=visit.kecamatan.nama, tanggal_lama=old)
        change = render("correction_change_cancelled")
        last_day = visit.tanggal
    until = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return body, {"1": visit.kecamatan.nama, "2": old, "3": change}, until


def _insert_reminded(session: Session, who, visit_id: int, broadcast_id: int, body: str,
                     template_vars: dict[str, str], send_from: datetime, until: datetime, now: datetime) -> int:
    """Everyone (residents, or kepala desa) a reminder of this visit reached, once each."""
    ts = UTCDateTime()
    id_column = "resident_id" if who is OutboxMessage.resident_id else "staff_id"
    source = (
        select(literal(KIND), func.min(OutboxMessage.channel), func.min(OutboxMessage.to_phone), who,
               literal(broadcast_id), literal(body), json_literal(session, template_vars), literal(False),
               literal(True), literal(OutboxStatus.PENDING.value), literal(0), literal(send_from, ts),
               literal(until, ts), literal(now, ts), literal(now, ts))
        .where(OutboxMessage.broadcast_id.in_(_reminders_of(visit_id)), OutboxMessage.status.in_(SENT_STATES),
               who.is_not(None))
        .group_by(who)
    )
    columns = ["kind", "channel", "to_phone", id_column, "broadcast_id", "body", "template_vars", "via_template",
               "respects_quiet_hours", "status", "attempts", "next_attempt_at", "expires_at", "created_at",
               "updated_at"]
    stmt = (insert_for(dialect_name(session), OutboxMessage).from_select(columns, source)
            .on_conflict_do_nothing(index_elements=["broadcast_id", id_column]))
    return session.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount
