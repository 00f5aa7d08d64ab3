"""Reading query, form and URL values the forgiving way: a bad number is "not given", never a 500.

Every integer is bounded to what the database's integer columns hold (a 25-digit id used to reach
PostgreSQL and come back as a 500), and every date and month to the years the bot can mean.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_INT = 2 ** 31 - 1  # PostgreSQL `integer`, the type of every id and count column
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def bounded_int(raw: str | None, low: int = 0, high: int = MAX_INT) -> int | None:
    text = (raw or "").strip()
    if not text or len(text) > 12:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def int_arg(name: str, *, form: bool = False) -> int | None:
    return bounded_int((request.form if form else request.args).get(name, ""))


def date_value(raw: str | None) -> date | None:
    """An ISO date (2026-12-07) the bot can mean; anything else is None."""
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def month_arg(name: str) -> date | None:
    """`?bulan=2026-12` → its first day; None when absent or not a month; 404 for a month out of range
    (`0001-01`: the calendar's previous-month link could not even be computed)."""
    try:
        first = datetime.strptime(request.args.get(name) or "", "%Y-%m").date()
    except ValueError:
        return None
    if not EARLIEST <= first <= LATEST:
        abort(404)
    return first


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: a number no row can have does not match (404), so it never reaches
    the database as an out-of-range parameter."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)
