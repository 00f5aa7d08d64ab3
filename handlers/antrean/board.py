"""What the screen at a stand shows: numbers only, never a name or a phone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.antrean.line import DEFAULT_SERVICE_MINUTES, entry_label, label
from storage import queue
from storage.models import Opd, Visit


def display_board(s: Session, visit_id: int, opd_key: str, now: datetime,
                  upcoming: int = 8) -> dict[str, Any] | None:
    """What the screen at a stand shows: numbers only, never a name or a phone."""
    visit = s.get(Visit, visit_id)
    opd = s.scalar(select(Opd).where(Opd.key == opd_key))
    if visit is None or opd is None or opd.id not in {o.id for o in visit.opd}:
        return None
    waiting = queue.waiting_count(s, visit.id, opd.id)
    return {
        "visit": visit, "opd": opd,
        "serving": [label(opd.key, n) for n in queue.being_served(s, visit.id, opd.id)],
        "next": [entry_label(e) for e in queue.waiting_line(s, visit.id, opd.id, limit=upcoming)],
        "waiting": waiting,
        "minutes": queue.estimate_minutes(s, visit.id, opd.id, waiting, now, DEFAULT_SERVICE_MINUTES),
    }
