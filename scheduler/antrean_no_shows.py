"""No-shows at the stands: a number called this long ago (ANTREAN_NO_SHOW_MINUTES) and neither
served nor skipped by the petugas is skipped, and its resident told how to rejoin (once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.antrean.stand import skip_entry
from storage import queue


def skip_no_shows(runtime, now: datetime) -> dict[str, int]:
    limit = timedelta(minutes=runtime.settings.antrean_no_show_minutes)
    with runtime.sessions.begin() as s:
        overdue = queue.overdue_calls(s, now - limit)
        for entry in overdue:
            skip_entry(s, entry, now)
    return {"skipped": len(overdue)}
