"""Known facts are offered, not asked again, through the signed webhook on SQLite and PostgreSQL: a desa or
a home kecamatan said in an earlier message (a greeting, a schedule question), or a pin sent alone, comes
back when a registration starts later ("Desa Gerbo, Kec. Purwodadi? 1. Ya 2. Lain")."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"purwodadi": add_visit(rt, "Purwodadi", 3), "beji": add_visit(rt, "Beji", 6),
            "pandaan": add_visit(rt, "Pandaan", 8), "lekok": add_visit(rt, "Lekok", 10)}


@pytest.mark.parametrize("first,kecamatan,desa", [
    ("sugeng enjing, kula tiyang desa gerbo", "Purwodadi", "Gerbo"),           # krama greeting
    ("halo min, aku soko kutorejo pandaan", "Pandaan", "Kutorejo"),            # ngoko
    ("jadwal kenduren mas buat desa kutorejo kapan ya?", "Pandaan", "Kutorejo"),  # a schedule question
    ("assalamualaikum, kaule oreng desa tambak lekok", "Lekok", "Tambaklekok"),     # Madurese
])
def test_a_desa_said_earlier_is_offered_when_registering_later(phone, visits, rt, first, kecamatan, desa):
    phone.say(first)
    play(phone, [
        ("menu", "Balas dengan angka"),
        ("mau daftar kk", f"Kenduren Mas berikutnya di {kecamatan}", "!kecamatan mana"),
        ("1", "Nama sesuai KK?"),
        ("1", f"Desa {desa}, Kec. {kecamatan}?", "1. Ya", "2. Lain"),
        ("nggih", "catatan"),
        ("-", f"Desa {desa}, Kec. {kecamatan}"),
        ("1", "Terdaftar"),
    ])


@pytest.mark.parametrize("first", ["aku wong beji, kapan kenduren mas mrene?", "domisili saya di beji kak",
                                   "kula tiyang beji"])
def test_a_home_kecamatan_said_earlier_is_not_asked_again(phone, visits, first):
    phone.say(first)
    play(phone, [("menu", "Balas dengan angka"),
                 ("sy mau bikin akta kelahiran", "Kenduren Mas berikutnya di Beji", "!kecamatan mana")])


def test_a_pin_sent_first_is_offered_at_the_desa_question(phone, visits, rt):
    # Desa Gerbo's centre (Kec. Purwodadi), sent alone as the first message.
    assert "Purwodadi" in phone.say("", Latitude="-7.853644", Longitude="112.772217")
    play(phone, [
        ("1", "Layanan apa"), ("ktp", "Nama sesuai KK?"),
        ("1", "Desa Gerbo, Kec. Purwodadi?", "1. Ya"),
        ("2", "Desa/kelurahan Anda"),                      # "Lain": asked as usual, nothing forced
        ("parerejo", "catatan"), ("-", "Desa Parerejo, Kec. Purwodadi"), ("1", "Terdaftar"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == visits["purwodadi"]


def test_a_place_outside_the_regency_or_a_visit_asked_about_is_no_home(phone, visits):
    phone.say("aku wong sidoarjo")
    phone.say("kapan ke beji?")
    play(phone, [("menu", "Balas dengan angka"), ("daftar kk", "kecamatan mana")])
