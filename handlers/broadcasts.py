"""A broadcast and its outbox rows: one per (visit, kind), one row per recipient (residents
subscribed or holding a ticket, kepala desa), the reminder texts, and waiting rows re-rendered after a
visit's edit. The clock plans reminders with these (scheduler/reminders.py), corrections reuse them
(handlers/corrections.py).

Rows are written set-based (INSERT … SELECT) so 100,000 subscribers cost one statement. Two
clocks running at once plan nothing twice: the broadcast insert is ON CONFLICT DO NOTHING on the
unique (visit_id, kind), and only the transaction that created the broadcast writes its rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, selectinload

from catalogue import MESSAGES, render
from core.runtime import Runtime
from flows.referral import wa_me_link
from flows.reminder_plan import parse_plan
from handlers.facts import CLOSED_TICKET
from handlers.outbox import enqueue, insert_broadcast_rows
from handlers.quiet_hours import quiet_hours_of
from handlers.visit_text import visit_facts
from storage import subscriptions
from storage.dialect import dialect_name, insert_for
from storage.models import Broadcast, Desa, OutboxMessage, OutboxStatus, Resident, Staff, StaffRole, Ticket, Visit


log = logging.getLogger(__name__)


RESIDENT_KIND = "reminder"
KADES_KIND = "kades_reminder"
CHANNELS = ("whatsapp", "sms")


@dataclass(frozen=True)
class Planned:
    broadcast_id: int
    visit_id: int
    kecamatan: str
    kind: str
    recipients: int


def create_broadcast(session: Session, visit_id: int, kind: str, due_at: datetime, now: datetime) -> int | None:
    """Insert the broadcast; None when another run already planned this (visit, kind)."""
    stmt = (insert_for(dialect_name(session), Broadcast)
            .values(visit_id=visit_id, kind=kind, due_at=due_at, planned_at=now, recipients=0)
            .on_conflict_do_nothing(index_elements=["visit_id", "kind"])
            .returning(Broadcast.id))
    return session.scalar(stmt)


def reminder_text(kind: str, facts: dict[str, str]) -> str:
    key = f"reminder_{kind}" if f"reminder_{kind}" in MESSAGES else "reminder_segera"
    return render(key, **facts)


def plan_broadcast(session: Session, runtime: Runtime, visit_id: int, kind: str, due_at: datetime,
                   expires: datetime, now: datetime) -> Planned | None:
    """One broadcast and all its rows, in the caller's transaction."""
    broadcast_id = create_broadcast(session, visit_id, kind, due_at, now)
    if broadcast_id is None:
        return None
    visit = session.scalar(select(Visit).where(Visit.id == visit_id)
                           .options(selectinload(Visit.opd), selectinload(Visit.kecamatan)))
    facts = visit_facts(session, visit)
    send_from = quiet_hours_of(runtime.settings).next_end(now)
    residents = 0
    # Subscribers of the kecamatan, and whoever holds a ticket for this visit (their own
    # appointment, also when it was moved here); ON CONFLICT keeps one row for someone who is both.
    for who in (subscribers_of(visit.kecamatan_id), ticket_holders_of(visit_id)):
        residents += insert_resident_rows(
            session, broadcast_id=broadcast_id, who=who, kind=RESIDENT_KIND, body=reminder_text(kind, facts),
            template_vars=resident_vars(facts), send_from=send_from, expires=expires, now=now)
    kades = enqueue_kades(session, runtime, broadcast_id, visit, facts, send_from, expires)
    total = residents + kades
    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=total))
    return Planned(broadcast_id, visit_id, facts["kecamatan"], kind, total)


def subscribers_of(kecamatan_id: int) -> list[ColumnElement[bool]]:
    # One row per (resident, kecamatan) and ON CONFLICT per (broadcast, resident): exactly once each.
    return [subscriptions.subscribers_of(kecamatan_id)]


def ticket_holders_of(visit_id: int) -> list[ColumnElement[bool]]:
    """Residents with an open ticket for the visit."""
    return [Resident.id.in_(select(Ticket.resident_id).where(Ticket.visit_id == visit_id,
                                                             Ticket.status.not_in(CLOSED_TICKET)))]


def insert_resident_rows(session: Session, *, broadcast_id: int, who: Sequence[ColumnElement[bool]], kind: str,
                         body: str, template_vars: dict[str, str], send_from: datetime, expires: datetime | None,
                         now: datetime) -> int:
    """One pending row per consenting resident chosen by `who`, in one statement."""
    recipients = select(Resident.channel, Resident.phone, Resident.id).where(
        *who,
        Resident.opted_out_at.is_(None),
        Resident.phone.is_not(None),
        Resident.erased_at.is_(None),
        Resident.channel.in_(CHANNELS),
    )
    return insert_broadcast_rows(session, recipients, recipient="resident_id", kind=kind, broadcast_id=broadcast_id,
                                 body=body, template_vars=template_vars, send_from=send_from, expires_at=expires,
                                 now=now)


