"""Handoff only when asked, through the signed webhook (SQLite and PostgreSQL): two misses ask, a
request after "yowes gpp" is that request, a clear question while a petugas holds the chat is
answered by the bot (and the petugas sees it), and at night the resident is told when a person reads."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Conversation, Opd, Staff, StaffRole, TicketEvent
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import RINA, outbox as outbox_to, tickets

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def kominfo_petugas(rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))



def test_after_two_misses_a_request_after_yowes_gpp_is_that_request(phone, schedule, kominfo_petugas, rt):
    play(phone, [("xq zzv bbrr", "belum paham"), ("qqq www eee", "Mau saya hubungkan dengan petugas?"),
                 ("yowes gpp daftar ae", "Layanan apa yang ingin diurus?", "!petugas *"),
                 ("1", "KTP-el", "kecamatan mana")])
    assert tickets(rt) == []


@pytest.mark.parametrize("question", ["kenduren ke gempol kapan?", "kapan kenduren mas ke gempol", "jadwal gempol"])
def test_a_schedule_question_while_a_petugas_holds_the_chat_is_answered_by_the_bot(phone, schedule, kominfo_petugas,
                                                                                  rt, question):
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas")])
    play(phone, [(question, "Kecamatan Gempol", "!diteruskan ke petugas")])
    assert "Dijawab asisten otomatis" in outbox_to(rt, RINA)[-1]
    assert question in outbox_to(rt, RINA)[-1]
    with rt.sessions() as s:
        assert s.scalars(select(Conversation)).one().handoff_ticket_id is not None  # the chat is still theirs
        assert ("bot", "dijawab_bot") in [(e.actor, e.action) for e in s.scalars(select(TicketEvent))]
    # the next words are for the petugas again
    play(phone, [("pak, KK saya hilang, gimana?", "diteruskan ke petugas")])
    assert "KK saya hilang" in outbox_to(rt, RINA)[-1]


def test_the_bots_offer_after_an_answer_mid_chat_still_works(phone, schedule, kominfo_petugas, rt):
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas"),
                 ("kapan kenduren mas ke gempol", "1. Daftar layanan untuk jadwal ini"),
                 ("1", "Layanan apa yang ingin diurus?")])


def test_a_question_without_what_the_bot_needs_goes_to_the_petugas(phone, schedule, kominfo_petugas, rt):
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas"),
                 ("jam piro bukane?", "diteruskan ke petugas")])
    assert "jam piro bukane?" in outbox_to(rt, RINA)[-1]


def test_at_night_the_resident_is_told_when_a_person_reads_and_the_bot_still_answers(wa_app, phone, schedule,
                                                                                    kominfo_petugas, rt):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 13, 23, 40, tzinfo=WIB))  # a Sunday night
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas", "di luar jam kerja",
                  "Senin, 14 Desember 2026 pukul 08.00 WIB")])
    play(phone, [("kenduren ke gempol kapan?", "Kecamatan Gempol", "!diteruskan ke petugas")])


def test_in_working_hours_nothing_is_said_of_them(wa_app, phone, schedule, kominfo_petugas, rt):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 14, 9, 30, tzinfo=WIB))  # a Monday morning
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas", "!di luar jam kerja")])


def test_christmas_day_waits_for_the_next_working_day(wa_app, phone, schedule, kominfo_petugas, rt):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 25, 10, 0, tzinfo=WIB))  # Friday, a holiday
    play(phone, [("petugas", "di luar jam kerja", "Senin, 28 Desember 2026 pukul 08.00 WIB")])


def test_asking_for_a_person_of_a_dinas_is_a_handoff_to_that_dinas(wa_client, phone, schedule, rt):
    with rt.sessions.begin() as s:
        dinsos = s.scalars(select(Opd).where(Opd.key == "dinsos")).one()
        s.add(Staff(phone="+6281277777777", name="Pak Budi", role=StaffRole.PETUGAS, opd_id=dinsos.id))
    play(phone, [("bisa bicara dengan petugas dinsos?", "saya sambungkan ke petugas *Dinas Sosial*",
                  "!Layanan apa")])


def test_a_question_of_the_queues_hours_is_the_schedules(phone, schedule, rt):
    play(phone, [("antreane kenduren nang gempol tutup jam piro?", "Kecamatan Gempol", "08.00–13.00")])
