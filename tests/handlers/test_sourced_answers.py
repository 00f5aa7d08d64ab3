"""Questions around a service through the signed webhook (SQLite and PostgreSQL): one short sourced
message in the context of the service or ticket at hand, the resident's place kept, nothing created;
asked while a petugas holds the chat, the bot answers and the petugas is told."""

import pytest
from sqlalchemy import select

from storage.models import Opd, OutboxMessage, Staff, StaffRole
from tests.handlers.test_flows import play, schedule  # noqa: F401  (fixtures)
from tests.whatsapp import RINA, tickets


@pytest.mark.parametrize("question, expected", [
    ("sapi saya birahi, piye?", "Sapi birahi tidak bisa menunggu Kenduren Mas"),
    ("sapiku birahi saiki, iso nunggu kenduren ta?", "Hari itu juga hubungi inseminator"),
    ("gratis ta?", "GRATIS menurut undang-undang"),
    ("fotokopi piro lembar?", "1 lembar fotokopi"),
    ("menawi kula telat pripun?", "langsung lapor ke petugas di meja layanan"),
    ("usulan saya kapan dibangun?", "paling cepat dibangun tahun depan"),
    ("ada yang pingsan, ambulan nomer piro?", "119 atau 112"),
])
def test_a_question_around_a_service_gets_one_sourced_answer(phone, schedule, rt, question, expected):
    replies = phone.send(question)
    assert len(replies) == 1 and expected in replies[0] and "📚 Sumber:" in replies[0]
    assert tickets(rt) == []  # a cow in heat gets no ticket months out


def test_unconfirmed_is_said_with_care(phone, schedule):
    play(phone, [("fotokopi berapa lembar?", "belum kami pastikan", "cek lagi ke petugas")])


def test_mid_registration_the_answer_is_for_that_service_and_the_place_is_kept(phone, schedule, rt):
    play(phone, [
        ("daftar ktp", "KTP-el", "kecamatan mana"),
        ("boleh diwakilkan istri saya?", "*KTP-el*", "Tidak bisa diwakilkan", "lanjutkan menjawab"),
        ("gempol", "1. Daftar untuk tanggal ini"),
    ])


def test_the_residents_ticket_is_the_context(phone, schedule, rt):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    play(phone, [("istri saya saja yang datang boleh?", "surat kuasa", "!sidik jari")])


def test_unknown_says_so_and_offers_a_petugas(phone, schedule, rt):
    play(phone, [("legalisir ijazah bayar?", "belum ada di data kami", "PETUGAS")])
    assert tickets(rt) == []  # offered, never opened by itself


def test_asked_while_a_petugas_holds_the_chat_the_bot_answers_and_the_petugas_is_told(phone, schedule, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    play(phone, [("aku njaluk ngomong karo petugas", "saya sambungkan ke petugas"),
                 ("gratis ta urus kk?", "GRATIS", "!diteruskan ke petugas")])
    with rt.sessions() as s:
        last = s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RINA)
                         .order_by(OutboxMessage.id.desc())).first()
        assert "gratis ta urus kk?" in last.body and "Dijawab asisten otomatis" in last.body


def test_a_question_ending_in_a_tag_word_at_a_yes_no_question_is_no_no(phone, schedule, rt):
    play(phone, [("ingatkan aku kenduren mas gempol", "Setuju?"),
                 ("pengingatnya bayar mboten?", "!tidak ada pengingat"),
                 ("1", "Siap")])


# — questions that used to fall through to the live queue, a status check or the menu —————————————

@pytest.mark.parametrize("question, expected", [
    ("sy mau ke wc sebentar, nomer antrian sy hangus ga?", "Nomor antrean Anda tidak hilang"),
    ("kula tilar sekedhap kangge sholat, antrian kula ical mboten?", "balas *HADIR*"),  # krama
    ("engkok kaluar sakejjhe' ngakan, antreanna ilang?", "Nomor antrean Anda tidak hilang"),  # Madurese
    ("misal ra teko opo kena dendo?", "Tidak ada denda"),
    ("menawi mboten dugi, wonten sanksinipun?", "Tidak ada denda"),  # krama
    ("telat ngurus akte lahir anak kena denda pora", "diatur perda tiap daerah"),
    ("mbahku wis almarhum, kk e diganti nggowo opo wae?", "akta kematian"),
    ("ibu kula sampun seda, kartu keluarga pripun", "KK lama asli"),  # krama
    ("usulan sing tak kirim wingi diteruske nang sopo?", "Musrenbang"),
    ("usulan kula dipun tampi sinten", "kepala desa dan camat"),  # krama
])
def test_questions_that_fell_through_get_their_sourced_answer(phone, schedule, rt, question, expected):
    replies = phone.send(question)
    assert len(replies) == 1 and expected in replies[0] and "📚 Sumber:" in replies[0], replies
    assert "Saat ini tidak ada antrean" not in replies[0] and "Belum ada tiket" not in replies[0]
    assert tickets(rt) == []


def test_when_is_my_kk_ready_answers_when_where_and_the_tickets_status(phone, schedule, rt):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    kode = tickets(rt)[0].kode
    play(phone, [("kk ku wes dadi urung?", "ditandatangani elektronik", "diambil lewat desa/kecamatan",
                  f"Tiket Anda *{kode}*", f"STATUS {kode}")])
    play(phone, [("kapan kk kula dados", "ditandatangani elektronik", f"Tiket Anda *{kode}*")])  # krama


