"""When the caravan's messages go before a visit: the reminder plan (Settings.reminder_plan, residents and kepala
desa alike) and the camat's brief. Pure, so the clock that plans them (handlers/broadcasts.py,
scheduler/regency.py) and the answer to a kepala desa or camat asking when they come (flows/policy.py through
Facts.own_announcements) read the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The camat's brief to forward to the kepala desa goes these days before a visit, at STAFF_AT (scheduler/regency.py
# plans it; a kepala desa or camat asking when it comes is told from the same numbers).
CAMAT_BRIEF_DAYS = (7, 3)
STAFF_AT = time(7, 0)


@dataclass(frozen=True)
class ReminderKind:
    name: str
    days_before: int
    at: time

    def due_at(self, visit_date: date, tz: ZoneInfo) -> datetime:
        return datetime.combine(visit_date - timedelta(days=self.days_before), self.at, tz).astimezone(UTC)


def parse_plan(spec: str) -> list[ReminderKind]:
    """"h3:3@07:00,h1:1@16:00" → kinds, earliest first."""
    kinds = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            name, rest = part.split(":", 1)
            days, at = rest.split("@", 1)
            kinds.append(ReminderKind(name.strip(), int(days), datetime.strptime(at.strip(), "%H:%M").time()))
        except ValueError:
            raise ValueError(f"reminder_plan: cannot read {part!r} (expected kind:days@HH:MM)") from None
    return sorted(kinds, key=lambda k: (-k.days_before, k.at))
