"""A registration and a when/where question in one message, through the signed webhook on SQLite and PostgreSQL
(#22 leftovers, e22c): "daftarno ae sy ktp rusak. kpn nang tutur?" got "belum bisa saya jawab", "badhe ndaftar KK,
mbenjang wonten Tutur kapan?" only the schedule card. Both are done: the registration starts with the service said
and the kecamatan named as the visit, and its first reply gives that visit's date, hours and place."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"tutur": add_visit(rt, "Tutur", 9), "beji": add_visit(rt, "Beji", 12), "gempol": add_visit(rt, "Gempol", 4)}


def the_ticket(rt):
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        return t.layanan.key, t.visit.kecamatan.nama, t.desa.nama


@pytest.mark.parametrize("both,service,kecamatan,desa", [
    ("daftarno ae sy ktp rusak. kpn nang tutur?", "ktp_ganti", "Tutur", "pungging"),       # ngoko, chat spelling
    ("mau daftar kia anak, kapan ke beji?", "kia", "Beji", "kedungringin"),                 # Indonesian
    ("badhe ndaftar KK, mbenjang wonten Tutur kapan?", "kk", "Tutur", "blarang"),          # krama
    ("tolong daftarin kk ya kak, ke beji tgl brp?", "kk", "Beji", "kedungringin"),          # Indonesian chat
])
def test_the_registration_starts_and_the_visit_asked_is_given(phone, visits, rt, both, service, kecamatan, desa):
    answer = phone.say(both)
    assert "belum bisa saya jawab" not in answer, answer
    assert f"Kenduren Mas berikutnya di {kecamatan}" in answer and "08.00–13.00" in answer, answer  # the question
    assert "Baik, *" in answer and "1. Daftar untuk tanggal ini" in answer, answer               # and the request
    play(phone, [("1", "Nama"), ("Sumarti", "Desa"), (desa, "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar")])
    assert the_ticket(rt) == (service, kecamatan, desa.capitalize())


def test_a_schedule_question_alone_still_gets_the_card(phone, visits):
    answer = phone.say("kpn nang tutur?")
    assert "Kecamatan Tutur" in answer and "📅" in answer and "Baik, *" not in answer, answer
