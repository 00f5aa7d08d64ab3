"""The clock's pass over changed visits: each visit cancelled or moved whose outcome still lies ahead
gets its correction topped up (handlers/corrections.py: who is told, once, and tickets following a move).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.runtime import Runtime
from handlers.corrections import Correction, correct_visit
from storage.models import Visit
from storage.schedule import CHANGED, HISTORY_DAYS, final_visit


log = logging.getLogger(__name__)


def plan_corrections(runtime: Runtime, now: datetime) -> list[Correction]:
    tz = ZoneInfo(runtime.settings.bot_timezone)
    today = now.astimezone(tz).date()
    with runtime.sessions() as session:
        # Changed visits whose outcome still lies ahead; the chains are few and short.
        changed = [v.id for v in session.scalars(
            select(Visit).where(Visit.status.in_(CHANGED), Visit.tanggal >= today - timedelta(days=HISTORY_DAYS))
            .order_by(Visit.id)) if final_visit(v).tanggal >= today]
    done = []
    for visit_id in changed:
        with runtime.sessions.begin() as session:
            result = correct_visit(session, runtime, visit_id, now, tz)
        if result and (result.added or result.tickets_moved):
            done.append(result)
            log.info("correction %s for visit %s: %s recipients added, %s tickets moved", result.kind, visit_id,
                     result.added, result.tickets_moved)
    return done
