"""A Kota Pasuruan resident asking whether they can be served is answered and nothing is started, through the
signed webhook on SQLite and PostgreSQL: the kind answer with the nearest visit (and the city's own
Dispendukcapil for its documents), no registration under way; "batal dulu" after it (or with nothing under way)
is a never-mind — never the stop-or-erase question."""

import pytest
from sqlalchemy import select

from storage.models import Resident, Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)

OUTSIDE = "tidak termasuk wilayah Kenduren Mas"
NOTHING = "Tidak ada yang sedang saya proses"


@pytest.mark.parametrize("question", [
    "saya warga kota pasuruan, apa bisa dilayani di kenduren mas?",            # Indonesian
    "aku wong kota pasuruan, iso ngurus KTP nang kenduren mas ora?",          # ngoko
    "kula tiyang Gadingrejo kota Pasuruan, saged dipun layani KK wonten Kenduren Mas?",  # krama
    "engkok oreng Panggungrejo Kota, bisa eladenin e Kenduren Mas?",           # Madurese
    "sy org bugul kidul kak, bs dilayani gk?",                                # chat spelling
])
def test_a_question_from_outside_is_answered_and_starts_nothing(phone, schedule, rt, question):
    play(phone, [(question, OUTSIDE, "!belum bisa saya jawab", "!kecamatan mana"),
                 ("batal dulu", NOTHING, "!Berhenti menerima pengingat", "!pendaftaran yang belum selesai")])
    with rt.sessions() as s:
        assert not list(s.scalars(select(Ticket)))
        assert all(r.opted_out_at is None for r in s.scalars(select(Resident)))


def test_a_kota_document_question_names_the_citys_dispendukcapil(phone, schedule):
    play(phone, [("aku wong kota pasuruan, iso ngurus KTP nang kenduren mas ora?", OUTSIDE, "Dispendukcapil Kota Pasuruan")])


def test_a_request_from_outside_still_goes_on(phone, schedule):
    play(phone, [("domisili kota pasuruan, mau daftar ktp", OUTSIDE), ("gempol", "di Gempol", "1. Daftar untuk tanggal ini")])


@pytest.mark.parametrize("words", ["batal dulu", "gak sido sik", "mboten sios rumiyin"])
def test_a_never_mind_with_nothing_under_way_is_no_stop_question(phone, schedule, rt, words):
    play(phone, [("jadwal gempol", "Kecamatan Gempol"), (words, "tidak ada yang", "!Hapus data", "!Berhenti menerima")])
    play(phone, [(words, NOTHING, "!Hapus data", "!Berhenti menerima")])  # and again, with nothing at all under way
