"""A walk-in's name at the vehicle is read as the registration reads it (flows/person.py), through the
signed webhook on a fixed clock (SQLite and PostgreSQL): the name, never the sentence; a relative's ticket
for the relative, the resident's own name theirs."""

import pytest
from sqlalchemy import select

from storage.models import Resident, Ticket
from tests.handlers.test_antrean import clock, visit  # noqa: F401  (fixtures)


def walk_in(rt):
    with rt.sessions() as s:
        t, r = s.scalars(select(Ticket)).one(), s.scalars(select(Resident)).one()
        return t.nama, t.relasi, r.name


@pytest.mark.parametrize("answer,nama,relasi", [
    ("asmanipun ibu kula Tuminah, sampun sepuh", "Tuminah", "ibu"),   # krama
    ("nama anakku Raka", "Raka", "anak"),                            # ngoko
    ("nyamana Hasan", "Hasan", None),                                # Madurese
    ("atas nama Dewi Lestari", "Dewi Lestari", None),                # Indonesian
    ("bu sumarti", "Sumarti", None),
])
def test_a_walk_ins_name_taken_out_of_the_sentence(phone, clock, visit, rt, answer, nama, relasi):
    assert "Nama sesuai KK?" in phone.say("antri dinas sosial") or "Nama sesuai KK?" in phone.say("dinas sosial")
    assert "Terdaftar langsung di *Dinas Sosial*" in phone.say(answer)
    assert walk_in(rt)[:2] == (nama, relasi)


@pytest.mark.parametrize("answer,holder", [
    ("kula Slamet, badhe ndaftaraken bapak kula", "Slamet"),
    ("aku Slamet, arep ndaftarno bapakku", "Slamet"),
])
def test_a_walk_in_for_the_father_asks_his_name_and_keeps_the_holders(phone, clock, visit, rt, answer, holder):
    assert "Nama sesuai KK?" in phone.say("antri dinas sosial") or "Nama sesuai KK?" in phone.say("dinas sosial")
    asked = phone.say(answer)
    assert "Nama bapak Anda" in asked and "Terdaftar" not in asked
    assert "Terdaftar langsung" in phone.say("Karto Wiryo")
    assert walk_in(rt) == ("Karto Wiryo", "bapak", holder)


@pytest.mark.parametrize("answer", ["aku gak ngerti", "12345", "ndak tau mas"])
def test_what_is_no_name_is_asked_again(phone, clock, visit, rt, answer):
    assert "Nama sesuai KK?" in phone.say("antri dinas sosial") or "Nama sesuai KK?" in phone.say("dinas sosial")
    assert "Mohon ketik nama lengkap" in phone.say(answer)
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).all() == []
