"""A clear question worded away from the topic lists (issue 23, round 2), through the signed webhook on SQLite
and PostgreSQL: answered from the nearest sourced question when sure, offered as "Maksud Anda …?" when near,
otherwise "cannot answer yet" with a petugas offered — never the menu, a schedule card nobody asked for, or a
stop prompt. Sentences are our own, in several registers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Opd, Staff, StaffRole
from tests.handlers.test_antrean import Clock
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.handlers.test_sensitive_requests import add_kades
from tests.whatsapp import RINA, outbox as outbox_to, tickets

WIB = ZoneInfo("Asia/Jakarta")
SCHEDULE_CARD = "Jadwal Kenduren Mas berikutnya"
MENU = "1. Jadwal Kenduren Mas"


@pytest.mark.parametrize("question", [
    "kalo ga dateng pas jadwalnya, tiket hangus ga?",           # Indonesian chat spelling
    "lek aku gak teko, tiketku angus ta?",                      # ngoko
    "menawi mboten saged rawuh, tiketipun hangus?",             # krama
    "mun kaula ta' bisa dhateng, tiket ilang ta?",              # Madurese
    "klo g jd dtg gmn tiketnya?",                               # chat abbreviations
])
def test_a_missed_visit_asked_in_other_words_gets_the_sourced_answer(phone, schedule, question):
    play(phone, [(question, "Tidak ada denda", "📚 Sumber:", "!" + SCHEDULE_CARD, "!" + MENU)])


@pytest.mark.parametrize("question", [
    "ada yg bls gak ya jam sgini",
    "wis bengi ngene isih ono sing mbales ta?",
    "wonten ingkang mbales jam semanten?",
])
def test_at_night_who_reads_the_chat_is_answered_not_the_schedule(wa_app, phone, schedule, rt, question):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 13, 23, 40, tzinfo=WIB))  # a Sunday night
    play(phone, [(question, "asisten otomatis", "Senin, 14 Desember 2026 pukul 08.00 WIB", "!" + SCHEDULE_CARD)])
    assert tickets(rt) == []  # nothing opened by itself


def test_in_working_hours_who_reads_the_chat_says_now(wa_app, phone, schedule):
    wa_app.extensions["kenduren"].clock = Clock(datetime(2026, 12, 14, 9, 30, tzinfo=WIB))
    play(phone, [("jam segini masih ada yang bales gak ya?", "asisten otomatis", "sekarang jam kerja")])


@pytest.mark.parametrize("question", [
    "rumah kebanjiran, kk sama ktp hanyut semua, gimana?",
    "KTP kula keli banjir, pripun?",
    "omahku kobong, kk karo akta melu kobong, piye?",
])
def test_documents_lost_in_a_disaster_are_replaced_free(phone, schedule, rt, question):
    play(phone, [(question, "GRATIS", "cukup NIK", "112", "belum kami pastikan", "📚 Sumber: Antara")])
    assert tickets(rt) == []


@pytest.mark.parametrize("question", [
    "teks pengumumannya bisa dikirim sekarang?",
    "pengumumane iso dikirim saiki ta?",
    "nyuwun teks pengumuman kagem grup warga",
])
def test_a_kepala_desa_asking_for_the_announcement_is_told_when_it_comes(phone, schedule, rt, question):
    add_kades(rt, phone.number)
    play(phone, [(question, "kami kirim otomatis", "Tautan Desa ", "!" + SCHEDULE_CARD,
                  "!Nama kecamatannya belum saya kenali")])


def test_a_resident_asking_for_the_announcement_is_told_it_is_for_kepala_desa(phone, schedule):
    play(phone, [("teks pengumumannya bisa dikirim sekarang?", "belum terdaftar sebagai kepala desa")])


@pytest.mark.parametrize("question", [
    "ada imunisasi campak gak di kenduren mas?",
    "kenduren mas iso nggawe paspor ta?",
    "bisa bikin sim gak?",
    "iso ngurus sertifikat tanah ta?",
])
def test_a_question_nothing_answers_says_so_and_offers_a_petugas(phone, schedule, rt, question):
    play(phone, [(question, "belum bisa saya jawab", "1. Ya, hubungkan petugas", "!" + SCHEDULE_CARD, "!Halo")])
    assert tickets(rt) == []  # offered, never opened by itself


def test_yes_to_the_offer_hands_the_question_to_the_petugas(phone, schedule, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("ada imunisasi campak gak di kenduren mas?", "belum bisa saya jawab"), ("1", "petugas")])
    assert len(tickets(rt)) == 1
    assert "imunisasi campak" in outbox_to(rt, RINA)[-1]


def test_two_declines_the_offer_back_to_the_menu(phone, schedule, rt):
    play(phone, [("bisa bikin sim gak?", "belum bisa saya jawab"), ("2", MENU)])
    assert tickets(rt) == []


def test_a_near_question_is_offered_and_answered_on_yes(phone, schedule, rt):
    play(phone, [("ada vaksin covid gak?", "Maksud Anda", "1. Ya, itu maksud saya"),
                 ("1", "📚 Sumber:")])
    assert tickets(rt) == []


@pytest.mark.parametrize("question, expected", [
    ("kapan kenduren mas?", SCHEDULE_CARD),
    ("kenduren teko kecamatanku kapan ya?", SCHEDULE_CARD),
    ("Kenduren Mas itu apa?", "Kendaraan Urun Rembug Masyarakat"),
    ("kapan kenduren ke gempol?", "Kecamatan Gempol"),
])
def test_schedule_and_programme_questions_still_get_their_answers(phone, schedule, question, expected):
    play(phone, [(question, expected, "!belum bisa saya jawab")])


@pytest.mark.parametrize("question, expected", [
    ("klo sy ga jadi dtg, tiket sy hangus ato gmn?", "Tidak ada denda"),      # was "Belum ada tiket"
    ("menawi kula mboten rawuh tiket kula pripun?", "Tidak ada denda"),
    ("tiketku piye?", "Belum ada tiket"),                                     # a status question stays one
    ("tiket saya gimana?", "Belum ada tiket"),
])
def test_without_a_ticket_not_coming_is_answered_and_status_stays_status(phone, schedule, question, expected):
    play(phone, [(question, expected)])
