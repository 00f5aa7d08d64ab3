"""Two requests in one message, through the signed webhook on SQLite and PostgreSQL: neither is dropped. A
quick one (when) is answered inline and the other goes on; a registration goes first and the reminders
it asked for follow."""

import pytest
from sqlalchemy import select

from storage.models import Subscription, Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


@pytest.fixture
def visits(rt):
    return {"tutur": add_visit(rt, "Tutur", 5), "gempol": add_visit(rt, "Gempol", 9),
            "beji": add_visit(rt, "Beji", 12), "pandaan": add_visit(rt, "Pandaan", 16)}


def subscribed(rt) -> list[str]:
    with rt.sessions() as s:
        return sorted(sub.kecamatan.nama for sub in s.scalars(select(Subscription)))


@pytest.mark.parametrize("first,service", [
    ("mau daftar kia anakku, sekalian ingatkan saya ya", "KIA"),          # Indonesian
    ("aku arep gawe kk, engko ingetno aku yo", "Kartu Keluarga"),          # ngoko
    ("kula badhe ndamel ktp, mangke dipun engetaken nggih", "KTP-el"),     # krama
])
def test_a_registration_and_reminders_the_registration_first_then_the_consent(phone, visits, rt, first, service):
    play(phone, [
        (first, service, "pengingat jadwal saya tanyakan sesudahnya", "kecamatan mana"),
        ("tutur", "1. Daftar untuk tanggal ini"), ("1", "Nama"), ("Dewi Lestari", "Desa/kelurahan"),
        ("blarang", "catatan"), ("-", "Cek lagi"),
        ("1", "Terdaftar", "pengingat Kenduren Mas untuk *Kecamatan Tutur*", "Setuju?"),
        ("nggih", "Siap"),
    ])
    assert subscribed(rt) == ["Tutur"]
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == visits["tutur"]


@pytest.mark.parametrize("question", ["kapan ke gempol karo beji?", "kenduren mas nang gempol lan beji tgl piro",
                                      "jadwal e gempol, beji"])
def test_two_kecamatan_in_one_schedule_question_both_answered(phone, visits, rt, question):
    answer = phone.say(question)
    assert "Kecamatan Gempol" in answer and "Kecamatan Beji" in answer, answer
    # several visits shown: the option says one of them is picked next, not "this" one
    assert "1. Daftar layanan di salah satu jadwal ini" in answer and "untuk jadwal ini" not in answer, answer
    play(phone, [("1", "Layanan apa"), ("kk", "Pilih jadwal", "Kec. Gempol", "Kec. Beji", "!Kec. Tutur"),
                 ("sing beji wae", "Nama sesuai KK?"), ("1", "Desa"), ("kedungringin", "catatan"), ("-", "Beji"),
                 ("1", "Terdaftar")])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.visit_id)).one() == visits["beji"]


def test_two_kecamatan_then_remind_me_subscribes_both(phone, visits, rt):
    play(phone, [("kapan ke gempol karo pandaan?", "Kecamatan Gempol", "Kecamatan Pandaan"),
                 ("2", "*Kecamatan Gempol dan Pandaan*", "Setuju?"), ("1", "Siap")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


@pytest.mark.parametrize("first", ["kapan kenduren mas ning gempol? ingetno aku yo",
                                   "jadwal gempol kapan ya, sekalian kabari saya",
                                   "kenduren mas dhateng gempol kapan? mangke dipun engetaken nggih"])
def test_a_schedule_question_and_reminders_the_date_answered_then_the_consent(phone, visits, rt, first):
    play(phone, [(first, "📅", "Kantor Kecamatan Gempol", "*Kecamatan Gempol*", "Setuju?"), ("1", "Siap")])
    assert subscribed(rt) == ["Gempol"]
