"""A flow's own keyword typed alone mid-way in another flow ("status" at the desa question) is a request
for that flow, through the signed webhook on SQLite and PostgreSQL; any other single word stays an answer."""

import pytest

from flows import ALL_FLOWS, RegistryError, build_registry
from flows.engine import Flow
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)


def test_status_typed_at_a_question_goes_to_the_status(phone, schedule):
    play(phone, [
        ("mau urus kk", "Kartu Keluarga", "kecamatan mana"),
        ("status", "Belum ada tiket", "!belum saya kenali"),  # nothing typed yet: no need to ask first
    ])


def test_a_keyword_where_typed_data_would_be_lost_asks_first(phone, schedule):
    play(phone, [
        ("daftar ktp", "KTP-el"), ("gempol", "1. Daftar"), ("1", "Nama"), ("Siti Aminah", "Desa/kelurahan"),
        ("jadwal", "belum selesai", "1. Ya, beralih"),
        ("2", "kita lanjutkan pendaftaran layanan"),  # stayed, at the desa question
        ("gempol", "catatan"),
    ])


def test_any_other_single_word_is_still_an_answer(phone, schedule):
    play(phone, [("daftar ktp", "KTP-el"), ("gempol", "1. Daftar untuk tanggal ini", "!Jadwal Kenduren Mas berikutnya")])


def test_a_keyword_is_declared_by_one_flow_only():
    status = next(f for f in ALL_FLOWS if f.name == "status")
    twin = Flow(name="status2", entry_intents=(), start=status.start, steps={}, keywords=("status",))
    with pytest.raises(RegistryError, match="keyword 'status'"):
        build_registry((*ALL_FLOWS, twin))
