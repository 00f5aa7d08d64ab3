"""Which reading of a message wins, through the signed webhook on SQLite and PostgreSQL: a clear request
is never answered with an unrelated sourced answer, and a request beside a real question gets both."""

from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)


def test_a_reminder_request_with_an_address_word_is_a_reminder_request(phone, schedule):
    play(phone, [
        ("iso tulung dielingno kak, yen kenduren teko nang gempol karo purwosari",
         "pengingat", "Gempol", "Purwosari", "!📚 Sumber", "!diwakilkan"),
        ("1", "Gempol", "Purwosari"),
    ])


def test_an_age_said_with_a_registration_is_no_question_about_age(phone, schedule):
    play(phone, [("KAULA TERRO DAFTAR KB, OMOR KAULA 35 TAON", "KB", "kecamatan mana", "!📚 Sumber")])


def test_when_and_where_to_come_is_the_schedules_question(phone, schedule):
    play(phone, [("kula kedah dateng dinten menapa lan ing pundi?", "Kecamatan Gempol", "!surat kuasa", "!📚 Sumber")])


def test_a_registration_beside_a_question_is_answered_and_goes_on(phone, schedule, rt):
    play(phone, [
        ("badhe daftar KK, menapa kedah rawuh piyambak?", "surat kuasa", "📚 Sumber", "kecamatan mana"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("1", "Nama sesuai KK?"),
        ("1", "Desa/kelurahan"),
        ("gempol", "catatan"),
        ("mboten", "Cek lagi"),
        ("nggih", "Terdaftar"),
    ])
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().layanan.key == "kk"


def test_thanks_and_a_question_after_moving_a_ticket_get_its_requirements(phone, schedule, rt):
    play(phone, [("daftar kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"), ("1", "Desa/kelurahan"),
                 ("gempol", "catatan"), ("gak onok", "Cek lagi"), ("1", "Terdaftar")])
    play(phone, [
        ("ganti tanggal", "jadwal mana"),
        ("purwosari", "Purwosari"),
        ("kalangkong, berkassa ngiba apa beih?", "Untuk tiket *KM-", "Kartu Keluarga", "Buku nikah", "!Balas dengan angka"),
        ("maturnuwun, mangke kula mbeta menapa kemawon?", "Untuk tiket *KM-", "Buku nikah"),
    ])


def test_a_sooner_visit_asked_at_a_card_leads_to_the_nearby_ones_and_on_to_registering(phone, schedule):
    play(phone, [
        ("kenduren nang purwosari kapan?", "Kecamatan Purwosari", "1. Daftar"),
        ("nyuwun sewu, wonten ingkang langkung rumiyin ing kecamatan sanes?", "lebih cepat", "Kec. Gempol", "km"),
        ("gempol", "Kecamatan Gempol", "1. Daftar layanan untuk jadwal ini"),
    ])


def test_another_day_at_the_registrations_date_question_is_the_date_choice(phone, schedule):
    play(phone, [
        ("mau urus akta lahir", "Akta kelahiran", "kecamatan mana"),
        ("purwosari", "1. Daftar untuk tanggal ini"),
        ("GANTI DINO AE", "Pilih jadwal", "Kec. Gempol"),
    ])
