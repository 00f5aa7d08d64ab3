"""Proposals as a table for a Bappeda officer preparing Musrenbang: CSV (UTF-8 with BOM, so a
spreadsheet opens it right) and XLSX (openpyxl). The same columns in both."""

from __future__ import annotations

import csv
import io
import re
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


# Where a spreadsheet may start a formula: the cell's start, and after any character a spreadsheet
# may split a CSV line on (Excel set to Indonesian splits on ";", others on "," "\t" "|"), each
# followed by optional spaces. Excel also runs a cell beginning = + - @ (or a tab/CR before them).
_FORMULA_START = re.compile(r"(^|[,;\t|\r\n])([ \u00a0]*)(?=[=+\-@\uff1d\uff0b\uff0d\uff20])")


def _safe_cell(value: Any) -> Any:
    """An XLSX cell: text that starts like a formula is kept as text ('=…)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _safe_csv_cell(value: Any) -> Any:
    """A CSV cell: every place a formula could start, wherever a spreadsheet splits the line, gets a
    "'" so it reads as text ("jalan rusak;=cmd|…" survived the first-character check)."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("\t", "\r"):
        value = "'" + value
    return _FORMULA_START.sub(lambda m: m.group(1) + m.group(2) + "'", value)


def as_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else _safe_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    for line in sheet.iter_rows():  # a text is text: nothing in the file is ever a formula
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (10, 11, 14, 16, 18, 60, 10, 22, 11, 11)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
