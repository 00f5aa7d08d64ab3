""""Which reminders do I have?" through the signed webhook on SQLite and PostgreSQL, in residents' words: the list of
the kecamatan they get reminders for (and their tickets when asked in the same message); such a question never
stops a reminder ("tinggal gempol aja kan?" is asked, not said)."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.models import Resident
from tests.handlers.test_flows import play
from tests.handlers.test_own_tickets import register_ktp
from tests.whatsapp import add_visit

LIST = "Pengingat Anda yang aktif: Kecamatan Gempol dan Pandaan"


@pytest.fixture
def visits(rt):
    return {"gempol": add_visit(rt, "Gempol", 5), "pandaan": add_visit(rt, "Pandaan", 8),
            "tutur": add_visit(rt, "Tutur", 10)}


def subscribed(rt) -> set[str]:
    with rt.sessions() as s:
        r = s.scalars(select(Resident).options(selectinload(Resident.subscriptions))).one()
        return {sub.kecamatan.nama for sub in r.subscriptions}


@pytest.mark.parametrize("question", [
    "pengingat sy apa aja",                 # Indonesian, chat spelling
    "sing aktif opo ae",                    # ngoko, the noun left out
    "pengingat kula menapa kemawon",        # krama
    "ingkang taseh aktif menapa kemawon?",  # krama, the noun left out
    "pangèngat kaule apah beih?",           # Madurese
    "tinggal gempol aja kan?",              # a question, never a stop of Pandaan
    "kari pandaan thok to?",
])
def test_which_reminders_lists_them_and_stops_none(phone, visits, rt, question):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
                 (question, LIST, "!dihentikan", "!belum bisa saya jawab", "!Berhenti menerima")])
    assert subscribed(rt) == {"Gempol", "Pandaan"}


@pytest.mark.parametrize("question", ["pengingat sy apa aja, sama tiket sy apa aja",
                                      "pengingatku opo wae? karo tiketku yo",
                                      "pengingat kula menapa kemawon, lan tiket kula"])
def test_the_tickets_too_when_asked_in_the_same_message(phone, visits, rt, question):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap")])
    register_ktp(phone, desa="andonosari")
    play(phone, [(question, LIST, "Tiket Anda:", "KTP-el", "!dihentikan", "!dibatalkan")])
    assert subscribed(rt) >= {"Gempol", "Pandaan"}


def test_no_ticket_is_said_so_beside_the_list(phone, visits):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
                 ("pengingat sy apa aja, sama tiket sy apa aja", LIST, "belum ada tiket")])


def test_a_bare_question_from_one_without_reminders_is_no_list(phone, visits):
    play(phone, [("tinggal gempol aja kan?", "!Pengingat Anda yang aktif")])
