"""The outbox: every message that is not a direct reply, and how each is sent exactly once.

Writing: `enqueue` adds a row in the caller's transaction (the change that caused the message and
the message commit together, or neither does).

Sending, at most once per row, even when workers die or run side by side:

1. **Claim** (one short transaction): pick sendable rows with `FOR UPDATE SKIP LOCKED` (PostgreSQL;
   SQLite's `BEGIN IMMEDIATE` serialises claims instead), set `status=claimed`,
   `claimed_by=<worker>`, `claimed_until=now+lease`, commit. Nobody else touches a claimed row while
   its lease runs.
2. **Send** through Twilio, but only while `now < claimed_until - send_margin`, where
   `send_margin = 2 × HTTP timeout + 1 s` (connect + read). So every request a worker makes has
   finished, one way or the other, by the time its lease ends.
3. **Record** the SID (`status=queued`) in a transaction that only succeeds while the row is
   still ours and claimed.

A worker that died between 2 and 3 leaves a row `claimed` with an expired lease. The next claim
picks such rows first and **asks Twilio before re-sending**: it lists messages to that number
created while the old claim could still send, from when it began to when its lease ended, with
a few minutes' slack either side (GET …/Messages.json?To=…, newest first), and takes an
outbound-api message whose SID no outbox row holds and whose body is this row's body (any such
message, when the row goes by template, whose rendered text we cannot predict). Found → its SID is
recorded and nothing is sent. Not found → the old request never reached Twilio, and it is safe to
send. An ambiguous failure of our own (read timeout, connection cut mid-response, HTTP 5xx) is
resolved the same way: the row stays claimed with a lease ending after the backoff.

Errors: HTTP 429, 20429, 63018, 30001, 21611 and unmade connections are retried with exponential
backoff; 21610 fails the row and marks the resident opted out; 63016 (free text outside WhatsApp's
24-hour window) is re-sent at once as the approved template of the row's kind; anything else
fails the row with Twilio's code and message.

Consent is checked right before each business-initiated send: a resident who opted out (or asked
to be erased) since the row was written gets nothing, and the row is canceled.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, bindparam, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from catalogue import TWILIO_BODY_LIMIT, for_channel
from bot.logging_setup import mask_phone
from bot.transport import OutgoingMessage, SendError, Sender
from handlers.quiet_hours import QuietHours
from handlers.status_callback import callbacks_waiting, replay_stored
from storage.db import UTCDateTime, utcnow
from storage.models import OutboxMessage, OutboxStatus, Resident, Staff, StatusCallback

log = logging.getLogger(__name__)

# Kinds that answer something the person asked for (a chat with a petugas, news of their own
# ticket): sent even after an opt-out of reminders. Twilio's own STOP (21610) still blocks them.
DIRECT_REPLY_KINDS = frozenset({"reply", "relay", "handoff_notice", "handoff_timeout", "ticket_update",
                                "proposal_update", "login_code"})
CHANNELS = frozenset({"whatsapp", "sms"})
WHATSAPP_WINDOW = timedelta(hours=24)
# How old a prefetched consent reading may be when its row is sent (an opt-out takes effect
# within this long for messages already being sent).
CONSENT_MAX_AGE = 2.0
PREFETCH = 20
TRANSIENT_CODES = frozenset({20429, 63018, 30001, 21611})
OPTED_OUT_CODE = 21610
OUTSIDE_WINDOW_CODE = 63016
OUTSIDE_WINDOW_CODE_TEXT = str(OUTSIDE_WINDOW_CODE)
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=30)
# Twilio's date_created has one-second precision, and machines' clocks differ a little.
LOOKUP_SLACK = timedelta(minutes=5)
SENT_STATES = (OutboxStatus.QUEUED, OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)


def enqueue(session: Session, *, kind: str, channel: str, to_phone: str, body: str,
            resident_id: int | None = None, staff_id: int | None = None, ticket_id: int | None = None,
            broadcast_id: int | None = None, template_vars: dict[str, str] | None = None,
            respects_quiet_hours: bool = False, expires_at: datetime | None = None) -> OutboxMessage:
    """Add one outgoing message to the caller's transaction (no commit here).

    `template_vars` fill the approved WhatsApp template of `kind` (settings.templates), used when
    the recipient last wrote more than 24 h ago or free text is refused (63016). Bodies longer
    than one Twilio message must be split by the caller (catalogue.split_body).
    """
    if channel not in CHANNELS:
        raise ValueError(f"outbox channel must be one of {sorted(CHANNELS)}, not {channel!r}")
    if len(body) > TWILIO_BODY_LIMIT:
        raise ValueError(f"body of {len(body)} characters; split it (limit {TWILIO_BODY_LIMIT})")
    now = utcnow()
    row = OutboxMessage(kind=kind, channel=channel, to_phone=to_phone, body=body, resident_id=resident_id,
                        staff_id=staff_id, ticket_id=ticket_id, broadcast_id=broadcast_id,
                        template_vars=template_vars, via_template=False,
                        respects_quiet_hours=respects_quiet_hours, status=OutboxStatus.PENDING,
                        attempts=0, next_attempt_at=now, expires_at=expires_at, created_at=now,
                        updated_at=now)
    session.add(row)
    session.flush()
    return row


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


def cancel_stale(session: Session, now: datetime) -> int:
    """Cancel reminders whose moment passed unsent (a later reminder or the visit has come)."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.expires_at <= now)
        .values(status=OutboxStatus.CANCELED, error_message="stale: not sent before its moment passed",
                updated_at=now)
    ).rowcount


