"""Dates and times the Indonesian way: "Rabu, 9 Desember 2026", "08.00–13.00 WIB"."""

from __future__ import annotations

from datetime import date, time

from babel.dates import format_date


def tanggal(d: date) -> str:
    return format_date(d, "EEEE, d MMMM y", locale="id")


def tanggal_pendek(d: date) -> str:
    """`7 Des 2026`: a date in a list, where the weekday is noise."""
    return format_date(d, "d MMM y", locale="id")


def jam(t: time) -> str:
    return f"{t.hour:02d}.{t.minute:02d}"


def rentang_jam(start: time, end: time) -> str:
    return f"{jam(start)}–{jam(end)} WIB"
