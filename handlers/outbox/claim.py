"""Claiming: which rows a sender takes, for how long, and the rule that makes recovery sound.

A claim (one short transaction) picks sendable rows of one lane (handlers.outbox.kinds.Lane)
with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises claims
instead), sets `status=claimed`, `claimed_by=<worker>`, `claimed_until=now+lease`, and commits.
Nobody else touches a claimed row while its lease runs. Rows whose lease ran out (their sender
died, or an attempt of its own was ambiguous) come first: they need a lookup at Twilio
(handlers.outbox.recover).

Two clocks, never mixed: what is *due* (next_attempt_at, expires_at, quiet hours) is judged at
the caller's `now`, which a `scheduler tick --now …` may simulate; who *holds* a row (the lease:
claimed_until, and updated_at while claimed, which recovery compares with Twilio's own times) is
always the database's clock (storage.db.database_now), the one every process and machine agrees
on. A tick hours behind the real time once took rows that live workers held and sent them twice.

At most one row is in flight (claimed) per recipient: see `_nothing_else_in_flight`.

Residents first: a claim for the broadcast lane looks at the residents' lane first, in the same
transaction, and takes residents' rows instead of broadcast rows whenever one is claimable; its
broadcast rows are chosen in a statement that finds no claimable residents' row (see
`_no_resident_row_claimable`). So a reply, once committed, is taken by the very next claim of any
sender (whichever lane that claim was for), before any broadcast row that was still unclaimed
when the reply was written: a broadcast row is only ever claimed in a snapshot where every reply
that was claimable is already claimed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, literal, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from handlers.outbox.kinds import Lane
from handlers.quiet_hours import QuietHours
from storage.db import UTCDateTime, database_now, utcnow
from storage.models import OutboxMessage, OutboxStatus

BACKOFF_BASE = timedelta(seconds=30)
# PostgreSQL: every residents' row written notifies this channel at its commit (a trigger,
# migration 0021), and each sender process listens (scheduler.sender), so a reply written by a
# web process wakes a sender at once instead of at its next look.
RESIDENT_NOTIFY_CHANNEL = "outbox_resident"
BACKOFF_CAP = timedelta(minutes=30)


@dataclass(frozen=True)
class Lease:
    worker: str
    seconds: float = 60.0
    http_timeout: float = 10.0

    @property
    def send_margin(self) -> timedelta:
        return timedelta(seconds=2 * self.http_timeout + 1)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of one claimed row, read in the claim transaction."""

    id: int
    kind: str
    lane: int  # handlers.outbox.kinds.Lane: a residents' row is paced as one (never skipped)
    channel: str
    to_phone: str
    body: str
    resident_id: int | None
    staff_id: int | None
    template_vars: dict[str, str] | None
    via_template: bool
    attempts: int
    claimed_until: datetime
    expires_at: datetime | None
    # Set when a dead worker's (or our own ambiguous) attempt may already have reached Twilio:
    # when the first such attempt was claimed (updated_at is kept while the row stays claimed),
    # and when its lease ended: Twilio created that attempt's message, if any, in between.
    attempt_began_at: datetime | None = None
    attempt_ended_by: datetime | None = None
    # A question with choices as WhatsApp content (handlers.interactive); `body` is its numbered
    # text. content_kind is cleared (the variables kept) once content was refused after sending.
    content_kind: str | None = None
    content_size: int | None = None
    content_variables: dict[str, str] | None = None
    error_code: str | None = None
    error_message: str | None = None