_OTHER = aliased(OutboxMessage)
# Claims take turns on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises them), so that
# "nothing else in flight to this recipient" is read after the previous claim committed.
_CLAIM_LOCK_SQL = "SELECT pg_advisory_xact_lock(4821120612)"


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


def _one_per_recipient(rows: list[OutboxMessage], taken: set[tuple[str, str]]) -> list[OutboxMessage]:
    kept = []
    for r in rows:
        if (r.channel, r.to_phone) not in taken:
            taken.add((r.channel, r.to_phone))
            kept.append(r)
    return kept


def claim(session: Session, *, lease: Lease, now: datetime, limit: int, quiet: QuietHours) -> list[Claimed]:
    """Claim up to `limit` rows for `lease.worker`, at most one per recipient and none to a
    recipient with a row already in flight. Call inside a transaction that commits at once."""
    quiet_now = quiet.contains(now)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_CLAIM_LOCK_SQL))

    def sendable(stmt):
        if quiet_now:
            stmt = stmt.where(OutboxMessage.respects_quiet_hours.is_(False))
        return stmt.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)

    taken: set[tuple[str, str]] = set()
    # Leases that ran out first: their rows have waited longest and need a lookup.
    orphans = _one_per_recipient(list(session.scalars(sendable(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.next_attempt_at <= now,
        OutboxMessage.claimed_until <= now, _nothing_else_in_flight(now, orphan=True))))), taken)
    rows = list(orphans)
    if len(rows) < limit:
        rows += _one_per_recipient(list(session.scalars(sendable(select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
            _nothing_else_in_flight(now, orphan=False)))
            .limit(limit - len(rows)))), taken)
    if not rows:
        return []
    until = now + timedelta(seconds=lease.seconds)
    claimed = [
        Claimed(r.id, r.kind, r.channel, r.to_phone, r.body, r.resident_id, r.staff_id, r.template_vars,
                r.via_template, r.attempts + 1, until, r.expires_at,
                attempt_began_at=r.updated_at if r.status == OutboxStatus.CLAIMED else None,
                attempt_ended_by=r.claimed_until if r.status == OutboxStatus.CLAIMED else None)
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
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(fresh)).values(**take, updated_at=now),
                        execution_options={"synchronize_session": False})
    return claimed


def backoff(attempts: int) -> timedelta:
    delay = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return delay * random.uniform(0.8, 1.2)  # jitter: retries of one burst do not come back together


@dataclass(frozen=True)
class Recipient:
    opted_out: bool
    gone: bool  # erased resident or inactive staff
    last_inbound_at: datetime | None


