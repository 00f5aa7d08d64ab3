"""Words typed inside a flow that are neither its answer nor a new request, through the signed webhook
on SQLite and PostgreSQL: what the bot says it left must be what it left (the unfinished step, never
the ticket); a question typed at a question is answered and the question asked again, never stored;
a yes with a remark is a yes; the person a ticket is for comes from the registration request; a
question after an erasure starts nothing; an urgent need gets the dinas' own office."""

from __future__ import annotations

import pytest

from storage.models import TicketStatus
from tests.handlers.test_flows import play
from tests.handlers.test_own_tickets import register_ktp, tickets, visits  # noqa: F401  (fixture)


# — what was left is said as it is —

@pytest.mark.parametrize("cant_come, question", [
    ("kulo mboten saged rawuh tanggal niku", "kenduren teng gempol kapan nggih?"),   # krama
    ("lek aku ga iso teko piye", "jadwal kenduren bangil kpn?"),                    # ngoko, typo
    ("sy berhalangan hadir bu", "kapan kenduren mas ke gempol"),                    # Indonesian
])
def test_a_schedule_question_while_moving_a_ticket_says_the_ticket_still_stands(phone, visits, rt, cant_come,
                                                                                 question):
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    play(phone, [(cant_come, kode, "Pindah ke jadwal lain"),
                 (question, "tetap berlaku", "tidak dipindah, tidak dibatalkan", "!tinggalkan", "Kecamatan")])
    assert [t.status for t in tickets(rt)] == [TicketStatus.BARU]


def test_a_schedule_question_mid_registration_says_nothing_was_registered(phone, visits, rt):
    register_ktp(phone)
    play(phone, [("daftar kk", "Daftar untuk tanggal ini"), ("1", "Nama"),
                 ("eh gak sido, kenduren nang bangil kapan?", "belum didaftarkan", "Tiket yang sudah ada tetap berlaku",
                  "!tinggalkan", "Bangil")])
    assert len(tickets(rt)) == 1 and tickets(rt)[0].status == TicketStatus.BARU


# — an urgent need the caravan cannot wait for: the dinas' own office, and still the caravan —

@pytest.mark.parametrize("words, also", [
    ("ktp sy ilang, perlu buat senin. bisa lgsg ke kantor dinasnya aja?", "surat keterangan kehilangan"),  # typos
    ("KK kula ical, kedah kangge daftar sekolah mbenjing, saged langsung dhateng dispenduk?", "KK hilang"),  # krama
    ("aku ora iso ngenteni kenduren, kantor capil nang endi?", "Raci"),                                  # ngoko
    ("kantor dukcapil bukak saben dina ta?", "Senin–Kamis"),
])
def test_an_urgent_need_gets_the_dinas_office_and_the_caravan_still_offered(phone, visits, rt, words, also):
    answer = phone.say(words)
    assert "Kompleks Perkantoran Raci" in answer and "Senin–Kamis 08.00–12.00" in answer and also in answer
    assert "belum kami pastikan" in answer  # the office hours are from 2021: said with care
    assert "Kenduren Mas berikutnya" in answer and "DAFTAR" in answer
    assert "Sumber:" in answer
    assert tickets(rt) == []


def test_an_urgent_need_of_a_ticket_holder_names_their_own_visit(phone, visits, rt):
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    answer = phone.say("ktp ku ilang maneh, gak iso nunggu, iso langsung nang kantor dispenduk?")
    assert "Kompleks Perkantoran Raci" in answer and f"Jadwal Anda ({kode})" in answer


# — a question after an erasure starts nothing —

@pytest.mark.parametrize("question", [
    "kl nanti mau daftar lg bs kan?",                       # Indonesian, typos
    "mbesuk yen arep ndaftar maneh isih iso to?",           # ngoko
    "mangke menawi badhe ndaftar malih taksih saged?",      # krama
    "mun dhaghi' entar pole, olle?",                        # Madurese (lain kali / lagi / boleh)
])
def test_a_question_after_erasing_ones_data_is_answered_and_starts_nothing(phone, visits, rt, question):
    play(phone, [("tolong hapus data pribadi saya", "Hapus data pribadi"), ("1", "sudah dihapus")])
    play(phone, [(question, "Bisa, kapan saja", "DAFTAR", "!kecamatan mana", "!Layanan apa", "!Pengingat untuk")])
    play(phone, [("daftar ktp", "KTP-el")])  # and registering later works as ever


def test_a_come_back_later_question_mid_registration_keeps_the_question(phone, visits, rt):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"),
                 ("nek sesuk aku pengen ganti jadwal maneh iso to?", "Bisa, kapan saja", "lanjutkan menjawab"),
                 ("Siti Maemunah", "Desa/kelurahan")])
