"""One message replayed from the inbound spool: handled as if it had just arrived, its replies
sent through the outbox (the webhook that brought it was answered long ago)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from catalogue import split_body
from handlers.inbound import Incoming, handle_inbound
from handlers.outbox import enqueue
from storage.db import utcnow
from storage.models import InboundMessage, Resident, Staff


def replay_one(runtime, incoming: Incoming, received_at: datetime) -> bool:
    """True once handled (raises when the database fails)."""
    # The handler stores the SID once; a repeat (a replay interrupted after that commit) gets
    # the replies stored the first time, without doing anything again.
    replies = handle_inbound(runtime, runtime.registry, incoming, now=received_at)
    with runtime.sessions.begin() as session:
        first = session.execute(
            update(InboundMessage)
            .where(InboundMessage.message_sid == incoming.message_sid, InboundMessage.spool_replied_at.is_(None))
            .values(spool_replied_at=utcnow())).rowcount == 1
        if not first:
            return True  # its replies are in the outbox already
        staff_id = session.scalar(select(Staff.id).where(Staff.phone == incoming.from_phone, Staff.active.is_(True)))
        resident_id = None if staff_id else session.scalar(
            select(Resident.id).where(Resident.phone == incoming.from_phone))
        for text in replies:
            for piece in split_body(text):
                enqueue(session, kind="reply", channel=incoming.channel, to_phone=incoming.from_phone, body=piece,
                        resident_id=resident_id, staff_id=staff_id)
    return True