class Deliverer:
    """Sends claimed rows one by one: consent, 24-hour window, template, send, record.

    One per worker thread (its own Twilio client). `clock` gives the current instant, `pace`
    blocks until the rate limit allows one more request.
    """

    def __init__(self, sessions: sessionmaker, sender: Sender, *, lease: Lease, templates: dict[str, str],
                 clock: Callable[[], datetime], pace: Callable[[], None] = lambda: None):
        self.sessions, self.sender, self.lease = sessions, sender, lease
        self.templates, self.clock, self.pace = templates, clock, pace
        self._consent: dict[tuple[str, int], tuple[Recipient, float]] = {}

    # -- one row ---------------------------------------------------------------------------
    def deliver(self, row: Claimed) -> str:
        """Send one claimed row; returns what happened (sent, recovered, retry, failed, …)."""
        if row.attempt_began_at is not None:
            try:
                sid = self._find_earlier_send(row)
            except SendError as exc:
                return self._retry_lookup_later(row, exc)
            if sid:
                try:
                    self._record_sent(row, sid, via_template=row.via_template)
                except IntegrityError:
                    # Another row holds that SID now: it was that row's message, sent while we
                    # looked and recorded just before us. Look again later, when it is known.
                    return self._retry_lookup_later(row, SendError("a message found at Twilio belongs to another row"))
                log.info("outbox %s: found at Twilio as %s after an interrupted send; not re-sent", row.id, sid)
                return "recovered"
        if row.expires_at is not None and self.clock() >= row.expires_at:
            return self._finish(row, OutboxStatus.CANCELED, None, "stale: not sent before its moment passed")
        recipient = self._recipient(row)
        if recipient.gone:
            return self._finish(row, OutboxStatus.CANCELED, None, "recipient erased or inactive")
        if recipient.opted_out and row.kind not in DIRECT_REPLY_KINDS:
            return self._finish(row, OutboxStatus.CANCELED, None, "recipient opted out")
        use_template = row.channel == "whatsapp" and (row.via_template or self._outside_window(recipient))
        message = self._compose(row, use_template)
        if isinstance(message, str):
            return self._finish(row, OutboxStatus.FAILED, None, message)
        for _ in range(2):
            if not self._may_still_send(row):
                return self.release(row)
            try:
                result = self.sender.send(message)
            except SendError as exc:
                if exc.code == OUTSIDE_WINDOW_CODE and not use_template and row.channel == "whatsapp":
                    use_template = True
                    message = self._compose(row, True)
                    if isinstance(message, str):
                        return self._finish(row, OutboxStatus.FAILED, str(OUTSIDE_WINDOW_CODE),
                                            f"outside the 24-hour window (63016) and {message}")
                    continue
                return self._failed_send(row, exc)
            self._record_sent(row, result.sid, via_template=use_template)
            return "sent"
        return self._finish(row, OutboxStatus.FAILED, str(OUTSIDE_WINDOW_CODE), "template also refused (63016)")

    # -- decisions -------------------------------------------------------------------------
    def _outside_window(self, recipient: Recipient) -> bool:
        last = recipient.last_inbound_at
        return last is None or self.clock() - last > WHATSAPP_WINDOW

    def _compose(self, row: Claimed, use_template: bool) -> OutgoingMessage | str:
        if not use_template:
            return OutgoingMessage(row.channel, row.to_phone, body=for_channel(row.body, row.channel))
        content_sid = self.templates.get(row.kind)
        if not content_sid:
            return (f"no approved WhatsApp template for kind '{row.kind}' (set TWILIO_TEMPLATE_{row.kind.upper()}); "
                    "free text is not allowed outside the 24-hour window")
        if row.template_vars is None:
            return f"no template variables stored for kind '{row.kind}'"
        return OutgoingMessage(row.channel, row.to_phone, content_sid=content_sid,
                               content_variables=dict(row.template_vars))

    def _may_still_send(self, row: Claimed) -> bool:
        self.pace()
        return self.clock() < row.claimed_until - self.lease.send_margin

    def _find_earlier_send(self, row: Claimed) -> str | None:
        since = row.attempt_began_at - LOOKUP_SLACK
        # Only what was created while the interrupted attempt could still send: a later message
        # to the same number (the next reminder of the same visit, say) is another row's.
        until = row.attempt_ended_by + LOOKUP_SLACK if row.attempt_ended_by else None
        records = [r for r in self.sender.find_sent(row.channel, row.to_phone, since)
                   if r.direction == "outbound-api"  # not TwiML replies ("outbound-reply")
                   and (until is None or r.date_created is None or r.date_created <= until)]
        if not records:
            return None
        sids = [r.sid for r in records]
        with self.sessions() as session:
            held = set(session.scalars(select(OutboxMessage.twilio_sid).where(OutboxMessage.twilio_sid.in_(sids))))
            # A free-form message Twilio refused outside the window (63016) was let go by its
            # row, which went on by template: it is not that row's message any more.
            let_go = set(session.scalars(select(StatusCallback.message_sid).where(
                StatusCallback.message_sid.in_(sids), StatusCallback.error_code == OUTSIDE_WINDOW_CODE_TEXT)))
        # Nothing else was in flight to this recipient (see claim), so a message unheld by any
        # row is this row's, as long as it has the shape this row's attempt could have had.
        found = [r for r in records if r.sid not in held and r.sid not in let_go and self._could_be(row, r)]
        if len(found) > 1:
            log.warning("outbox %s: %d unclaimed messages at Twilio for one interrupted send; taking the first",
                        row.id, len(found))
        return found[-1].sid if found else None  # newest first: the last is the earliest

    def _could_be(self, row: Claimed, record) -> bool:
        """Whether `record` could be what this row's attempt created: its free text, or (when a
        template could have gone instead) a template: empty through a Messaging Service, else
        rendered with the row's variables."""
        if record.body == for_channel(row.body, row.channel):
            return True
        template_possible = (row.channel == "whatsapp" and bool(self.templates.get(row.kind))
                             and row.template_vars is not None)
        return template_possible and (record.body == "" or _carries_variables(record.body, row))

    def prefetch(self, rows: list[Claimed]) -> None:
        """Read consent and the 24-hour window for the next few rows in two queries; each stays
        good for CONSENT_MAX_AGE, so "checked right before the send" still holds to the second."""
        residents = [r.resident_id for r in rows if r.resident_id is not None]
        staff = [r.staff_id for r in rows if r.staff_id is not None]
        read_at = time.monotonic()
        with self.sessions() as session:
            if residents:
                found = {r.id: r for r in session.execute(_RESIDENTS_CONSENT, {"ids": residents})}
                for rid in residents:
                    self._consent[("r", rid)] = (_resident_recipient(found.get(rid)), read_at)
            if staff:
                found = {s.id: s for s in session.execute(_STAFF_ACTIVE, {"ids": staff})}
                for sid in staff:
                    self._consent[("s", sid)] = (_staff_recipient(found.get(sid)), read_at)

    def _recipient(self, row: Claimed) -> Recipient:
        """Consent and the 24-hour window, read right before the send (or prefetched just now)."""
        key = ("r", row.resident_id) if row.resident_id is not None else ("s", row.staff_id)
        if key[1] is None:
            return Recipient(False, False, None)
        cached = self._consent.pop(key, None)
        if cached is not None and time.monotonic() - cached[1] <= CONSENT_MAX_AGE:
            return cached[0]
        self.prefetch([row])
        return self._consent.pop(key)[0]

    # -- writing outcomes (each only while the row is still ours) --------------------------
    def _ours(self, row: Claimed):
        return and_(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.CLAIMED,
                    OutboxMessage.claimed_by == self.lease.worker)

    def _update(self, row: Claimed, *, touch: bool = True, **values) -> bool:
        # Untouched means untouched: without a value the column's onupdate would set it.
        values["updated_at"] = self.clock() if touch else OutboxMessage.updated_at
        with self.sessions.begin() as session:
            _no_fsync_wait(session)
            done = session.execute(update(OutboxMessage).where(self._ours(row)).values(**values)).rowcount == 1
            if done and values.get("twilio_sid"):
                replay_stored(session, values["twilio_sid"])
            if not done:
                log.error("outbox %s: no longer claimed by %s when recording %s", row.id, self.lease.worker,
                          values.get("status"))
            return done

    def _record_sent(self, row: Claimed, sid: str, *, via_template: bool) -> None:
        # The per-message hot path of a broadcast: a prebuilt statement instead of _update's.
        # Plain Core on a connection: the ORM session's machinery is the larger cost here.
        at = self.clock()
        with self.sessions.kw["bind"].begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(_SYNC_OFF_SQL)  # see _no_fsync_wait
            done = conn.execute(_RECORD_SENT, {"row_id": row.id, "worker": self.lease.worker, "sid": sid,
                                               "at": at, "templated": via_template}).rowcount == 1
            if not done:
                log.error("outbox %s: no longer claimed by %s when recording its SID", row.id, self.lease.worker)
            elif callbacks_waiting(conn, sid):
                with Session(bind=conn) as session:  # a callback came first: apply it now
                    replay_stored(session, sid)
                    session.flush()

    def _finish(self, row: Claimed, status: str, code: str | None, message: str | None) -> str:
        self._update(row, status=status, error_code=code, error_message=message, claimed_until=None)
        log.info("outbox %s to %s: %s (%s)", row.id, mask_phone(row.to_phone), status, message or code)
        return str(status)

    def release(self, row: Claimed) -> str:
        """Lease too short to start another request safely: hand the row back untouched."""
        self._update(row, status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None,
                     attempts=OutboxMessage.attempts - 1)
        return "released"

    def _retry_lookup_later(self, row: Claimed, exc: SendError) -> str:
        at = self.clock() + backoff(row.attempts)
        self._update(row, touch=False, claimed_until=at, next_attempt_at=at,
                     error_message=f"could not ask Twilio about an interrupted send: {exc.message}")
        return "retry"

    def _failed_send(self, row: Claimed, exc: SendError) -> str:
        code = str(exc.code) if exc.code is not None else None
        described = f"{exc.http_status or '-'} {exc.message}".strip()
        if exc.code == OPTED_OUT_CODE:
            if row.resident_id is not None:
                with self.sessions.begin() as session:
                    session.execute(update(Resident).where(Resident.id == row.resident_id,
                                                           Resident.opted_out_at.is_(None))
                                    .values(opted_out_at=self.clock()))
            return self._finish(row, OutboxStatus.FAILED, code, "recipient unsubscribed (21610); opted out")
        transient = (exc.http_status == 429 or exc.code in TRANSIENT_CODES
                     or (exc.http_status is None and exc.code is None))
        if exc.ambiguous or transient:
            if row.attempts >= MAX_ATTEMPTS and not exc.ambiguous:
                return self._finish(row, OutboxStatus.FAILED, code, f"gave up after {row.attempts} attempts: {described}")
            at = self.clock() + backoff(row.attempts)
            if exc.ambiguous:
                # It may have reached Twilio: stay claimed; the lease ends at `at` and the
                # next claim asks Twilio before anything is sent again.
                self._update(row, touch=False, claimed_until=at, next_attempt_at=at, error_code=code,
                             error_message=f"unclear whether Twilio got it, will check: {described}")
            else:
                self._update(row, status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None,
                             next_attempt_at=at, error_code=code, error_message=f"will retry: {described}")
            log.warning("outbox %s to %s: %s; retry at %s", row.id, mask_phone(row.to_phone), described, at)
            return "retry"
        return self._finish(row, OutboxStatus.FAILED, code, described)


