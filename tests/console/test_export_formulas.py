"""The proposal export holds no formula however a spreadsheet splits it: Excel set to Indonesian splits a
CSV line on ";", so "jalan rusak;=cmd|' /C calc'!A0;" survived a first-character check; XLSX stays
formula-free."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from bot.console.proposal_export import _safe_csv_cell, as_csv
from storage.models import Proposal
from tests.console.conftest import ADMIN

SEPARATORS = (",", ";", "\t", "|")
FORMULA = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a coordinate like -7.56 is a number, not a formula
PAYLOADS = ["jalan rusak;=cmd|' /C calc'!A0;", "=HYPERLINK(\"http://x\")", "aman, -2+3*cmd|' /C calc'!A0",
            "lampu\t@SUM(1+1)*cmd", "sawah|+1+cmd", "baris\n=1+1", "x; \u00a0=1", "\uff1dcmd"]


def _pieces_start_a_formula(text: str) -> list[str]:
    """Every piece a spreadsheet could make of `text`, split on any separator or line break, that would run."""
    pieces = [text]
    for sep in (*SEPARATORS, "\n", "\r"):
        pieces = [p for piece in pieces for p in piece.split(sep)]
    return [p for p in pieces if p.lstrip(" \u00a0").startswith(FORMULA) and not NUMBER.fullmatch(p.strip())]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_piece_of_a_cell_starts_a_formula(payload):
    assert _pieces_start_a_formula(_safe_csv_cell(payload)) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1") + list(SEPARATORS) + list(FORMULA) + ["\n", "\u00a0", "'"]),
               max_size=30))
def test_any_text_of_separators_and_formula_characters(text):
    assert _pieces_start_a_formula(_safe_csv_cell(text)) == []


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_the_exported_file_read_with_either_separator(delimiter):
    data = as_csv([["US-0101", "2026-12-07", "Gempol", "Wonosunyo", "jalan rusak", payload, 3, "baru", -7.56, 112.7]
                   for payload in PAYLOADS]).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(data), delimiter=delimiter):
        for cell in row:
            assert not _pieces_start_a_formula(cell), (delimiter, cell)
    assert data.startswith('"kode","tanggal"')  # every cell quoted


def test_the_console_exports_hold_no_formula(world, as_role, rt):
    with rt.sessions.begin() as s:
        p = s.scalars(select(Proposal).where(Proposal.kode == world.kejapanan_proposal)).one()
        p.deskripsi = PAYLOADS[0]
    admin = as_role(ADMIN)
    data = admin.get("/console/usulan.csv").get_data(as_text=True).lstrip("\ufeff")
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(data), delimiter=delimiter):
            assert not any(_pieces_start_a_formula(cell) for cell in row), row
    assert "jalan rusak;'=cmd" in data  # the resident's words kept, made harmless
    xlsx = admin.client.get("/console/usulan.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert any(cell.value == PAYLOADS[0] for cell in cells)  # in XLSX a cell is one cell: kept as text
