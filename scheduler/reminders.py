"""Plan reminders from the itinerary: one broadcast per (visit, kind), one outbox row per recipient.

settings.reminder_plan "h3:3@07:00,h1:1@16:00,hari_h:0@06:00" = kind:days-before@HH:MM (local
time). At each run, for each upcoming planned visit, the latest reminder whose time has come is
planned if it was not yet: an earlier one that was missed (clock down, schedule imported late) is
skipped, since the later one says the same, closer to the day. Each reminder's rows expire when
the next reminder of the plan (or the end of the visit) comes, so "Besok …" is never sent on the
day itself.

The broadcast and its rows are written by handlers/broadcasts.py (set-based, once even with two clocks).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.runtime import Runtime
from flows.reminder_plan import parse_plan
from handlers.broadcasts import Planned, plan_broadcast
from storage.schedule import upcoming_planned


log = logging.getLogger(__name__)


def plan_reminders(runtime: Runtime, now: datetime) -> list[Planned]:
    settings = runtime.settings
    tz = ZoneInfo(settings.bot_timezone)
    plan = parse_plan(settings.reminder_plan)
    if not plan:
        return []
    today = now.astimezone(tz).date()
    horizon = today + timedelta(days=max(k.days_before for k in plan))
    with runtime.sessions() as session:
        visits = [(v.id, v.tanggal, v.selesai) for v in upcoming_planned(session, today, until=horizon)]
    planned: list[Planned] = []
    for visit_id, tanggal, selesai in visits:
        ends = datetime.combine(tanggal, selesai, tz).astimezone(UTC)
        if now >= ends:
            continue
        due = [(k, k.due_at(tanggal, tz)) for k in plan]
        come = [(k, at) for k, at in due if at <= now]
        if not come:
            continue
        kind, due_at = max(come, key=lambda pair: pair[1])
        expires = min([at for _, at in due if at > due_at] + [ends])
        with runtime.sessions.begin() as session:
            result = plan_broadcast(session, runtime, visit_id, kind.name, due_at, expires, now)
        if result:
            planned.append(result)
            log.info("planned %s for visit %s (Kec. %s): %s recipients", result.kind, visit_id,
                     result.kecamatan, result.recipients)
    return planned
