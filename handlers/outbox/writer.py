"""The one outbox writer: a row in the caller's transaction (the change that caused the message
and the message commit together, or neither does), or many rows from one INSERT … SELECT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ColumnElement, Select, cast, insert, literal
from sqlalchemy.orm import Session

from catalogue import TWILIO_BODY_LIMIT
from handlers.outbox.kinds import CHANNELS, kind_of
from storage.db import UTCDateTime, utcnow
from storage.dialect import dialect_name, insert_for
from storage.models import OutboxMessage, OutboxStatus


def _checked(kind: str, template_vars: dict[str, str] | None):
    declared = kind_of(kind)
    if template_vars and not set(template_vars) <= set(declared.template_vars):
        raise ValueError(f"outbox kind {kind!r} takes template variables {declared.template_vars}, "
                         f"not {sorted(template_vars)}")
    return declared


def enqueue(session: Session, *, kind: str, channel: str, to_phone: str, body: str,
            resident_id: int | None = None, staff_id: int | None = None, ticket_id: int | None = None,
            broadcast_id: int | None = None, template_vars: dict[str, str] | None = None,
            respects_quiet_hours: bool | None = None, expires_at: datetime | None = None,
            content_kind: str | None = None, content_size: int | None = None,
            content_variables: dict[str, str] | None = None) -> OutboxMessage:
    """Add one outgoing message to the caller's transaction (no commit here).

    `template_vars` fill the approved WhatsApp template of `kind` (settings.templates), used when
    the recipient last wrote more than 24 h ago or free text is refused (63016). Bodies longer
    than one Twilio message must be split by the caller (catalogue.split_body). Quiet hours
    follow the kind (handlers.outbox.kinds) unless said otherwise.

    `content_*`: a question with choices sent as WhatsApp content (handlers.interactive: the shape
    of its template and the variables); `body` is then its numbered text, sent instead wherever
    content cannot be (SMS, 63016, a Content API failure).
    """
    row = OutboxMessage(**_values(utcnow(), kind=kind, channel=channel, to_phone=to_phone, body=body,
                                  resident_id=resident_id, staff_id=staff_id, ticket_id=ticket_id,
                                  broadcast_id=broadcast_id, template_vars=template_vars,
                                  respects_quiet_hours=respects_quiet_hours, expires_at=expires_at,
                                  content_kind=content_kind, content_size=content_size,
                                  content_variables=content_variables))
    session.add(row)
    session.flush()
    return row


def enqueue_all(session: Session, messages: list[dict]) -> int:
    """Several outgoing messages (each the keywords of `enqueue`) in the caller's transaction, in
    one INSERT and in their order (ids ascending), without mapped objects: the processor writes
    every reply this way. Returns the number of rows."""
    if not messages:
        return 0
    now = utcnow()
    session.execute(insert(OutboxMessage.__table__), [_values(now, **message) for message in messages])
    return len(messages)


def _values(now: datetime, *, kind: str, channel: str, to_phone: str, body: str,
            resident_id: int | None = None, staff_id: int | None = None, ticket_id: int | None = None,
            broadcast_id: int | None = None, template_vars: dict[str, str] | None = None,
            respects_quiet_hours: bool | None = None, expires_at: datetime | None = None,
            content_kind: str | None = None, content_size: int | None = None,
            content_variables: dict[str, str] | None = None) -> dict:
    """A pending row's columns, checked (the one place the outbox's rules for a new row live)."""
    declared = _checked(kind, template_vars)
    if (content_kind is None) != (content_variables is None) or (content_kind is None) != (content_size is None):
        raise ValueError("content_kind, content_size and content_variables go together")
    if channel not in CHANNELS:
        raise ValueError(f"outbox channel must be one of {sorted(CHANNELS)}, not {channel!r}")
    if len(body) > TWILIO_BODY_LIMIT:
        raise ValueError(f"body of {len(body)} characters; split it (limit {TWILIO_BODY_LIMIT})")
    quiet = declared.quiet_hours if respects_quiet_hours is None else respects_quiet_hours
    return dict(kind=kind, lane=int(declared.lane), channel=channel, to_phone=to_phone, body=body,
                resident_id=resident_id, staff_id=staff_id, ticket_id=ticket_id, broadcast_id=broadcast_id,
                template_vars=template_vars, via_template=False, content_kind=content_kind,
                content_size=content_size, content_variables=content_variables, respects_quiet_hours=quiet,
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, expires_at=expires_at,
                created_at=now, updated_at=now)


def json_literal(session: Session, value):
    """A JSON bind usable in INSERT … SELECT: PostgreSQL needs the cast, SQLite must not get it
    (CAST(… AS JSON) would give SQLite's NUMERIC affinity)."""
    expr = literal(value, JSON)
    return cast(expr, JSON) if session.get_bind().dialect.name == "postgresql" else expr


def insert_broadcast_rows(session: Session, recipients: Select, *, recipient: str, kind: str, broadcast_id: int,
                          body: str | ColumnElement[str], template_vars: dict[str, str], send_from: datetime,
                          expires_at: datetime | None, now: datetime) -> int:
    """One pending row per recipient of a broadcast in one statement (100,000 rows cost one), none
    twice: ON CONFLICT DO NOTHING on (broadcast, recipient).

    `recipients` selects (channel, to_phone, <recipient id>) — its WHERE and GROUP BY are the
    caller's; `recipient` names the id column ("resident_id" or "staff_id"). `body` is one text,
    or an SQL expression over the recipients' row (a text per recipient).
    """
    declared = _checked(kind, template_vars)
    if recipient not in ("resident_id", "staff_id"):
        raise ValueError(f"recipient must be resident_id or staff_id, not {recipient!r}")
    ts = UTCDateTime()
    source = recipients.add_columns(
        literal(kind), literal(int(declared.lane)), literal(broadcast_id), literal(body) if isinstance(body, str) else body, json_literal(session, template_vars), literal(False),
        literal(declared.quiet_hours), literal(OutboxStatus.PENDING.value), literal(0), literal(send_from, ts),
        literal(expires_at, ts), literal(now, ts), literal(now, ts))
    columns = ["channel", "to_phone", recipient, "kind", "lane", "broadcast_id", "body", "template_vars", "via_template",
               "respects_quiet_hours", "status", "attempts", "next_attempt_at", "expires_at", "created_at",
               "updated_at"]
    stmt = (insert_for(dialect_name(session), OutboxMessage).from_select(columns, source)
            .on_conflict_do_nothing(index_elements=["broadcast_id", recipient]))
    # rowcount of an INSERT is only kept on request (SQLAlchemy 2.x preserve_rowcount).
    return session.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount
