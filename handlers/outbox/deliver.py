"""Delivering claimed rows one by one: consent, the 24-hour window, template, send, record.

Sending is at most once per row, even when workers die or run side by side:

1. **Claim** (handlers.outbox.claim).
2. **Send** through Twilio, but only while `now < claimed_until - send_margin`, where
   `send_margin = 2 × HTTP timeout + 1 s` (connect + read). So every request a worker makes has
   finished, one way or the other, by the time its lease ends.
3. **Record** the SID (`status=queued`) in a transaction that only succeeds while the row is
   still ours and claimed. A row whose attempt may have reached Twilio unrecorded is first
   looked up there (handlers.outbox.recover).

Errors: HTTP 429, 20429, 63018, 30001, 21611 and unmade connections are retried with exponential
backoff; 21610 fails the row and marks the resident opted out; 63016 (free text outside WhatsApp's
24-hour window) is re-sent at once as the approved template of the row's kind; anything else
fails the row with Twilio's code and message.

A row with content (a question with choices: buttons or a list, handlers.interactive) is sent
with its template's ContentSid and the row's variables, the template created through the Content
API at first use. Any failure of the content — 63016, a refusal of the template or its variables,
a Content API that cannot create it — sends the row's body instead, the same question as numbered
text, and records why (error_code/error_message of the sent row); a transient or ambiguous error
is retried like any other. Outside the window, content is not tried at all.

Consent is checked right before each business-initiated send: a resident who opted out (or asked
to be erased) since the row was written gets nothing, and the row is canceled.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, bindparam, exists, literal_column, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.logging_setup import mask_phone
from handlers.transport import OutgoingMessage, SendError, Sender
from catalogue import for_channel
from handlers.outbox.claim import Claimed, Lease, backoff
from handlers.outbox.kinds import DIRECT_REPLY_KINDS, SCRUBBED_BODY, SECRET_KINDS
from handlers.outbox.recover import find_earlier_send
from handlers.status_callback import _CALLBACKS, callbacks_waiting, replay_stored
from storage.db import UTCDateTime
from storage.models import OutboxMessage, OutboxStatus, Resident, Staff

log = logging.getLogger(__name__)

WHATSAPP_WINDOW = timedelta(hours=24)
# How old a prefetched consent reading may be when its row is sent (an opt-out takes effect
# within this long for messages already being sent).
CONSENT_MAX_AGE = 2.0
PREFETCH = 20
TRANSIENT_CODES = frozenset({20429, 63018, 30001, 21611})
OPTED_OUT_CODE = 21610
OUTSIDE_WINDOW_CODE = 63016
CONTENT_GONE_CODE = 20404  # the ContentSid is not found at Twilio: the template was deleted there
MAX_ATTEMPTS = 8
# What deliver() returns when the row turned out to be no longer ours when its outcome was
# written: its lease ran out and another sender took it. Should never happen; a tick exits
# non-zero when it does (bot.cli.scheduler_cmd).
LOST = "lost_claim"


@dataclass(frozen=True)
class Recipient:
    opted_out: bool
    gone: bool  # erased resident or inactive staff
    last_inbound_at: datetime | None


class Deliverer:
    """Sends claimed rows one by one: consent, 24-hour window, template, send, record.

    One per worker thread (its own Twilio client). `clock` says what is due (a tick may simulate
    it: expiry, when to retry); `lease_clock` is the database's clock, the real time every process
    agrees on, in which leases run, attempts are dated for the lookup at Twilio
    (handlers.outbox.claim) and WhatsApp's 24-hour window is judged;
    `pace(row, within)` blocks until the account's rate (and the sender number's, if it has its
    own) allows one more request for that row, at most `within` seconds (False: no slot in time).
    """

    def __init__(self, sessions: sessionmaker, sender: Sender, *, lease: Lease, templates: dict[str, str],
                 clock: Callable[[], datetime], lease_clock: Callable[[], datetime],
                 pace: Callable[[Claimed, float], bool] = lambda _row, _within: True):
        self.sessions, self.sender, self.lease = sessions, sender, lease
        self.templates, self.clock, self.lease_clock, self.pace = templates, clock, lease_clock, pace
        self._consent: dict[tuple[str, int], tuple[Recipient, float]] = {}
        self._contents: dict[tuple[str, int], str] = {}

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
                    if not self._record_sent(row, sid, via_template=row.via_template):
                        return LOST
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
        use_template = row.channel == "whatsapp" and (row.via_template or self._outside_window(recipient, row))
        mode = "template" if use_template else "content" if self._has_content(row) else "text"
        # Why a question went as numbered text (content refused now, or by a callback before).
        fallback: tuple[str | None, str] | None = None
        refused_in_window = False  # free text refused (63016) although the window looked open
        recreated = False  # a template gone at Twilio (20404) is created again once per send
        if row.content_variables is not None and row.content_kind is None and row.error_message:
            fallback = (row.error_code, row.error_message)
        for _ in range(4):
            message = self._compose(row, mode)
            if isinstance(message, str):
                if mode == "content":
                    fallback, mode = (None, f"interactive content not sent ({message}): sent as numbered text"), "text"
                    # Expected in dry-run (no Content API); anything else is worth a look.
                    (log.info if message.startswith("LookupError") else log.warning)("outbox %s: %s", row.id, fallback[1])
                    continue
                if refused_in_window:
                    return self._finish(row, OutboxStatus.FAILED, str(OUTSIDE_WINDOW_CODE),
                                        f"outside the 24-hour window (63016) and {message}")
                return self._finish(row, OutboxStatus.FAILED, None, message)
            if not self._may_still_send(row):
                return self.release(row)
            try:
                result = self.sender.send(message)
            except SendError as exc:
                if mode == "content" and exc.code == CONTENT_GONE_CODE and not recreated:
                    recreated = True
                    self._forget_content(row.content_kind, row.content_size, message.content_sid)
                    log.warning("outbox %s: content template %s is gone at Twilio (20404); creating it again",
                                row.id, message.content_sid)
                    continue
                if mode == "content" and _content_refused(exc):
                    fallback = (str(exc.code), f"interactive content refused ({exc.code} {exc.message}): "
                                               "sent as numbered text")
                    log.warning("outbox %s: %s", row.id, fallback[1])
                    mode = "text"
                    continue
                if exc.code == OUTSIDE_WINDOW_CODE and mode == "text" and row.channel == "whatsapp":
                    mode, refused_in_window = "template", True
                    continue
                return self._failed_send(row, exc)
            done = self._record_sent(row, result.sid, via_template=mode == "template",
                                     content_sid=message.content_sid if mode == "content" else None,
                                     fallback=fallback)
            return "sent" if done else LOST
        return self._finish(row, OutboxStatus.FAILED, str(OUTSIDE_WINDOW_CODE), "template also refused (63016)")

    # -- decisions -------------------------------------------------------------------------
    def _outside_window(self, recipient: Recipient, row: Claimed) -> bool:
        # Meta counts the window in real time from the resident's last message (stamped by the
        # web on its real clock): a tick re-run hours late must not think a window still open.
        last = recipient.last_inbound_at
        if last is None and row.kind == "reply" and row.resident_id is None and row.staff_id is None:
            return False  # a reply to a number that is no one's any more (erased): it just wrote
        return last is None or self.lease_clock() - last > WHATSAPP_WINDOW

    @staticmethod
    def _has_content(row: Claimed) -> bool:
        return row.channel == "whatsapp" and row.content_kind is not None and row.content_variables is not None

    def _content_sid(self, kind: str, size: int) -> str:
        """The template of a question's shape: cached here, else read or created once for every
        process (handlers.interactive.content_sid_for)."""
        from handlers.interactive import content_sid_for

        found = self._contents.get((kind, size))
        if found is None:
            client = getattr(self.sender, "client", None)
            if client is None:
                raise LookupError("no Content API with this sender (dry-run)")
            found = self._contents[(kind, size)] = content_sid_for(self.sessions, client, kind, size)
        return found

    def _forget_content(self, kind: str, size: int, gone_sid: str) -> None:
        """The cached template of that shape, here and for every process, so the next send creates it again."""
        from handlers.interactive import forget_content

        if self._contents.get((kind, size)) == gone_sid:
            self._contents.pop((kind, size), None)
        forget_content(self.sessions, kind, size, gone_sid)

    def _compose(self, row: Claimed, mode: str) -> OutgoingMessage | str:
        if mode == "text":
            return OutgoingMessage(row.channel, row.to_phone, body=for_channel(row.body, row.channel))
        if mode == "content":
            try:
                content_sid = self._content_sid(row.content_kind, row.content_size)
            except Exception as exc:  # noqa: BLE001  (any failure of the Content API: text instead)
                return f"{type(exc).__name__}: {str(exc)[:200]}"
            return OutgoingMessage(row.channel, row.to_phone, content_sid=content_sid,
                                   content_variables=dict(row.content_variables))
        content_sid = self.templates.get(row.kind)
        if not content_sid:
            return (f"no approved WhatsApp template for kind '{row.kind}' (set TWILIO_TEMPLATE_{row.kind.upper()}); "
                    "free text is not allowed outside the 24-hour window")
        if row.template_vars is None:
            return f"no template variables stored for kind '{row.kind}'"
        return OutgoingMessage(row.channel, row.to_phone, content_sid=content_sid,
                               content_variables=dict(row.template_vars))

    def _may_still_send(self, row: Claimed) -> bool:
        """A slot of the account's rate while the lease still lets this request finish in time.
        The wait for the slot is bounded by the lease: a broadcast row waiting while replies
        take every slot is handed back (released) before its lease runs out, never left for
        another sender to find as an orphan (which a tick reported as a lost claim, exit 3)."""
        last_moment = row.claimed_until - self.lease.send_margin
        within = (last_moment - self.lease_clock()).total_seconds()
        if within <= 0 or not self.pace(row, within):
            return False
        return self.lease_clock() < last_moment

    def _find_earlier_send(self, row: Claimed) -> str | None:
        return find_earlier_send(self.sessions, self.sender, row, self.templates)

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
        # The same claim, not only the same worker: every claim counts an attempt, so a thread
        # that stalled past its lease cannot write over a sibling thread's later claim of the row.
        return and_(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.CLAIMED,
                    OutboxMessage.claimed_by == self.lease.worker, OutboxMessage.attempts == row.attempts)

    def _update(self, row: Claimed, *, touch: bool = True, **values) -> bool:
        # Untouched means untouched: without a value the column's onupdate would set it.
        values["updated_at"] = self.lease_clock() if touch else OutboxMessage.updated_at
        with self.sessions.begin() as session:
            _no_fsync_wait(session)
            done = session.execute(update(OutboxMessage).where(self._ours(row)).values(**values)).rowcount == 1
            if done and values.get("twilio_sid"):
                replay_stored(session, values["twilio_sid"])
            if not done:
                log.error("outbox %s: no longer claimed by %s when recording %s", row.id, self.lease.worker,
                          values.get("status"))
            return done

    def _record_sent(self, row: Claimed, sid: str, *, via_template: bool, content_sid: str | None = None,
                     fallback: tuple[str | None, str] | None = None) -> bool:
        """False when the row was no longer ours (its lease ran out and another sender took it)."""
        # The per-message hot path of a broadcast: a prebuilt statement instead of _update's.
        # Plain Core on a connection: the ORM session's machinery is the larger cost here.
        # On PostgreSQL one statement does the record, the no-fsync-wait setting (see
        # _no_fsync_wait) and the look for callbacks that came first: BEGIN, UPDATE…RETURNING,
        # COMMIT are three round trips per message where BEGIN, SET LOCAL, UPDATE, SELECT, COMMIT
        # were five — for every reply of the residents' lane as for a broadcast's rows.
        at = self.lease_clock()
        params = {"row_id": row.id, "worker": self.lease.worker, "claim_attempts": row.attempts, "sid": sid,
                  "at": at, "templated": via_template, "content_sid": content_sid,
                  "code": fallback[0] if fallback else None, "note": fallback[1] if fallback else None}
        with self.sessions.kw["bind"].begin() as conn:
            if conn.dialect.name == "postgresql":
                recorded = conn.execute(_RECORD_SENT_PG, params).first()
                done, waiting = recorded is not None, bool(recorded and recorded[0])
            else:
                done = conn.execute(_RECORD_SENT, params).rowcount == 1
                waiting = done and callbacks_waiting(conn, sid)
            if not done:
                log.error("outbox %s: no longer claimed by %s when recording its SID", row.id, self.lease.worker)
            else:
                if row.kind in SECRET_KINDS:
                    conn.execute(_SCRUB_SECRET, {"row_id": row.id})
                if waiting:
                    with Session(bind=conn) as session:  # a callback came first: apply it now
                        replay_stored(session, sid)
                        session.flush()
            return done

    def _finish(self, row: Claimed, status: str, code: str | None, message: str | None) -> str:
        scrub = {"body": SCRUBBED_BODY, "template_vars": null()} if row.kind in SECRET_KINDS else {}
        if not self._update(row, status=status, error_code=code, error_message=message, claimed_until=None, **scrub):
            return LOST
        log.info("outbox %s to %s: %s (%s)", row.id, mask_phone(row.to_phone), status, message or code)
        return str(status)

    def release(self, row: Claimed) -> str:
        """Lease too short to start another request safely: hand the row back untouched."""
        if not self._update(row, status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None,
                            attempts=OutboxMessage.attempts - 1):
            return LOST
        return "released"

    def _retry_lookup_later(self, row: Claimed, exc: SendError) -> str:
        wait = backoff(row.attempts)
        if not self._update(row, touch=False, claimed_until=self.lease_clock() + wait,
                            next_attempt_at=self.clock() + wait,
                            error_message=f"could not ask Twilio about an interrupted send: {exc.message}"):
            return LOST
        return "retry"

    def _failed_send(self, row: Claimed, exc: SendError) -> str:
        code = str(exc.code) if exc.code is not None else None
        described = f"{exc.http_status or '-'} {exc.message}".strip()
        if exc.code == OPTED_OUT_CODE:
            if row.resident_id is not None:
                with self.sessions.begin() as session:
                    session.execute(update(Resident).where(Resident.id == row.resident_id,
                                                           Resident.opted_out_at.is_(None))
                                    .values(opted_out_at=self.lease_clock()))
            return self._finish(row, OutboxStatus.FAILED, code, "recipient unsubscribed (21610); opted out")
        if exc.ambiguous or _transient(exc):
            if row.attempts >= MAX_ATTEMPTS and not exc.ambiguous:
                return self._finish(row, OutboxStatus.FAILED, code, f"gave up after {row.attempts} attempts: {described}")
            wait = backoff(row.attempts)
            at = self.clock() + wait
            if exc.ambiguous:
                # It may have reached Twilio: stay claimed; the lease (database clock) ends after
                # the backoff and the next claim asks Twilio before anything is sent again.
                kept = self._update(row, touch=False, claimed_until=self.lease_clock() + wait, next_attempt_at=at,
                                    error_code=code,
                                    error_message=f"unclear whether Twilio got it, will check: {described}")
            else:
                kept = self._update(row, status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None,
                                    next_attempt_at=at, error_code=code, error_message=f"will retry: {described}")
            if not kept:
                return LOST
            log.warning("outbox %s to %s: %s; retry at %s", row.id, mask_phone(row.to_phone), described, at)
            return "retry"
        return self._finish(row, OutboxStatus.FAILED, code, described)


def _transient(exc: SendError) -> bool:
    return exc.http_status == 429 or exc.code in TRANSIENT_CODES or (exc.http_status is None and exc.code is None)


def _content_refused(exc: SendError) -> bool:
    """A definite refusal of a content send that is not about the recipient: 63016 (buttons and
    lists are session-only), a template or variables Twilio would not take (20404, 21656, 63005,
    63021, 63027, 63028 …). The same question as numbered text may still go; a recipient who
    unsubscribed (21610) gets nothing, and a transient or ambiguous error is retried as content."""
    return not exc.ambiguous and not _transient(exc) and exc.code != OPTED_OUT_CODE


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
# A login code's row keeps no code once Twilio has it (the code table keeps only its hash).
_SCRUB_SECRET = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id")).values(body=SCRUBBED_BODY,
                                                                                  template_vars=null())
_RECORD_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status == OutboxStatus.CLAIMED,
           _OUTBOX.c.claimed_by == bindparam("worker"), _OUTBOX.c.attempts == bindparam("claim_attempts"))
    .values(status=OutboxStatus.QUEUED, twilio_sid=bindparam("sid"), sent_at=bindparam("at", type_=UTCDateTime()),
            updated_at=bindparam("at", type_=UTCDateTime()), via_template=bindparam("templated"),
            claimed_until=None, content_sid=bindparam("content_sid"),
            # NULL, or why a question went as numbered text (its content refused)
            error_code=bindparam("code"), error_message=bindparam("note"))
)
# PostgreSQL: the record, synchronous_commit off for its transaction (set_config(…, true), read at
# COMMIT) and whether callbacks for the SID are stored, in one statement.
_RECORD_SENT_PG = (
    _RECORD_SENT.where(literal_column("set_config('synchronous_commit', 'off', true)").is_not(None))
    .returning(exists().where(_CALLBACKS.c.message_sid == bindparam("sid")))
)
