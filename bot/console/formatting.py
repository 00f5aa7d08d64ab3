"""How the console shows dates, times and phone numbers (WIB, Indonesian month names, masked numbers)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.console.blueprint import bp as _bp
from flows.dates import jam, tanggal


def local(dt: datetime, tz: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def waktu(dt: datetime | None, tz: str = "Asia/Jakarta") -> str:
    """`1 Des 2026 09.30 WIB`."""
    if dt is None:
        return "–"
    d = local(dt, tz)
    return f"{format_date(d.date(), 'd MMM y', locale='id')} {jam(d.time())} WIB"


def tanggal_pendek(d: date | None) -> str:
    return "–" if d is None else format_date(d, "EEE, d MMM y", locale="id")


def nama_bulan(d: date) -> str:
    return format_date(d, "MMMM y", locale="id")


def _register(bp) -> None:
    bp.add_app_template_filter(waktu, "waktu")
    bp.add_app_template_filter(tanggal, "tanggal")
    bp.add_app_template_filter(tanggal_pendek, "tanggal_pendek")
    bp.add_app_template_filter(nama_bulan, "nama_bulan")


_register(_bp)