def test_a_penalty_question_from_a_ticket_holder_names_their_visit_and_how_to_move_it(phone, schedule, rt):
    play(phone, [("mau urus kk", "Kartu Keluarga"), ("gempol", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 ("1", "Desa/kelurahan"), ("gempol", "catatan"), ("gak ada", "Cek lagi"), ("ya daftarkan", "Terdaftar")])
    kode = tickets(rt)[0].kode
    play(phone, [("umpama gak teko didenda ta?", "Tidak ada denda", f"Jadwal Anda ({kode})", "ganti tanggal")])
    assert tickets(rt)[0].status != "dibatalkan"  # a question, never a cancel


def test_who_receives_my_proposal_names_its_status(phone, schedule, rt):
    play(phone, [
        ("dalan nang desaku rusak parah pak, martopuro", "*jalan rusak*"),
        ("1", "berapa *meter*"),
        ("kiro-kiro 300an meter", "foto atau titik lokasi"),
        ("1", "Kode: *US-"),
        ("usulanku iki diteruske nang sopo?", "admin Pemkab", "Musrenbang kecamatan", "Usulan Anda *US-"),
    ])


# — a sourced answer while a petugas holds (or is awaited in) the chat: worded for that state ——————————

@pytest.fixture
def kominfo_rina(rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=kominfo.id))


def last_to(rt, phone):
    with rt.sessions() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == phone)
                         .order_by(OutboxMessage.id.desc())).first().body


@pytest.mark.parametrize("question, answer", [
    ("nek aku telat sejam isih dilayani ra?", "langsung lapor ke petugas di meja layanan"),
    ("nyuwun sewu, ngurus KK mbayar mboten?", "GRATIS"),                       # krama
    ("usulan kaula ekirim ka sapa?", "admin Pemkab"),                          # Madurese
])
def test_in_a_chat_the_answer_says_the_chat_goes_on_and_the_petugas_sees_question_and_answer(
        phone, schedule, kominfo_rina, rt, question, answer):
    play(phone, [("tolong sambungkan ke petugas", "saya sambungkan ke petugas")])
    replies = phone.send(question)
    assert len(replies) == 1 and answer in replies[0], replies
    assert "Ketik *PETUGAS*" not in replies[0] and "petugas tetap berjalan" in replies[0]
    note = last_to(rt, RINA)
    assert question in note and answer in note  # the question and the bot's answer, in the petugas' history
    assert "tidak perlu dibalas" not in note and "tetap berjalan" not in note
    with rt.sessions() as s:
        from storage.models import TicketEvent
        bot = [e.note for e in s.scalars(select(TicketEvent).where(TicketEvent.actor == "bot"))]
        assert any(answer in n for n in bot)  # the console's history shows it too


def test_in_a_chat_a_question_the_data_cannot_answer_goes_to_the_petugas(phone, schedule, kominfo_rina, rt):
    play(phone, [("aku njaluk ngomong karo wong", "saya sambungkan ke petugas"),
                  ("legalisir ijazah bayar ora?", "diteruskan ke petugas", "!belum ada di data kami", "!Ketik *PETUGAS*")])
    assert "legalisir ijazah bayar ora?" in last_to(rt, RINA)


# — the livestock dinas is DPKH; a cow in heat gets its field officers, never a ticket months away ——————

@pytest.mark.parametrize("words", [
    "sapiku lagi birahi, iso didaftarno IB nang kenduren?",
    "sapi kula sampun brahi, badhe kawin suntik pripun?",   # krama
    "mau daftar ib sapi, sapinya lagi minta kawin",
])
def test_a_cow_in_heat_gets_the_dinas_field_officers_not_a_ticket(phone, schedule, rt, words):
    replies = phone.send(words)
    assert len(replies) == 1, replies  # only who helps now: no registration started for a visit weeks away
    assert "inseminator" in replies[0] and "DPKH" in replies[0] and "KUD" in replies[0]
    assert "Kenduren Mas berikutnya" not in replies[0] and "Daftar untuk tanggal ini" not in replies[0]
    assert tickets(rt) == []


def test_the_livestock_dinas_is_named_dpkh(phone, schedule):
    answer = phone.say("dinas opo ae sing teko nang gempol?")
    assert "DPKH* (Dinas Peternakan dan Kesehatan Hewan)" in answer and "DPKP" not in answer


# — a proposal and a question in one message: both, the question answered first ————————————————————

@pytest.mark.parametrize("words, answer", [
    ("jembatan bambu nang dusunku wis rapuh, tolong diusulno. biasane dibahas kapan?", "Musrenbang kecamatan"),
    ("Lampu jalan depan masjid mati semua, usulan ini nanti diterima siapa ya", "admin Pemkab"),
    ("selokan desa kula buntet, nyuwun dipun dandosi. mbayar mboten?", "Mengirim usulan lewat Kenduren Mas gratis"),
    ("dalan nang gang rusak parah, sekalian takon kenduren mas nang gempol kapan?", "Kecamatan Gempol"),
])
def test_a_proposal_with_a_question_answers_it_and_starts_the_proposal(phone, schedule, rt, words, answer):
    said = phone.say(words)
    assert answer in said, said
    assert "Terima kasih sudah peduli desa" in said and said.rstrip().endswith("?")  # the proposal asks on, last
    assert said.index(answer) < said.index("Terima kasih sudah peduli desa")
    assert "GRATIS menurut undang-undang" not in said  # a proposal's cost is not Dukcapil's
