"""Quiet hours: no reminder or broadcast reaches a resident at night (default 21:00–06:00 WIB).

Replies and petugas relays are not held back; only outbox rows with respects_quiet_hours do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    tz: ZoneInfo

    @classmethod
    def parse(cls, spec: str, timezone: str) -> QuietHours:
        """`"21:00-06:00"`; an empty spec means no quiet hours (start == end)."""
        tz = ZoneInfo(timezone)
        if not spec.strip():
            return cls(time(0), time(0), tz)
        start, end = (datetime.strptime(p.strip(), "%H:%M").time() for p in spec.split("-", 1))
        return cls(start, end, tz)

    def contains(self, instant: datetime) -> bool:
        local = instant.astimezone(self.tz).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # spans midnight

    def next_end(self, instant: datetime) -> datetime:
        """The first instant at or after `instant` outside quiet hours."""
        if not self.contains(instant):
            return instant
        local = instant.astimezone(self.tz)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


def quiet_hours_of(settings) -> QuietHours:
    return QuietHours.parse(settings.quiet_hours, settings.bot_timezone)
