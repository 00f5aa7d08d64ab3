"""A visit cancelled or moved: tell everyone who knows of it, and move its tickets along.

Who knows of a visit V: whoever was sent a reminder of V, whoever was sent a correction naming V
as the new date (V is itself a move's target, now changed again), and whoever holds an open
ticket for V. They get one correction of V's *outcome* — the end of its chain of moves
(storage.schedule.final_visit): "moved to <final date>" or "cancelled". One broadcast per
(visit, outcome) — kind "koreksi_batal" or "koreksi_pindah_YYYYMMDD" — unique like every
broadcast; each run tops it up with anyone told since (a reminder or correction that was in
flight when the visit changed), ON CONFLICT DO NOTHING on (broadcast, recipient), so running it
again, or on two clocks, adds no one twice. Someone who already has a correction of V with an
older outcome is left to the correction of the visit it named, so nobody hears the same change
twice. Reminders of V still waiting are canceled. Open tickets follow a move to the final visit
(so their holders get its reminders); a cancelled visit's tickets stay where they were.

Corrections are business-initiated: outside WhatsApp's 24-hour window the sender uses the
approved "correction" template with the stored variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from catalogue import render
from core.runtime import Runtime
from flows.dates import tanggal
from handlers.facts import CLOSED_TICKET
from handlers.outbox import SENT_STATES, insert_broadcast_rows
from handlers.quiet_hours import quiet_hours_of
from handlers.broadcasts import create_broadcast, insert_resident_rows, ticket_holders_of
from handlers.visit_text import visit_facts
from storage.models import (
    Broadcast, OutboxMessage, OutboxStatus, Resident, Ticket, TicketAction, TicketEvent, Visit, VisitStatus,
)
from storage.schedule import CHANGED, HISTORY_DAYS, final_visit


CORRECTION_PREFIX = "koreksi"
# A planned visit whose hours or venue changed keeps its date: its corrections are numbered
# ("koreksi_ubah_1", "_2", …), one per edit, so a later edit is a new outcome to tell.
EDITED_PREFIX = f"{CORRECTION_PREFIX}_ubah_"
KIND = "correction"
SUPERSEDED = "superseded by a later change"


@dataclass(frozen=True)
class Correction:
    broadcast_id: int
    visit_id: int
    kind: str
    added: int
    tickets_moved: int = 0


def _moved_kind(day: date) -> str:
    return f"{CORRECTION_PREFIX}_pindah_{day:%Y%m%d}"


def correction_kind(visit: Visit) -> str:
    outcome = final_visit(visit)
    if outcome.status == VisitStatus.CANCELLED:
        return f"{CORRECTION_PREFIX}_batal"
    if outcome is not visit:
        return _moved_kind(outcome.tanggal)
    return f"{CORRECTION_PREFIX}_pindah"


def _reminders_of(visit_id: int):
    return select(Broadcast.id).where(Broadcast.visit_id == visit_id,
                                      Broadcast.kind.not_like(f"{CORRECTION_PREFIX}%"))


def _naming(visit: Visit):
    """Corrections of other visits of its kecamatan that named this visit's date as the new one."""
    others = select(Visit.id).where(Visit.kecamatan_id == visit.kecamatan_id, Visit.id != visit.id)
    return select(Broadcast.id).where(Broadcast.kind == _moved_kind(visit.tanggal), Broadcast.visit_id.in_(others))


def _edits_of(visit_id: int):
    return select(Broadcast.id).where(Broadcast.visit_id == visit_id, Broadcast.kind.like(f"{EDITED_PREFIX}%"))


