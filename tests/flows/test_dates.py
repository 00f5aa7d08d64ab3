"""Which visits a resident's words name by their date ("yg tgl 22 aja", "sing minggu ngarep", "mbenjing"),
and a question of when apart from a choice: a table in residents' words."""

from dataclasses import dataclass
from datetime import date

import pytest

from flows.dates import asks_when, dated

TODAY = date(2026, 12, 7)  # a Monday


@dataclass(frozen=True)
class V:
    name: str
    tanggal: date


VISITS = [V("Tutur", date(2026, 12, 9)), V("Puspo", date(2026, 12, 16)), V("Lumbang", date(2026, 12, 22)),
          V("Pasrepan", date(2027, 1, 9)), V("Kejayan", date(2027, 1, 16)), V("Besok", date(2026, 12, 8))]


@pytest.mark.parametrize("text,names", [
    ("yg tgl 22 aja", ["Lumbang"]),
    ("sing tanggal 16 wae", ["Puspo"]),
    ("ingkang tanggal 22 Desember mawon", ["Lumbang"]),
    ("tgl 9 januari", ["Pasrepan"]),
    ("tgl 9 aja", ["Tutur"]),                    # without a month: the soonest month with that day
    ("16/1 bisa?", ["Kejayan"]),
    ("sing minggu ngarep", ["Puspo"]),
    ("minggu depan aja kak", ["Puspo"]),
    ("pekan ngajeng mawon", ["Puspo"]),
    ("minggu iki ae", ["Tutur", "Besok"]),
    ("mbenjing mawon", ["Besok"]),
    ("besok bisa", ["Besok"]),
    ("bulan depan wae", ["Pasrepan", "Kejayan"]),
    ("tgl 25 aja", []),                          # a date said that no visit has
])
def test_visits_named_by_date(text, names):
    assert [v.name for v in dated(text, VISITS, TODAY)] == names


@pytest.mark.parametrize("text", ["yang di purwodadi aja", "1", "daftar", "sing cedhak wae", "ora iso"])
def test_no_date_named(text):
    assert dated(text, VISITS, TODAY) is None


@pytest.mark.parametrize("text,question", [
    ("kalau yg di gempol kapan?", True), ("tgl piro sing nang beji", True), ("kpn ke bangil", True),
    ("yang di gempol aja", False), ("sing tgl 22 wae", False),
])
def test_a_question_of_when_is_no_choice(text, question):
    assert asks_when(text) is question
