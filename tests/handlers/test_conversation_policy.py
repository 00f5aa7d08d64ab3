"""The issue's conversations through the signed webhook (SQLite and PostgreSQL): no unasked
handoff, thanks answered kindly, changes of mind switch flows, and a way out of a handoff."""

import pytest
from sqlalchemy import select

from storage.models import Conversation, Opd, Proposal, Resident, Staff, StaffRole, Ticket, TicketEvent
from tests.handlers.test_flows import petugas, play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import Phone, outbox as outbox_to, tickets

RINA = "+6281298765432"


def test_thanks_after_a_schedule_answer_opens_no_ticket(phone, schedule, rt):
    play(phone, [
        ("kapan kenduren mas ke gempol", "Kecamatan Gempol", "1. Daftar layanan untuk jadwal ini"),
        ("suwun nggih", "Sama-sama", "!petugas"),
        ("makasih", "Sama-sama"),
        ("ok siap", "Ketik *MENU*"),
        ("1", "Layanan apa yang ingin diurus?"),  # the place is kept: the options still work
    ])
    assert tickets(rt) == []


def test_two_misses_ask_before_any_petugas(phone, schedule, petugas, rt):
    play(phone, [
        ("xq zzv bbrr", "belum paham"),
        ("qqq www eee", "Mau saya hubungkan dengan petugas?", "1. Ya, hubungkan petugas", "2. Kembali ke menu"),
    ])
    assert tickets(rt) == []
    play(phone, [("kembali ke menu", "Balas dengan angka")])
    assert tickets(rt) == []
    play(phone, [("xq zzv bbrr", "belum paham"), ("qqq www eee", "hubungkan dengan petugas"),
                 ("iya", "KM-", "Diskominfo")])
    assert len(tickets(rt)) == 1


def test_a_change_of_mind_at_the_name_prompt_is_not_the_name(phone, schedule, rt):
    play(phone, [
        ("mau urus kk", "Kartu Keluarga"),
        ("gempol", "1. Daftar untuk tanggal ini"),
        ("1", "Nama sesuai KK?"),
        ("eh gak sido, aku arep usul lampu PJU mati ae", "pendaftaran yang belum selesai tadi tidak saya lanjutkan",
         "*lampu jalan (PJU)*", "desa/kelurahan mana", "!Desa/kelurahan Anda di Kecamatan"),
        ("martopuro", "berapa *titik*"),
        ("lampune loro", "foto atau titik lokasi"),
        ("lewati", "tercatat"),
    ])
    with rt.sessions() as s:
        r = s.scalars(select(Resident)).one()
        assert r.name == "Sumarti"  # the profile name, not "eh gak sido, …"
    assert tickets(rt) == []


def test_the_visit_in_context_is_the_one_registered_for(phone, schedule, rt):
    play(phone, [
        ("kapan kenduren mas ke purwosari", "Kecamatan Purwosari"),
        ("daftar", "Layanan apa yang ingin diurus?"),
        ("ktp", "Nama sesuai KK?"),
        # Asking about Purwosari's visit says nothing of where the resident lives.
        ("1", "Desa/kelurahan tempat tinggal Anda?"),
        ("martopuro", "catatan"), ("gak ada", "Cek lagi ya", "Kantor Kecamatan Purwosari"),
        ("ya daftarkan", "Terdaftar"),
    ])
    assert tickets(rt)[0].visit_id == schedule["purwosari"]


def test_reminder_then_one_is_a_yes(phone, schedule, rt):
    play(phone, [("ingatkan aku kenduren mas gempol", "*Kecamatan Gempol*", "Setuju?"), ("1", "Siap", "!Layanan apa")])
    with rt.sessions() as s:
        assert [x.kecamatan.nama for x in s.scalars(select(Resident)).one().subscriptions] == ["Gempol"]


def test_leaving_a_flow_with_typed_data_is_asked_first(phone, schedule, rt):
    play(phone, [
        ("daftar ktp", "KTP-el"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
        ("Siti Aminah", "Desa/kelurahan"), ("gempol", "catatan"),
        ("KTP saya hilang waktu banjir", "Cek lagi ya", "Nama: Siti Aminah"),
        ("jalan di desa martopuro rusak parah banyak lubang", "belum selesai", "Beralih ke", "1. Ya, beralih"),
        ("tidak", "kita lanjutkan"),
        ("ya daftarkan", "Terdaftar"),
    ])
    assert len(tickets(rt)) == 1
    play(phone, [
        ("daftar kk", "Kartu Keluarga", "1. Daftar"), ("gempol", "Nama"),  # the visit offered, named: taken
        ("Budi Santoso", "Desa/kelurahan"),
        ("gempol", "catatan"), ("sudah pindah rumah", "Cek lagi ya"),
        ("jalan di desa martopuro rusak parah banyak lubang", "Beralih ke"),
        ("ya", "Terima kasih sudah peduli desa", "Martopuro"),
    ])
    assert len(tickets(rt)) == 1


@pytest.fixture
def in_handoff(phone, schedule, rt, wa_client):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("aku njaluk ngomong karo wong, dudu mesin", "saya sambungkan ke petugas")])
    return Phone(wa_client, RINA, "Rina")



