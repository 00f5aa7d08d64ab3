"""Twilio status callbacks: move an outbox row forward, never backwards, once per (SID, status).

Every callback is first stored in `status_callback` with an atomic insert on the unique
(message_sid, status) pair, so a repeat changes nothing. A callback can overtake the sender's own
record of the SID (Twilio answers the POST, then calls back before our commit): it stays stored,
`apply_status_callback` returns False, and `replay_stored` applies it when the SID is recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from storage.db import utcnow
from storage.dialect import dialect_name, insert_for
from storage.models import OutboxMessage, OutboxStatus, Resident, StatusCallback

OPTED_OUT_CODE = "21610"
OUTSIDE_WINDOW_CODE = "63016"
# A question sent as content (buttons, a list) that Twilio or WhatsApp refused after accepting it:
# outside the window (quick replies and lists are session-only), content or variables not taken.
# The same question goes again as numbered text (the row's body).
CONTENT_REFUSED_CODES = frozenset({OUTSIDE_WINDOW_CODE, "20404", "21656", "63005", "63013", "63021", "63027",
                                   "63028", "63032"})

# How far along the way to the resident each state is. Failures end the way, except that a
# failure cannot undo a delivery Twilio already reported.
_PROGRESS = {
    "accepted": 1, "scheduled": 1, "queued": 1, "sending": 2, "sent": 3,
    "delivered": 4, "partially_delivered": 4, "read": 5,
}
_FAILURES = {"failed", "undelivered", "canceled"}
_ROW_PROGRESS = {
    OutboxStatus.PENDING: 0, OutboxStatus.CLAIMED: 0, OutboxStatus.QUEUED: 1, OutboxStatus.SENT: 3,
    OutboxStatus.DELIVERED: 4, OutboxStatus.READ: 5,
}
# The row status each Twilio state is recorded as ("sending" is still queued for us).
_AS_ROW_STATUS = {1: OutboxStatus.QUEUED, 2: OutboxStatus.QUEUED, 3: OutboxStatus.SENT,
                  4: OutboxStatus.DELIVERED, 5: OutboxStatus.READ}


def _insert_once(session: Session, message_sid: str, status: str, error_code: str | None) -> bool:
    """Store the callback; False when this (SID, status) was seen before."""
    stmt = (insert_for(dialect_name(session), StatusCallback)
            .values(message_sid=message_sid, status=status, error_code=error_code, received_at=utcnow())
            .on_conflict_do_nothing(index_elements=["message_sid", "status"]))
    # rowcount of an INSERT is only kept on request (SQLAlchemy 2.x preserve_rowcount).
    return session.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount == 1


def _normalise_code(error_code) -> str | None:
    code = str(error_code).strip() if error_code not in (None, "") else None
    return None if code in (None, "0") else code


def apply_status_callback(session: Session, message_sid: str, status: str, error_code,
                          error_message: str | None = None) -> bool:
    """Record one callback and apply it. False: no outbox row has this SID (yet).

    Runs in the caller's transaction; the caller commits.
    """
    status = (status or "").strip().lower()
    code = _normalise_code(error_code)
    first_time = _insert_once(session, message_sid, status, code)
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.twilio_sid == message_sid)
                         .with_for_update())
    if row is None:
        return False
    if first_time:
        _apply(session, row, status, code, error_message)
    return True


_CALLBACKS = StatusCallback.__table__
# Runs once per message sent: prebuilt, on the table (building the statement costs more than running it).
_STORED_FOR_SID = (select(_CALLBACKS.c.status, _CALLBACKS.c.error_code)
                   .where(_CALLBACKS.c.message_sid == bindparam("sid")).order_by(_CALLBACKS.c.id))


def callbacks_waiting(conn, message_sid: str) -> bool:
    """Whether callbacks for this SID arrived before the sender recorded it (rare; cheap to ask)."""
    return conn.execute(_STORED_FOR_SID, {"sid": message_sid}).first() is not None


def replay_stored(session: Session, message_sid: str) -> None:
    """Apply callbacks that arrived before the sender recorded this SID."""
    stored = session.execute(_STORED_FOR_SID, {"sid": message_sid}).all()
    if not stored:
        return
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.twilio_sid == message_sid))
    for status, code in stored:
        _apply(session, row, status, code, None)


def _apply(session: Session, row: OutboxMessage, status: str, code: str | None,
           error_message: str | None) -> None:
    current = _ROW_PROGRESS.get(row.status)  # None: the row already ended in failure
    if status in _FAILURES:
        if current is None or current >= 4:
            return  # already failed, or delivered: a late failure does not undo it
        if code == OPTED_OUT_CODE and row.resident_id is not None:
            _mark_opted_out(session, row.resident_id, utcnow())
        if row.content_sid is not None and code in CONTENT_REFUSED_CODES:
            row.error_code = code
            row.error_message = (f"interactive content {row.twilio_sid} refused ({code}) after sending: "
                                 "sent as numbered text")
            row.content_kind = None  # the variables stay: it was a question, it goes as text
            row.content_sid = row.twilio_sid = row.claimed_by = row.claimed_until = None
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = utcnow()
            return
        if code == OUTSIDE_WINDOW_CODE and not row.via_template:
            # Free text refused outside WhatsApp's 24-hour window: send it again as the approved
            # template of its kind (the sender fails it clearly when none is configured).
            row.status = OutboxStatus.PENDING
            row.via_template = True
            row.error_code, row.error_message = code, f"free-form {row.twilio_sid} refused (63016); re-sending by template"
            row.twilio_sid = None
            row.claimed_by = row.claimed_until = None
            row.next_attempt_at = utcnow()
            return
        row.status = OutboxStatus.UNDELIVERED if status == "undelivered" else (
            OutboxStatus.CANCELED if status == "canceled" else OutboxStatus.FAILED)
        row.error_code = code
        row.error_message = error_message or row.error_message
        return
    progress = _PROGRESS.get(status)
    if progress is None or current is None or progress <= current:
        return  # unknown status, a failed row, or an older state arriving late
    row.status = _AS_ROW_STATUS[progress]


def _mark_opted_out(session: Session, resident_id: int, at: datetime) -> None:
    session.execute(update(Resident).where(Resident.id == resident_id, Resident.opted_out_at.is_(None))
                    .values(opted_out_at=at))