def supersede_edits(session: Session, visit_id: int, now: datetime) -> int:
    """An edit correction still waiting names hours or a venue no longer true: cancel it; its
    recipients are told again by the next correction of the visit (the redo rule)."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id.in_(_edits_of(visit_id)), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELED, error_message=SUPERSEDED, updated_at=now)
    ).rowcount


def _anyone_to_tell(session: Session, visit: Visit, superseded_from) -> bool:
    """Someone knows of the visit: a reminder or correction naming it was sent, a correction of
    `superseded_from` was cancelled before it went (they are told again), or an open ticket holds it."""
    told = select(OutboxMessage.id).where(OutboxMessage.broadcast_id.in_(_told_of(visit)),
                                          OutboxMessage.status.in_(SENT_STATES)).exists()
    redo = select(OutboxMessage.id).where(OutboxMessage.broadcast_id.in_(superseded_from),
                                          OutboxMessage.error_message == SUPERSEDED).exists()
    holders = select(Ticket.id).where(Ticket.visit_id == visit.id, Ticket.status.not_in(CLOSED_TICKET)).exists()
    return bool(session.scalar(select(told | redo | holders)))


def _told_of(visit: Visit):
    """Broadcasts whose sent rows told of this visit: its reminders, and corrections naming it. The
    staff's own messages about it (camat, preparation lists: kinds "staf_…") are not reminders: a
    correction worded for residents and kepala desa does not go to them."""
    return _reminders_of(visit.id).where(Broadcast.kind.not_like("staf\\_%", escape="\\")).union(_naming(visit))


def _own_corrections(visit_id: int):
    return select(Broadcast.id).where(Broadcast.visit_id == visit_id, Broadcast.kind.like(f"{CORRECTION_PREFIX}%"))


def supersede(session: Session, visit: Visit, now: datetime) -> list[int]:
    """A correction naming this visit that is still waiting would send a date no longer true:
    cancel it, and return the visits it corrected, to be corrected again with the new outcome."""
    rows = session.execute(select(OutboxMessage.id, Broadcast.visit_id)
                           .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
                           .where(OutboxMessage.broadcast_id.in_(_naming(visit)),
                                  OutboxMessage.status == OutboxStatus.PENDING)).all()
    if rows:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r[0] for r in rows]))
                        .values(status=OutboxStatus.CANCELED, error_message=SUPERSEDED, updated_at=now))
    return sorted({r[1] for r in rows})


def _chain_mates(session: Session, visit: Visit) -> list[int]:
    """The changed visits of the kecamatan whose chains end where this one's does."""
    outcome = final_visit(visit)
    return [v.id for v in session.scalars(select(Visit).where(
        Visit.kecamatan_id == visit.kecamatan_id, Visit.status.in_(CHANGED),
        Visit.tanggal >= min(visit.tanggal, outcome.tanggal) - timedelta(days=HISTORY_DAYS)))
        if final_visit(v).id == outcome.id]


@dataclass(frozen=True)
class _Recipients:
    """Who must not get this correction, as conditions on a recipient id column."""

    visit: Visit
    kind: str
    broadcast_id: int
    mates: list[int]
    edit: bool = False  # an edit is told to everyone who knows the visit, whatever they heard before

    def redo_from(self):
        """Broadcasts whose superseded rows must be told again by this correction."""
        return _edits_of(self.visit.id) if self.edit else _own_corrections(self.visit.id)

    def excluded(self, id_column: str, who):
        if self.edit:
            return literal(False)
        earlier = aliased(OutboxMessage)
        b = aliased(Broadcast)
        mine = getattr(earlier, id_column) == who
        live = earlier.status != OutboxStatus.CANCELED
        # Already has a correction of this visit with another outcome: the visit it named tells them.
        other_outcome = (select(earlier.id).join(b, b.id == earlier.broadcast_id)
                         .where(b.visit_id == self.visit.id, b.kind.like(f"{CORRECTION_PREFIX}%"),
                                b.kind.not_like(f"{EDITED_PREFIX}%"), b.kind != self.kind, live, mine).exists())
        # Already told this same outcome by the correction of another visit of the chain.
        same_outcome = (select(earlier.id).join(b, b.id == earlier.broadcast_id)
                        .where(b.visit_id.in_(self.mates), b.kind == self.kind, b.id != self.broadcast_id,
                               live, mine).exists())
        return other_outcome | same_outcome


