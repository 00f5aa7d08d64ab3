"""Per-broadcast delivery figures: planned, waiting, sent, delivered, read, failed, canceled."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus

# "sent" counts every row Twilio accepted, however far it got since.
_GROUPS = {
    "waiting": {OutboxStatus.PENDING, OutboxStatus.CLAIMED},
    "sent": {OutboxStatus.QUEUED, OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ},
    "delivered": {OutboxStatus.DELIVERED, OutboxStatus.READ},
    "read": {OutboxStatus.READ},
    "failed": {OutboxStatus.FAILED, OutboxStatus.UNDELIVERED},
    "canceled": {OutboxStatus.CANCELED},
}


@dataclass
class BroadcastFigures:
    planned: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_GROUPS, 0))

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None


def figures(session: Session, broadcast_ids: list[int] | None = None) -> dict[int, BroadcastFigures]:
    stmt = (select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id.is_not(None))
            .group_by(OutboxMessage.broadcast_id, OutboxMessage.status))
    if broadcast_ids is not None:
        stmt = stmt.where(OutboxMessage.broadcast_id.in_(broadcast_ids))
    result: dict[int, BroadcastFigures] = {}
    for broadcast_id, status, n in session.execute(stmt):
        f = result.setdefault(broadcast_id, BroadcastFigures())
        f.planned += n
        for name, members in _GROUPS.items():
            if status in members:
                f.counts[name] += n
    return result


def error_breakdown(session: Session, broadcast_id: int) -> list[tuple[str | None, str | None, int]]:
    return list(session.execute(
        select(OutboxMessage.error_code, OutboxMessage.error_message, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id,
               OutboxMessage.status.in_([OutboxStatus.FAILED, OutboxStatus.UNDELIVERED, OutboxStatus.CANCELED]))
        .group_by(OutboxMessage.error_code, OutboxMessage.error_message)
        .order_by(func.count().desc()).limit(10)))
