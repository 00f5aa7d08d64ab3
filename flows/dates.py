"""Dates and times the Indonesian way: "Rabu, 9 Desember 2026", "08.00–13.00 WIB"."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Protocol, Sequence, TypeVar

from babel.dates import format_date


class _HasDate(Protocol):
    @property
    def tanggal(self) -> date: ...


_Dated = TypeVar("_Dated", bound=_HasDate)


def tanggal(d: date) -> str:
    return format_date(d, "EEEE, d MMMM y", locale="id")


def tanggal_pendek(d: date) -> str:
    """`7 Des 2026`: a date in a list, where the weekday is noise."""
    return format_date(d, "d MMM y", locale="id")


def jam(t: time) -> str:
    return f"{t.hour:02d}.{t.minute:02d}"


def rentang_jam(start: time, end: time) -> str:
    return f"{jam(start)}–{jam(end)} WIB"


# — dates in residents' words: which of the visits a message names —
# "yg tgl 22 aja", "tanggal 9", "ping 16", "22 desember", "22/12", "sing minggu ngarep", "mbenjing", "besok".
MONTHS = {m: i for i, names in enumerate((
    "januari jan", "februari feb pebruari", "maret mar", "april apr", "mei", "juni jun", "juli jul",
    "agustus agu agt", "september sep sept", "oktober okt oct", "november nov nop nopember",
    "desember des dec"), start=1) for m in names.split()}
_DAY_WORD = r"(?:tgl|tanggal|tangal|tanggale|tgle|tang|tg|ping|kaping|tnggl|tggl)"
_DAY = re.compile(rf"\b{_DAY_WORD}\.?\s*(\d{{1,2}})\b", re.IGNORECASE)
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*(?:[/-]\s*(\d{1,2})\b|\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True))
                        + r")\b)", re.IGNORECASE)
_NEXT_WEEK = re.compile(r"\b(?:minggu|minggon|pekan|minggu\s+sing)\s+(?:ngarep|ngarepe|depan|ngajeng|adha'?|mbesok|"
                        r"berikut(?:nya)?|selanjutnya|sesuk)\b", re.IGNORECASE)
_THIS_WEEK = re.compile(r"\b(?:minggu|pekan)\s+(?:ini|iki|niki|puniki|sekarang|saiki|samangken|areya)\b", re.IGNORECASE)
_TOMORROW = re.compile(r"\b(?:besok|besuk|sesuk|mbesuk|mbenjing|benjing|lagguk|lagu')\b", re.IGNORECASE)
_NEXT_MONTH = re.compile(r"\b(?:bulan|sasi|wulan)\s+(?:depan|ngarep|ngajeng|adha'?)\b", re.IGNORECASE)
# "kapan", "tanggal berapa", "tgl piro": a question of when (one home: flows/tiket.py reads it too).
WHEN = (r"(?:kapan|kpn|kapn|bilamana|tanggal\s+(?:berapa|brp|piro|pira|pinten)|tgl\s+(?:berapa|brp|piro|pira|pinten)|"
        r"jam\s+(?:berapa|brp|piro|pira|pinten)|hari\s+apa|dino\s+opo|dinten\s+menapa)")
_ASKS_WHEN = re.compile(rf"\?|\b{WHEN}\b", re.IGNORECASE)


def asks_when(text: str) -> bool:
    """A question ("kalau yang di gempol kapan?"), not a choice ("yang di gempol aja")."""
    return bool(_ASKS_WHEN.search(text or ""))


def _week(d: date) -> tuple[int, int]:
    return d.isocalendar()[:2]


def dated(text: str, visits: Sequence[_Dated], today: date) -> list[_Dated] | None:
    """The visits the words name by their date, in the given order; None when the words name no date.

    A day of the month ("tgl 22", "22 desember", "22/12"), next or this week ("sing minggu ngarep",
    "minggu ini"), tomorrow ("mbenjing"), next month ("sasi ngarep"). An empty list: a date said that
    no visit has."""
    text = text or ""
    day = _DAY.search(text)
    day_month = _DAY_MONTH.search(text)
    if day_month:
        d = int(day_month.group(1))
        month = int(day_month.group(2)) if day_month.group(2) else MONTHS[day_month.group(3).casefold()]
        return [v for v in visits if v.tanggal.day == d and v.tanggal.month == month]
    if day:  # without a month: the soonest month that has that day's visit
        on_day = [v for v in visits if v.tanggal.day == int(day.group(1))]
        first = min((v.tanggal for v in on_day), default=None)
        return [v for v in on_day if (v.tanggal.year, v.tanggal.month) == (first.year, first.month)] if first else []
    if _NEXT_WEEK.search(text):
        nxt = _week(today + timedelta(days=7))
        return [v for v in visits if _week(v.tanggal) == nxt]
    if _THIS_WEEK.search(text):
        return [v for v in visits if _week(v.tanggal) == _week(today)]
    if _TOMORROW.search(text):
        return [v for v in visits if v.tanggal == today + timedelta(days=1)]
    if _NEXT_MONTH.search(text):
        month = (today.month % 12) + 1
        return [v for v in visits if v.tanggal.month == month and v.tanggal > today]
    return None