def _no_fsync_wait(session: Session) -> None:
    """Losing an outcome's commit in a database crash is the same as a worker dying before it: the
    row stays claimed and the Twilio lookup finds the message. The claim itself (before the send)
    is committed durably. So no fsync wait per message here."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(_SYNC_OFF_SQL)


_SYNC_OFF_SQL = "SET LOCAL synchronous_commit TO OFF"


_RESIDENTS, _STAFF = Resident.__table__, Staff.__table__
_RESIDENTS_CONSENT = select(_RESIDENTS.c.id, _RESIDENTS.c.opted_out_at, _RESIDENTS.c.erased_at, _RESIDENTS.c.phone,
                            _RESIDENTS.c.last_inbound_at).where(_RESIDENTS.c.id.in_(bindparam("ids", expanding=True)))
_STAFF_ACTIVE = (select(_STAFF.c.id, _STAFF.c.active, _STAFF.c.last_inbound_at)
                 .where(_STAFF.c.id.in_(bindparam("ids", expanding=True))))


def _resident_recipient(r) -> Recipient:
    if r is None:
        return Recipient(False, True, None)
    return Recipient(r.opted_out_at is not None, r.erased_at is not None or r.phone is None, r.last_inbound_at)


def _staff_recipient(s) -> Recipient:
    if s is None:
        return Recipient(False, True, None)
    return Recipient(False, not s.active, s.last_inbound_at)
_OUTBOX = OutboxMessage.__table__
_RECORD_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status == OutboxStatus.CLAIMED,
           _OUTBOX.c.claimed_by == bindparam("worker"))
    .values(status=OutboxStatus.QUEUED, twilio_sid=bindparam("sid"), sent_at=bindparam("at", type_=UTCDateTime()),
            updated_at=bindparam("at", type_=UTCDateTime()), via_template=bindparam("templated"),
            claimed_until=None, error_code=None, error_message=None)
)


def _carries_variables(body: str, row: Claimed) -> bool:
    """A template rendered by Twilio shows its variables. Only a filter (is this message of a
    template shape?), never a way to choose between rows: one row is in flight per recipient."""
    values = [v for v in (row.template_vars or {}).values() if v]
    return all(v in body for v in values)


__all__ = ["enqueue", "claim", "cancel_stale", "Deliverer", "Lease", "Claimed", "backoff",
           "DIRECT_REPLY_KINDS", "SENT_STATES"]


def count_sendable(session: Session, now: datetime, quiet: QuietHours) -> int:
    """Rows a drain at `now` would pick up (for progress bars and idle checks)."""
    from sqlalchemy import func

    stmt = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.next_attempt_at <= now,
        or_(and_(OutboxMessage.status == OutboxStatus.PENDING,
                 or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now)),
            and_(OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_until <= now)))
    if quiet.contains(now):
        stmt = stmt.where(OutboxMessage.respects_quiet_hours.is_(False))
    return session.scalar(stmt) or 0
