"""Working time of the regency's offices: 08:00–16:00 WIB, Monday–Friday, minus Indonesian public
holidays. Used for "a petugas answers within 2 working hours" and "escalate after 1 working day"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

OPEN, CLOSE = time(8, 0), time(16, 0)
WORKING_DAY = timedelta(hours=8)
# A resident who asked for a person is answered within this much working time, or the clock
# follows up (scheduler.handoff_followup); the console shows the same deadline.
RESIDENT_WAIT = timedelta(hours=2)


def rotation_dates(start: date, every: int, count: int, calendar: "WorkingCalendar | None" = None) -> list[date]:
    """`count` visit days `every` days apart from `start`, each moved to the next working day.

    The cadence is kept on the nominal dates, so one holiday does not push the whole rotation.
    """
    calendar = calendar or WorkingCalendar()
    dates: list[date] = []
    for i in range(count):
        d = start + timedelta(days=every * i)
        while not calendar.is_working_day(d) or (dates and d <= dates[-1]):
            d += timedelta(days=1)
        dates.append(d)
    return dates


class WorkingCalendar:
    def __init__(self, timezone: str = "Asia/Jakarta"):
        self.tz = ZoneInfo(timezone)
        self._off: dict[int, holidays.HolidayBase] = {}

    def is_working_day(self, d: date) -> bool:
        if d.year not in self._off:
            self._off[d.year] = holidays.country_holidays("ID", years=d.year)
        return d.weekday() < 5 and d not in self._off[d.year]

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of working time has passed since `start` (aware, any zone)."""
        local = start.astimezone(self.tz)
        left = amount
        while True:
            day = local.date()
            opens = datetime.combine(day, OPEN, self.tz)
            closes = datetime.combine(day, CLOSE, self.tz)
            if not self.is_working_day(day) or local >= closes:
                local = datetime.combine(day + timedelta(days=1), OPEN, self.tz)
                continue
            local = max(local, opens)
            if local + left <= closes:
                return local + left
            left -= closes - local
            local = datetime.combine(day + timedelta(days=1), OPEN, self.tz)