def cancel_waiting_reminders(session: Session, visit_id: int, now: datetime) -> int:
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id.in_(_reminders_of(visit_id)), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELED, error_message="visit cancelled or moved", updated_at=now)
    ).rowcount


def correct_visit(session: Session, runtime: Runtime, visit_id: int, now: datetime, tz: ZoneInfo) -> Correction | None:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).options(selectinload(Visit.kecamatan)))
    if visit is None or visit.status not in CHANGED:
        return None
    cancel_waiting_reminders(session, visit_id, now)
    supersede_edits(session, visit_id, now)  # its hours/venue correction names a day that will not be
    reissued = 0  # corrections of earlier visits of the chain, re-issued with this change
    for earlier in supersede(session, visit, now):
        again = correct_visit(session, runtime, earlier, now, tz)
        reissued += again.added if again else 0
    if not _anyone_to_tell(session, visit, _own_corrections(visit_id)):
        return None if not reissued else Correction(0, visit_id, correction_kind(visit), reissued)
    kind = correction_kind(visit)
    outcome = final_visit(visit)
    broadcast_id = create_broadcast(session, visit_id, kind, now, now) or session.scalar(
        select(Broadcast.id).where(Broadcast.visit_id == visit_id, Broadcast.kind == kind))
    recipients = _Recipients(visit, kind, broadcast_id, _chain_mates(session, visit))
    body, template_vars, until = correction_text(session, visit, outcome, tz)
    send_from = quiet_hours_of(runtime.settings).next_end(now)
    holder_body = body + render("correction_ticket_follows" if outcome.status == VisitStatus.PLANNED
                                else "correction_ticket_cancelled")
    # Ticket holders first, so someone both reminded and holding a ticket gets the ticket's wording.
    added = insert_resident_rows(
        session, broadcast_id=broadcast_id, who=[*ticket_holders_of(visit_id), ~recipients.excluded("resident_id", Resident.id)],
        kind=KIND, body=holder_body, template_vars=template_vars, send_from=send_from, expires=until, now=now)
    added += _insert_told(session, OutboxMessage.resident_id, recipients, body, template_vars, send_from, until, now,
                          holder_body=holder_body, chain=[*recipients.mates, outcome.id])
    added += _insert_told(session, OutboxMessage.staff_id, recipients, render("correction_kades_intro") + body,
                          template_vars, send_from, until, now)
    if added:
        total = session.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.broadcast_id == broadcast_id))
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=total))
    moved = follow_move(session, visit, outcome, now) if outcome.status == VisitStatus.PLANNED else 0
    return Correction(broadcast_id, visit_id, kind, added + reissued, moved)


def correct_edit(session: Session, runtime: Runtime, visit_id: int, now: datetime, tz: ZoneInfo) -> Correction | None:
    """A planned visit's hours or venue changed (same date): everyone who knows of it — sent a
    reminder of it or a correction naming it, holding an open ticket for it, or whose earlier edit
    correction had not gone yet (superseded here) — gets one correction with the new details."""
    visit = session.scalar(select(Visit).where(Visit.id == visit_id)
                           .options(selectinload(Visit.kecamatan), selectinload(Visit.opd)))
    if visit is None or visit.status != VisitStatus.PLANNED:
        return None
    supersede_edits(session, visit_id, now)
    if not _anyone_to_tell(session, visit, _edits_of(visit_id)):
        return None
    edits = session.scalar(select(func.count()).select_from(_edits_of(visit_id).subquery()))
    kind = f"{EDITED_PREFIX}{edits + 1}"
    broadcast_id = create_broadcast(session, visit_id, kind, now, now)
    recipients = _Recipients(visit, kind, broadcast_id, [], edit=True)
    facts = visit_facts(session, visit)
    body = render("correction_changed", **facts)
    template_vars = {"1": visit.kecamatan.nama, "2": facts["tanggal"], "3": render("correction_change_changed", **facts)}
    until = datetime.combine(visit.tanggal + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    send_from = quiet_hours_of(runtime.settings).next_end(now)
    holder_body = body + render("correction_ticket_stays")
    added = insert_resident_rows(session, broadcast_id=broadcast_id, who=ticket_holders_of(visit_id), kind=KIND,
                                 body=holder_body, template_vars=template_vars, send_from=send_from, expires=until,
                                 now=now)
    added += _insert_told(session, OutboxMessage.resident_id, recipients, body, template_vars, send_from, until, now,
                          holder_body=holder_body, chain=[visit_id])
    added += _insert_told(session, OutboxMessage.staff_id, recipients, render("correction_kades_intro") + body,
                          template_vars, send_from, until, now)
    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=added))
    return Correction(broadcast_id, visit_id, kind, added)