@pytest.mark.parametrize("word", ["MENU", "batal"])
def test_menu_and_batal_leave_a_handoff_and_the_petugas_is_told(phone, in_handoff, rt, word):
    play(phone, [("jam piro bukane?", "diteruskan ke petugas")])
    assert "jam piro bukane?" in outbox_to(rt, RINA)[-1]
    play(phone, [(word, "kembali ke asisten otomatis", "Balas dengan angka")])
    assert "kembali ke asisten otomatis" in outbox_to(rt, RINA)[-1]
    with rt.sessions() as s:
        assert s.scalars(select(Conversation)).one().handoff_ticket_id is None
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.status == "baru"  # still open for the petugas
        assert "kembali_ke_bot" in [e.action for e in s.scalars(select(TicketEvent))]
    play(phone, [("1", "Jadwal Kenduren Mas")])  # the bot answers again
    assert "Jadwal" not in outbox_to(rt, RINA)[-1]


def test_berhenti_in_a_handoff_still_stops_reminders(phone, in_handoff, rt):
    play(phone, [("berhenti", "tidak akan menerima pengingat lagi")])
    with rt.sessions() as s:
        assert s.scalars(select(Resident)).one().opted_out_at is not None


@pytest.mark.parametrize("question", ["Kenduren Mas itu apa sih?", "iki nomer opo to?", "nomer iki gae opo"])
def test_asking_what_kenduren_mas_is_explains_it_then_offers_the_menu(phone, question):
    play(phone, [(question, "layanan keliling Pemkab Pasuruan", "24 kecamatan", "1. Jadwal Kenduren Mas")])


def test_none_at_the_desa_question_is_no_change_of_mind(phone, schedule, rt):
    play(phone, [
        ("usul jalan rusak parah di desaku", "untuk desa/kelurahan mana?"),
        ("mboten wonten", "perlu diisi", "!Beralih", "!Jadwal"),
        ("ndak onok", "Mau saya hubungkan dengan petugas?"),
        ("ndak onok", "perlu diisi", "Masih belum nyambung?", "1. Ya, hubungkan petugas", "!Mau saya hubungkan",
         "!Balas dengan angka"),
        ("martopuro", "berapa *meter*"),
        ("lewati", "foto atau titik lokasi"),
        ("lewati", "tercatat"),
    ])
    with rt.sessions() as s:
        (proposal,) = s.scalars(select(Proposal))
        assert (proposal.desa.nama, proposal.deskripsi) == ("Martopuro", "usul jalan rusak parah di desaku")
    assert tickets(rt) == []


def test_leaving_a_schedule_answer_leaves_nothing_behind(phone, schedule):
    play(phone, [
        ("kapan kenduren mas ke gempol", "1. Daftar layanan untuk jadwal ini"),
        ("aku arep usul lampu PJU mati ae", "*lampu jalan (PJU)*", "!tidak saya lanjutkan"),
    ])


def test_javanese_and_misspelt_option_words(wa_client, schedule):
    play(Phone(wa_client, "+6281200000001"), [
        ("kapan ke tosari", "1. Ingatkan saya"), ("elingno", "*Kecamatan Tosari*", "Setuju?")])
    play(Phone(wa_client, "+6281200000002"), [
        ("kapan ke gempol", "1. Daftar layanan untuk jadwal ini"), ("daptar", "Layanan apa yang ingin diurus?")])
    play(Phone(wa_client, "+6281200000003"), [
        ("mau bikin ktp", "kecamatan mana"), ("gempol", "2. Pilih tanggal lain"),
        ("pilih tangal liyane", "Pilih jadwal", "Kec. Purwosari")])
    play(Phone(wa_client, "+6281200000004"), [
        ("daftar kk", "kecamatan mana"), ("gempol", "1. Daftar untuk tanggal ini"), ("1", "Nama"),
        ("Siti", "Desa/kelurahan"), ("gempol", "catatan"), ("-", "Cek lagi ya"),
        ("ganti jeneng", "Nama"), ("Siti Aminah", "Cek lagi ya", "Nama: Siti Aminah"),
        ("gantos desa", "Desa/kelurahan Anda di Kecamatan Gempol"), ("wonosunyo", "Cek lagi ya", "Desa Wonosunyo"),
        ("enggih", "Terdaftar")])
