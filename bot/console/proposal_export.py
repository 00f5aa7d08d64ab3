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


# — the Musrenbang format (Permendagri 86/2017's proposal table): one line per live proposal, not refused —

MUSRENBANG_COLUMNS = ("no", "usulan/kegiatan", "lokasi (desa/kelurahan)", "kecamatan", "volume", "satuan",
                      "perangkat daerah penanggung jawab", "prioritas", "permasalahan", "pendukung", "kode",
                      "status tinjauan")


def kegiatan_of(p: Proposal) -> str:
    return p.kegiatan or render(f"musrenbang.kegiatan.{p.kategori}")


def perangkat_daerah_of(p: Proposal):
    from storage import reference

    if p.perangkat_daerah:
        return next((pd for pd in reference.perangkat_daerah() if pd.key == p.perangkat_daerah), None)
    return reference.perangkat_daerah_for(p.kategori)


def derived_priorities(proposals: list[Proposal]) -> dict[int, int]:
    """Each proposal's rank within its kecamatan: more supporters first, then the older one; an
    admin's own prioritas is kept and the others are ranked around it in that order."""
    ranks: dict[int, int] = {}
    by_kecamatan: dict[int, list[Proposal]] = {}
    for p in proposals:
        by_kecamatan.setdefault(p.desa.kecamatan_id, []).append(p)
    for rows in by_kecamatan.values():
        ordered = sorted(rows, key=lambda p: (p.prioritas is None, p.prioritas or 0, -p.support_count, p.created_at, p.id))
        for n, p in enumerate(ordered, start=1):
            ranks[p.id] = p.prioritas or n
    return ranks


def musrenbang_rows(proposals: list[Proposal]) -> list[list[Any]]:
    live = [p for p in proposals if p.status != "ditolak" and p.merged_into_id is None]
    ranks = derived_priorities(live)
    live.sort(key=lambda p: (p.desa.kecamatan.nama, ranks[p.id], p.desa.nama, p.kode))
    rows = []
    for n, p in enumerate(live, start=1):
        pd = perangkat_daerah_of(p)
        volume = (int(p.volume) if p.volume is not None and float(p.volume).is_integer() else p.volume)
        rows.append([n, kegiatan_of(p), p.desa.nama, p.desa.kecamatan.nama, volume, p.satuan,
                     pd.nama if pd else None, ranks[p.id], p.deskripsi, p.support_count, p.kode,
                     render(f"status.proposal.{p.status}")])
    return rows


def musrenbang_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.upper() for c in MUSRENBANG_COLUMNS])
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def musrenbang_xlsx(rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan Musrenbang"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([c.upper() for c in MUSRENBANG_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    sheet.freeze_panes = "A3"
    for column, width in zip("ABCDEFGHIJKL", (5, 34, 18, 14, 9, 9, 36, 10, 50, 10, 10, 24)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
