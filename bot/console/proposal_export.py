"""Proposals as a table for a Bappeda officer preparing Musrenbang: CSV (UTF-8 with BOM, so a
spreadsheet opens it right) and XLSX (openpyxl). The same columns in both."""

from __future__ import annotations

import csv
import io
from typing import Any

from catalogue import render
from storage.models import Proposal

COLUMNS = ("kode", "tanggal", "kecamatan", "desa", "kategori", "uraian", "pendukung", "status", "lat", "lng")


def export_rows(proposals: list[Proposal], tz: str) -> list[list[Any]]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    return [[p.kode, p.created_at.astimezone(zone).date().isoformat(), p.desa.kecamatan.nama, p.desa.nama,
             render(f"usulan.kategori.{p.kategori}"), p.deskripsi, p.support_count,
             render(f"status.proposal.{p.status}"), p.lat, p.lng] for p in proposals]


def _safe_cell(value: Any) -> Any:
    """A resident's text starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (10, 11, 14, 16, 18, 60, 10, 22, 11, 11)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
