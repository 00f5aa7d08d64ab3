"""A desa and a kecamatan said together at the desa question, through the signed webhook on SQLite and PostgreSQL
(#22 leftovers, e22c): the kecamatan said decides. "kalianyar tutur" stored Desa Kalianyar of Kec. Bangil; "wates,
lekok" was not taken although Wates is in Lekok's list. Now a desa of that kecamatan is taken, and a desa that is
not in it is asked there (that kecamatan's list) — never the desa of another kecamatan stored unasked."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"gempol": add_visit(rt, "Gempol", 9)}


def home(rt):
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        return t.desa.nama, t.desa.kecamatan.nama


START = [("daftar ktp", "kecamatan mana"), ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa")]


@pytest.mark.parametrize("said,desa,kecamatan", [
    ("wates, lekok", "Wates", "Lekok"),                              # the pair with a comma
    ("desa kedungringin pak, kec beji", "Kedungringin", "Beji"),     # with the words desa/kec
    ("wates lekok mas", "Wates", "Lekok"),                           # ngoko, no comma
    ("karangrejo gempol", "Karangrejo", "Gempol"),                   # a name several kecamatan have
])
def test_a_desa_of_the_kecamatan_said_is_taken(phone, visits, rt, said, desa, kecamatan):
    play(phone, [*START, (said, "catatan"), ("-", f"Desa {desa}, Kec. {kecamatan}"), ("1", "Terdaftar")])
    assert home(rt) == (desa, kecamatan)


@pytest.mark.parametrize("said", ["kalianyar tutur", "desa kalianyar, kecamatan tutur", "kulo saking kalianyar tutur"])
def test_a_desa_not_in_the_kecamatan_said_is_asked_there(phone, visits, rt, said):
    play(phone, START)
    answer = phone.say(said)
    assert "Kecamatan Tutur, desa/kelurahan apa?" in answer and "Pungging" in answer, answer
    assert "catatan" not in answer, answer  # nothing stored: Kalianyar is Bangil's
    play(phone, [("pungging", "catatan"), ("-", "Desa Pungging, Kec. Tutur"), ("1", "Terdaftar")])
    assert home(rt) == ("Pungging", "Tutur")
