"""Finding (or creating) a resident and their conversation row, safely under concurrency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.dialect import insert_ignore
from storage.models import Conversation, Resident


def resident_by_phone(session: Session, phone: str, channel: str, now: datetime,
                      profile_name: str | None = None) -> Resident:
    """The resident with this E.164 number, created on first contact (two first messages at once
    both land on the same row)."""
    session.execute(insert_ignore(session, Resident, ["phone"], {
        "phone": phone, "channel": channel, "created_at": now, "role": "warga", "name_confirmed": False}))
    resident = session.scalars(select(Resident).where(Resident.phone == phone)).one()
    resident.last_inbound_at = now
    if profile_name and not resident.name_confirmed:
        resident.name = profile_name.strip()[:120]
    return resident


def locked_conversation(session: Session, resident: Resident, channel: str, now: datetime) -> Conversation:
    """The resident's conversation in this channel, row-locked until the transaction ends, so a
    second message from the same phone waits instead of interleaving."""
    session.execute(insert_ignore(session, Conversation, ["resident_id", "channel"], {
        "resident_id": resident.id, "channel": channel, "slots": {}, "misunderstood": 0, "updated_at": now}))
    return session.scalars(select(Conversation).where(Conversation.resident_id == resident.id,
                                                      Conversation.channel == channel).with_for_update()).one()
