"""One message replayed from the inbound spool: stored as if it had just arrived (with the time it
arrived), to be processed like every stored message (handlers.processor): the webhook that brought
it was answered long ago, so its replies go out through the outbox."""

from __future__ import annotations

from datetime import datetime

from handlers.inbound import Incoming, store_inbound
from storage.db import utcnow


def replay_one(runtime, incoming: Incoming, received_at: datetime) -> bool:
    """True once stored (raises when the database fails). A repeat (a replay interrupted after
    the commit, or a SID stored before the outage) stores nothing again."""
    with runtime.sessions.begin() as session:
        store_inbound(session, incoming, received_at, spooled_at=utcnow())
    return True
