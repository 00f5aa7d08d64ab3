"""SHOW_PETUGAS_PHONE (issue 23, round 2): the petugas' WhatsApp number is shown to residents by default (at
registration and in STATUS) and hidden when the regency turns it off — the name and dinas stay, and the resident
is pointed to PETUGAS. Through the signed webhook, SQLite and PostgreSQL."""

from dataclasses import asdict, replace

import pytest

from bot import create_app
from tests.handlers.test_flows import petugas, play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import Phone, signed_settings

REGISTER = [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
            ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi")]


@pytest.fixture
def hidden_phone(rt, settings):
    app = create_app(asdict(replace(signed_settings(settings), show_petugas_phone=False)))
    yield Phone(app.test_client())
    app.extensions["kenduren"].dispose()


def test_the_number_is_shown_by_default(phone, schedule, petugas):
    play(phone, REGISTER)
    play(phone, [("ya daftarkan", "Terdaftar", "Bu Rina", "WA 0812-9876-5432")])


def test_turned_off_the_name_stays_and_the_number_is_hidden(hidden_phone, schedule, petugas):
    play(hidden_phone, REGISTER)
    answer = hidden_phone.say("ya daftarkan")
    assert "Bu Rina" in answer and "ketik *PETUGAS*" in answer and "0812" not in answer
    status = hidden_phone.say("status")
    assert "0812" not in status