def enqueue_kades(session: Session, runtime: Runtime, broadcast_id: int, visit: Visit, facts: dict[str, str],
                  send_from: datetime, expires: datetime) -> int:
    """The forwardable version, one per kepala desa of the kecamatan, each with its desa's link."""
    number = runtime.settings.bot_whatsapp_number
    kades = session.execute(
        select(Staff.id, Staff.phone, Desa.nama, Desa.kode, Desa.jenis)
        .join(Desa, Desa.id == Staff.desa_id)
        .where(Staff.role == StaffRole.KADES, Staff.active.is_(True), Desa.kecamatan_id == visit.kecamatan_id)
        .order_by(Staff.id)).all()
    if kades and not number:
        log.warning("BOT_WHATSAPP_NUMBER is not set: kepala desa reminders go without the wa.me link")
    for staff_id, phone, desa_nama, desa_kode, jenis in kades:
        body, template_vars = kades_message(number, desa_nama, desa_kode, jenis, facts)
        row = enqueue(session, kind=KADES_KIND, channel="whatsapp", to_phone=phone, body=body, staff_id=staff_id,
                      broadcast_id=broadcast_id, respects_quiet_hours=True, expires_at=expires,
                      template_vars=template_vars)
        row.next_attempt_at = send_from
    return len(kades)


def resident_vars(facts: dict[str, str]) -> dict[str, str]:
    """The approved reminder template's variables (WhatsApp, outside the 24-hour window)."""
    return {"1": facts["kecamatan"], "2": facts["tanggal"], "3": facts["jam"], "4": facts["lokasi"]}


def kades_message(number: str | None, desa_nama: str, desa_kode: str, jenis: str,
                  facts: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A kepala desa's forwardable reminder for their desa (with its wa.me link) and its template variables."""
    link = wa_me_link(number, desa_nama, desa_kode) if number else render("link_missing")
    wilayah = f"{'Kelurahan' if jenis == 'kelurahan' else 'Desa'} {desa_nama}"
    return render(KADES_KIND, wilayah=wilayah, link=link, **facts), {**resident_vars(facts), "5": link}


def refresh_waiting(session: Session, runtime: Runtime, visit: Visit, now: datetime) -> int:
    """A reminder planned but not sent yet names the hours and venue of when it was planned: after an
    edit of the visit it would go out with old details (and a correction after it). Re-render the
    waiting rows with the visit as it is now; returns how many rows were rewritten."""
    facts = visit_facts(session, visit)
    waiting = (select(OutboxMessage.id, OutboxMessage.kind, Broadcast.kind, OutboxMessage.staff_id)
               .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
               .where(Broadcast.visit_id == visit.id, Broadcast.kind.in_(plan_kinds(runtime)),
                      OutboxMessage.status == OutboxStatus.PENDING)
               .with_for_update(of=OutboxMessage))
    rows = session.execute(waiting).all()
    desa_of = dict(_desa_of_kades(session, [staff for _, kind, _, staff in rows if kind == KADES_KIND]))
    number = runtime.settings.bot_whatsapp_number
    for row_id, kind, reminder, staff_id in rows:
        if kind == KADES_KIND and staff_id in desa_of:
            body, template_vars = kades_message(number, *desa_of[staff_id], facts)
        else:
            body, template_vars = reminder_text(reminder, facts), resident_vars(facts)
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                        .values(body=body, template_vars=template_vars, updated_at=now))
    return len(rows)


def plan_kinds(runtime: Runtime) -> list[str]:
    """The broadcast kinds that are reminders (h3, h1, hari_h …), not corrections."""
    return [k.name for k in parse_plan(runtime.settings.reminder_plan)]


def _desa_of_kades(session: Session, staff_ids: list[int]):
    if not staff_ids:
        return []
    rows = session.execute(select(Staff.id, Desa.nama, Desa.kode, Desa.jenis).join(Desa, Desa.id == Staff.desa_id)
                           .where(Staff.id.in_(staff_ids)))
    return [(staff_id, (nama, kode, jenis)) for staff_id, nama, kode, jenis in rows]


def count_recipients(session: Session, broadcast_id: int) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.broadcast_id == broadcast_id)) or 0
