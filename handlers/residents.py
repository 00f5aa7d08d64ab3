"""Finding (or creating) a resident and their conversation row: one upsert each, safe under
concurrency (two first messages from one phone land on the same rows).

These run on every inbound message, so the statements are built once per dialect and executed
with parameters: building SQLAlchemy statements costs more than running them here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from storage.db import UTCDateTime
from storage.dialect import dialect_name, insert_for
from storage.models import Conversation, Resident

FLOOD_WINDOW = timedelta(minutes=1)
_FRESH = {"populate_existing": True}


@cache
def _resident_upsert(dialect: str, keyed: bool = False):
    """`keyed`: the caller names the message by the instant it was written (`message_at`), and a
    second call for the same message (a Rasa form runs 2–3 actions for one message) counts nothing."""
    now = bindparam("now", type_=UTCDateTime())
    at = bindparam("message_at", type_=UTCDateTime()) if keyed else now
    table = Resident.__table__
    stmt = insert_for(dialect, table).values(
        phone=bindparam("phone"), channel=bindparam("channel"), created_at=now, role="warga",
        name=bindparam("name"), name_confirmed=False, last_inbound_at=at, flood_window_start=now, flood_count=1)
    c = table.c
    in_window = c.flood_window_start > bindparam("window_start", type_=UTCDateTime())
    counted = [(c.last_inbound_at == at, c.flood_count)] if keyed else []
    window_kept = [(c.last_inbound_at == at, c.flood_window_start)] if keyed else []
    upsert = stmt.on_conflict_do_update(index_elements=[c.phone], set_={
        "last_inbound_at": at,
        "name": case((c.name_confirmed, c.name), else_=func.coalesce(stmt.excluded.name, c.name)),
        "flood_count": case(*counted, (in_window, c.flood_count + 1), else_=1),
        "flood_window_start": case(*window_kept, (in_window, c.flood_window_start), else_=now),
    }).returning(*table.c)
    # A Core upsert read back as the mapped object: the ORM's own bulk-insert path costs more.
    return select(Resident).from_statement(upsert)


@cache
def _conversation_upsert(dialect: str):
    table = Conversation.__table__
    stmt = insert_for(dialect, table).values(
        resident_id=bindparam("resident_id"), channel=bindparam("channel"), slots=bindparam("slots", type_=table.c.slots.type),
        misunderstood=0, updated_at=bindparam("now", type_=UTCDateTime()))
    upsert = stmt.on_conflict_do_update(index_elements=[table.c.resident_id, table.c.channel],
                                        set_={"channel": stmt.excluded.channel}).returning(*table.c)
    return select(Conversation).from_statement(upsert)


def resident_by_phone(session: Session, phone: str, channel: str, now: datetime,
                      profile_name: str | None = None, message_at: datetime | None = None) -> Resident:
    """The resident with this E.164 number, created on first contact. Also remembers the WhatsApp
    profile name (until the resident gives one) and counts messages in the flood window: every
    call is one message (a webhook), unless `message_at` names the message, when calls for the
    same message count once (the Rasa actions)."""
    name = profile_name.strip()[:120] if profile_name and profile_name.strip() else None
    params = {"phone": phone, "channel": channel, "now": now, "name": name, "window_start": now - FLOOD_WINDOW}
    if message_at is not None:
        params["message_at"] = message_at
    statement = _resident_upsert(dialect_name(session), keyed=message_at is not None)
    return session.scalars(statement, params, execution_options=_FRESH).one()


def locked_conversation(session: Session, resident: Resident, channel: str, now: datetime) -> Conversation:
    """The resident's conversation in this channel, row-locked until the transaction ends (the
    upsert's DO UPDATE takes the lock), so a second message from the same phone waits instead of
    interleaving."""
    params = {"resident_id": resident.id, "channel": channel, "now": now, "slots": {}}
    return session.scalars(_conversation_upsert(dialect_name(session)), params, execution_options=_FRESH).one()


def save_outcome(conversation: Conversation, outcome, now: datetime) -> None:
    """What a flow decided, remembered (a flows.dispatch.Outcome): the one place every entry point — a
    WhatsApp message, a flow entered from outside, a Rasa action — writes the conversation's flow,
    state, slots and count of messages not understood."""
    conversation.flow, conversation.state = outcome.flow, outcome.state
    conversation.slots = dict(outcome.slots)
    conversation.misunderstood = outcome.misses
    conversation.updated_at = now
