"""One message replayed from the inbound spool: handled as if it had just arrived, its replies
sent through the outbox (the webhook that brought it was answered long ago)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from handlers.inbound import Incoming, handle_inbound
from storage.db import utcnow
from storage.models import InboundMessage


def replay_one(runtime, incoming: Incoming, received_at: datetime) -> bool:
    """True once handled (raises when the database fails)."""
    # The handler stores the SID once and writes its replies to the outbox in the same
    # transaction; a repeat (a replay interrupted after that commit) does nothing again.
    handle_inbound(runtime, runtime.registry, incoming, now=received_at, via_outbox=True)
    with runtime.sessions.begin() as session:
        session.execute(update(InboundMessage)
                        .where(InboundMessage.message_sid == incoming.message_sid,
                               InboundMessage.spool_replied_at.is_(None))
                        .values(spool_replied_at=utcnow()))
    runtime.outbox_bell.set()
    return True
