"""Two people or two services in the first message, through the signed webhook on SQLite and PostgreSQL: the first is
registered, the second is said to follow at once and again after the ticket (how to do it) — never dropped, and the
first person's ticket is never given the second one's relation."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"gempol": add_visit(rt, "Gempol", 6)}


def ticket(rt):
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        return t.layanan.key, t.nama, t.relasi


@pytest.mark.parametrize("first,second", [
    ("daftarin KTP buat aku sama KIA anakku", "(KIA)* anak Anda"),            # Indonesian, chat
    ("aku arep gawe ktp karo kia gawe anakku", "(KIA)* anak Anda"),           # ngoko
    ("kula badhe damel KTP kaliyan KIA kagem putra kula", "(KIA)* anak Anda"),  # krama
])
def test_two_services_for_two_people_the_first_now_the_second_said(phone, visits, rt, first, second):
    play(phone, [(first, "saya daftarkan *KTP-el* untuk Anda dulu", second, "daftar KIA", "kecamatan mana"),
                 ("gempol", "1."), ("1", "Nama"), ("Sumarti", "Desa"), ("ngerong", "catatan"),
                 ("-", "Cek lagi", "Nama: Sumarti"), ("1", "Terdaftar", second, "ketik *daftar KIA*")])
    assert ticket(rt) == ("ktp", "Sumarti", None)


@pytest.mark.parametrize("first,who", [
    ("aku karo bojoku arep gawe ktp", "suami/istri Anda"),       # ngoko
    ("saya sama ibu saya mau bikin ktp", "ibu Anda"),            # Indonesian
    ("kula kaliyan garwa kula badhe damel KTP", "suami/istri Anda"),  # krama
    ("engkok ban binena daftar ktp", "istri Anda"),              # Madurese
])
def test_the_writer_and_a_relative_the_writer_first(phone, visits, rt, first, who):
    play(phone, [(first, "untuk Anda dulu", who, "kecamatan mana"), ("gempol", "1."), ("1", "Nama"),
                 ("Parmin", "Desa/kelurahan Anda"), ("ngerong", "catatan"), ("-", "Nama: Parmin"),
                 ("1", "Terdaftar", who, "ketik *daftar*")])
    assert ticket(rt) == ("ktp", "Parmin", None)
