"""One rule of "nearby" wherever the bot offers it (flows.places.nearby_visits), through the signed webhook on SQLite
and PostgreSQL: a Pandaan resident whose own visit is weeks away is offered the soonest visits within reach AND the
neighbours a few km off (Sukorejo, Prigen), never only the sooner ones farther away — at the registration, when
asking for the nearest or soonest visit in their own words, and when moving a ticket."""

import pytest

from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"purwodadi": add_visit(rt, "Purwodadi", 3), "tutur": add_visit(rt, "Tutur", 5),
            "puspo": add_visit(rt, "Puspo", 6), "lumbang": add_visit(rt, "Lumbang", 7),
            "sukorejo": add_visit(rt, "Sukorejo", 30), "prigen": add_visit(rt, "Prigen", 35),
            "pandaan": add_visit(rt, "Pandaan", 60)}


def test_registration_offers_the_neighbours_beside_the_soonest(phone, visits, rt):
    play(phone, [("daftar ktp", "kecamatan mana"),
                 ("pandaan", "Kec. Pandaan (kecamatan Anda)", "Kec. Purwodadi", "Kec. Sukorejo (±5 km)",
                  "Kec. Prigen (±10 km)"),
                 ("sing sukorejo wae", "Nama")])


@pytest.mark.parametrize("question", [
    "aku wong pandaan, kenduren mas sing paling cedhak lan paling cepet kapan?",   # ngoko
    "saya warga pandaan, jadwal terdekat dari tempat saya kapan ya",              # Indonesian
    "kula tiyang pandaan, wonten ingkang langkung celak lan enggal?",             # krama
    "pandaan yg plg deket kpn kak?",                                              # chat spelling
])
def test_asking_for_the_nearest_gets_the_own_card_and_the_sooner_neighbours(phone, visits, rt, question):
    play(phone, [(question, "Kecamatan Pandaan", "Kec. Sukorejo (±5 km)", "Kec. Prigen (±10 km)", "Kec. Purwodadi",
                  "!belum bisa saya jawab", "!hubungkan petugas")])


def test_moving_a_ticket_offers_the_neighbours(phone, visits, rt):
    play(phone, [("daftar ktp", "kecamatan mana"), ("pandaan", "kecamatan Anda"), ("1", "Nama"), ("Sumarti", "Desa"),
                 ("kutorejo", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar"),
                 ("ganti tanggal", "ke jadwal mana", "Kec. Sukorejo (±5 km)", "Kec. Prigen (±10 km)")])