def cancel_stale(session: Session, now: datetime) -> int:
    """Cancel reminders whose moment passed unsent (a later reminder or the visit has come)."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.expires_at <= now)
        .values(status=OutboxStatus.CANCELED, error_message="stale: not sent before its moment passed",
                updated_at=now)
    ).rowcount


_OTHER = aliased(OutboxMessage)
# On PostgreSQL a claim holds a transaction lock per recipient (SQLite's BEGIN IMMEDIATE already
# serialises claims), and reads "nothing else in flight to this recipient" again once it holds
# them, in a statement of its own, so after any other claim to that recipient committed. Claims
# to other recipients never wait for each other: a reply's claim does not queue behind a
# broadcast's (one lock for all claims made it wait seconds).
_RECIPIENT_LOCKS_SQL = text(
    "SELECT k FROM unnest(CAST(:keys AS text[])) AS k WHERE pg_try_advisory_xact_lock(4821, hashtext(k))")


def _nothing_else_in_flight(now: datetime, *, orphan: bool):
    """No other row to the same recipient is claimed (for an orphan: under a lease still running).

    One row in flight per recipient is what makes crash recovery sound: whatever Twilio lists for
    that number, unheld by any row, since the attempt began, can only be that row's message. Two
    rows in flight at once (a ticket update and a survey, say) could not be told apart when
    Twilio shows no body (a template through a Messaging Service), so they are never in flight
    together: the second waits a claim.
    """
    other = select(_OTHER.id).where(_OTHER.status == OutboxStatus.CLAIMED, _OTHER.channel == OutboxMessage.channel,
                                    _OTHER.to_phone == OutboxMessage.to_phone)
    if orphan:
        other = other.where(_OTHER.id != OutboxMessage.id, _OTHER.claimed_until > now)
    return ~other.exists()


def _nothing_earlier_in_the_residents_lane():
    """No older residents' row to the same recipient is still waiting or in flight.

    Residents' rows may overtake broadcasts (a reply goes before a reminder), never the other way
    round: a survey written with the "your ticket is done" message that it follows must not
    arrive first. Within the residents' lane too, rows go in the order they were written: a
    reply's second message never overtakes its first (one waiting for a retry, or written by a
    web process whose clock is a little ahead)."""
    other = select(_OTHER.id).where(_OTHER.lane == int(Lane.RESIDENT),
                                    _OTHER.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
                                    _OTHER.channel == OutboxMessage.channel, _OTHER.to_phone == OutboxMessage.to_phone,
                                    _OTHER.id < OutboxMessage.id)
    return ~other.exists()


def _no_resident_row_claimable(now: datetime, quiet_now: bool):
    """No residents' row is claimable at `now`: pending, due, not expired, sendable in quiet hours
    when it is quiet, with nothing earlier of its recipient in the residents' lane and nothing of
    its recipient in flight — what a claim of the residents' lane would take (a row held back by
    one of those is not waiting for a claim, and does not hold a broadcast back). Judged in the
    statement that chooses broadcast rows, so in one snapshot with them."""
    resident = aliased(OutboxMessage)
    earlier, in_flight = aliased(OutboxMessage), aliased(OutboxMessage)
    claimable = select(resident.id).where(
        resident.lane == int(Lane.RESIDENT), resident.status == OutboxStatus.PENDING, resident.next_attempt_at <= now,
        or_(resident.expires_at.is_(None), resident.expires_at > now),
        ~select(earlier.id).where(earlier.lane == int(Lane.RESIDENT),
                                  earlier.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
                                  earlier.channel == resident.channel, earlier.to_phone == resident.to_phone,
                                  earlier.id < resident.id).exists(),
        ~select(in_flight.id).where(in_flight.status == OutboxStatus.CLAIMED, in_flight.channel == resident.channel,
                                    in_flight.to_phone == resident.to_phone).exists())
    if quiet_now:
        claimable = claimable.where(resident.respects_quiet_hours.is_(False))
    return ~claimable.exists()


def _recipients_held(session: Session, rows: list[OutboxMessage], held_now: datetime,
                     lane: Lane | None) -> list[OutboxMessage]:
    """The rows whose recipient this claim could lock (another claim holds the rest) and that are
    still free once it holds them, read in a new statement (a snapshot after any other claim to
    those recipients committed)."""
    keys = {f"{r.channel}:{r.to_phone}" for r in rows}
    locked = set(session.scalars(_RECIPIENT_LOCKS_SQL, {"keys": sorted(keys)}))
    rows = [r for r in rows if f"{r.channel}:{r.to_phone}" in locked]
    if not rows:
        return []
    other = select(_OTHER.id).where(_OTHER.status == OutboxStatus.CLAIMED, _OTHER.channel == OutboxMessage.channel,
                                    _OTHER.to_phone == OutboxMessage.to_phone, _OTHER.id != OutboxMessage.id,
                                    or_(OutboxMessage.status == OutboxStatus.PENDING, _OTHER.claimed_until > held_now))
    free = select(OutboxMessage.id).where(OutboxMessage.id.in_([r.id for r in rows]), ~other.exists(),
                                          _nothing_earlier_in_the_residents_lane())
    still = set(session.scalars(free))
    return [r for r in rows if r.id in still]


def _one_per_recipient(rows: list[OutboxMessage], taken: set[tuple[str, str]]) -> list[OutboxMessage]:
    kept = []
    for r in rows:
        if (r.channel, r.to_phone) not in taken:
            taken.add((r.channel, r.to_phone))
            kept.append(r)
    return kept


def claim(session: Session, *, lease: Lease, now: datetime, limit: int, quiet: QuietHours,
          lane: Lane | None = None, resident_limit: int | None = None) -> list[Claimed]:
    """Claim up to `limit` rows (of `lane`, or any) due at `now` for `lease.worker`, at most one per
    recipient and none to a recipient with a row already in flight. The lease is taken on the
    database's clock. Call inside a transaction that commits at once.

    For the broadcast lane (Lane.BULK), the residents' lane is looked at first: claimable
    residents' rows (up to `resident_limit`, default `limit`) are claimed instead, and broadcast
    rows only when none is claimable (module docstring)."""
    held_now = database_now(session.connection())
    if lane == Lane.BULK:
        residents = _claim(session, lease=lease, now=now, limit=resident_limit or limit, quiet=quiet,
                           lane=Lane.RESIDENT, held_now=held_now)
        if residents:
            return residents
    return _claim(session, lease=lease, now=now, limit=limit, quiet=quiet, lane=lane, held_now=held_now)


def _claim(session: Session, *, lease: Lease, now: datetime, limit: int, quiet: QuietHours,
           lane: Lane | None, held_now: datetime) -> list[Claimed]:
    quiet_now = quiet.contains(now)
    postgres = session.get_bind().dialect.name == "postgresql"

    def sendable(stmt):
        if lane is not None:
            stmt = stmt.where(OutboxMessage.lane == int(lane))
        stmt = stmt.where(_nothing_earlier_in_the_residents_lane())
        if lane == Lane.BULK:
            stmt = stmt.where(_no_resident_row_claimable(now, quiet_now))
        if quiet_now:
            stmt = stmt.where(OutboxMessage.respects_quiet_hours.is_(False))
        return stmt.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)

    taken: set[tuple[str, str]] = set()
    # Leases that ran out first: their rows have waited longest and need a lookup.
    # An orphan is looked up at Twilio one HTTP timeout after its lease ended: a request of a
    # sender that died (or stalled) just after its last check may reach Twilio a moment late.
    orphaned_by = held_now - timedelta(seconds=lease.http_timeout)
    orphans = _one_per_recipient(list(session.scalars(sendable(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.next_attempt_at <= now,
        OutboxMessage.claimed_until <= orphaned_by, _nothing_else_in_flight(held_now, orphan=True))))), taken)
    rows = list(orphans)
    if len(rows) < limit:
        rows += _one_per_recipient(list(session.scalars(sendable(select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
            _nothing_else_in_flight(held_now, orphan=False)))
            .limit(limit - len(rows)))), taken)
    if rows and postgres:
        rows = _recipients_held(session, rows, held_now, lane)
        orphans = [r for r in orphans if r in rows]
    if not rows:
        return []
    until = held_now + timedelta(seconds=lease.seconds)
    claimed = [
        Claimed(r.id, r.kind, r.lane, r.channel, r.to_phone, r.body, r.resident_id, r.staff_id, r.template_vars,
                r.via_template, r.attempts + 1, until, r.expires_at,
                attempt_began_at=r.updated_at if r.status == OutboxStatus.CLAIMED else None,
                attempt_ended_by=r.claimed_until if r.status == OutboxStatus.CLAIMED else None,
                content_kind=r.content_kind, content_size=r.content_size, content_variables=r.content_variables,
                error_code=r.error_code, error_message=r.error_message)
        for r in rows
    ]
    take = dict(status=OutboxStatus.CLAIMED, claimed_by=lease.worker, claimed_until=until,
                attempts=OutboxMessage.attempts + 1)
    if orphans:
        # updated_at stays (said explicitly, or its onupdate would move it): it marks when the
        # unresolved attempt began, for the Twilio lookup.
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in orphans]))
                        .values(**take, updated_at=OutboxMessage.updated_at),
                        execution_options={"synchronize_session": False})
    fresh = [r.id for r in rows if r.status == OutboxStatus.PENDING]
    if fresh:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(fresh)).values(**take, updated_at=held_now),
                        execution_options={"synchronize_session": False})
    return claimed



def backoff(attempts: int) -> timedelta:
    delay = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return delay * random.uniform(0.8, 1.2)  # jitter: retries of one burst do not come back together



def count_sendable(session: Session, now: datetime, quiet: QuietHours) -> int:
    """Rows a drain at `now` would pick up (for progress bars and idle checks)."""
    held_now = database_now(session.connection())
    stmt = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.next_attempt_at <= now,
        or_(and_(OutboxMessage.status == OutboxStatus.PENDING,
                 or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now)),
            and_(OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_until <= held_now)))
    if quiet.contains(now):
        stmt = stmt.where(OutboxMessage.respects_quiet_hours.is_(False))
    return session.scalar(stmt) or 0


def resident_claimable(session: Session, now: datetime, quiet: QuietHours) -> bool:
    """Whether a residents' row is claimable at `now` (what holds a broadcast claim back)."""
    return not session.scalar(select(_no_resident_row_claimable(now, quiet.contains(now))))


def resident_waiting(session: Session | Connection, now: datetime) -> bool:
    """Whether a residents' row is due at `now` (a look without locks, before a claim, so that
    the residents' lane can look often without queueing behind the claims of a broadcast). On
    PostgreSQL the sender looks on an autocommit connection: one round trip per look."""
    bind = session.get_bind() if isinstance(session, Session) else session
    held_now = func.now() if bind.dialect.name == "postgresql" else literal(utcnow(), UTCDateTime())
    resident = OutboxMessage.lane == int(Lane.RESIDENT)
    pending = select(OutboxMessage.id).where(resident, OutboxMessage.status == OutboxStatus.PENDING,
                                             OutboxMessage.next_attempt_at <= now)
    orphan = select(OutboxMessage.id).where(resident, OutboxMessage.status == OutboxStatus.CLAIMED,
                                            OutboxMessage.claimed_until <= held_now,
                                            OutboxMessage.next_attempt_at <= now)
    return bool(session.scalar(select(or_(pending.exists(), orphan.exists()))))