def follow_move(session: Session, visit: Visit, outcome: Visit, now: datetime) -> int:
    """Open tickets of a moved visit now belong to the visit that will happen."""
    if outcome.id == visit.id:
        return 0
    tickets = session.scalars(select(Ticket).where(Ticket.visit_id == visit.id, Ticket.status.not_in(CLOSED_TICKET))
                              .with_for_update()).all()
    note = f"{tanggal(visit.tanggal)} → {tanggal(outcome.tanggal)}"
    for ticket in tickets:
        ticket.visit_id, ticket.updated_at = outcome.id, now
        session.add(TicketEvent(ticket_id=ticket.id, at=now, actor="system", action=TicketAction.JADWAL_DIPINDAH, note=note))
    return len(tickets)


def correction_text(session: Session, visit: Visit, outcome: Visit, tz: ZoneInfo) -> tuple[str, dict[str, str], datetime]:
    old = tanggal(visit.tanggal)
    if outcome.status == VisitStatus.PLANNED and outcome is not visit:
        new = visit_facts(session, outcome)
        body = render("correction_moved", tanggal_lama=old, **new)
        change = render("correction_change_moved", **new)
    else:
        body = render("correction_cancelled", kecamatan=visit.kecamatan.nama, tanggal_lama=old)
        change = render("correction_change_cancelled")
    last_day = max(visit.tanggal, outcome.tanggal)
    until = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return body, {"1": visit.kecamatan.nama, "2": old, "3": change}, until


def _body_for(who, body: str, holder_body: str | None, chain: list[int]):
    if holder_body is None:
        return literal(body)
    holds = select(Ticket.id).where(Ticket.resident_id == who, Ticket.visit_id.in_(chain),
                                    Ticket.status.not_in(CLOSED_TICKET)).exists()
    return case((holds, literal(holder_body)), else_=literal(body))


def _insert_told(session: Session, who, recipients: _Recipients, body: str, template_vars: dict[str, str],
                 send_from: datetime, until: datetime, now: datetime, *, holder_body: str | None = None,
                 chain: list[int] = ()) -> int:
    """Everyone (residents, or kepala desa) told of this visit, once each: sent a reminder of it or
    a correction naming it, or whose correction of it was superseded before it went. A resident
    holding an open ticket on the chain gets `holder_body` (their ticket's line)."""
    id_column = "resident_id" if who is OutboxMessage.resident_id else "staff_id"
    visit = recipients.visit
    told = OutboxMessage.broadcast_id.in_(_told_of(visit)) & OutboxMessage.status.in_(SENT_STATES)
    redo = OutboxMessage.broadcast_id.in_(recipients.redo_from()) & (OutboxMessage.error_message == SUPERSEDED)
    told_once = (
        select(func.min(OutboxMessage.channel), func.min(OutboxMessage.to_phone), who)
        .where(told | redo, who.is_not(None), ~recipients.excluded(id_column, who))
        .group_by(who)
    )
    return insert_broadcast_rows(session, told_once, recipient=id_column, kind=KIND,
                                 broadcast_id=recipients.broadcast_id, body=_body_for(who, body, holder_body, chain),
                                 template_vars=template_vars, send_from=send_from, expires_at=until, now=now)
