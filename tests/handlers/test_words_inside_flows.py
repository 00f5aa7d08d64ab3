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


# — a question typed at a question is answered (or acknowledged), the question asked again, never stored —

@pytest.mark.parametrize("question, answered", [
    ("kantor capil bukak tiap dino ta?", "Kompleks Perkantoran Raci"),        # ngoko
    ("kapan kenduren mas teng gempol?", "Kecamatan Gempol"),                  # krama, a schedule aside
    ("nama harus sama persis kayak di ktp ya?", "belum bisa saya jawab"),    # acknowledged only
    ("engkok kodu ngibha apa beih?", "belum bisa saya jawab"),               # Madurese
])
def test_a_question_at_the_name_question_is_never_the_name(phone, visits, rt, question, answered):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 (question, answered, "nama lengkap sesuai KK", "!tidak saya lanjutkan", "!Desa/kelurahan"),
                 ("Sulastri Wahyuni", "Desa/kelurahan"), ("wonosari", "catatan"),
                 ("-", "Cek lagi", "Sulastri Wahyuni"), ("1", "Terdaftar")])
    [ticket] = tickets(rt)
    assert ticket.nama == "Sulastri Wahyuni"


@pytest.mark.parametrize("words", [
    "berarti sesuk isuk dibales yo? aku butuh aktane",       # ngoko, the persona's words' kind
    "kapan petugase mbales? penting soale",
    "menawi dalu ngeten, mbenjing enjing dipun wangsuli nggih?",  # krama
])
def test_a_question_about_the_wait_keeps_the_handoff_and_starts_nothing(phone, staff, visits, rt, words):
    play(phone, [("aku pengen ngomong karo petugas capil", "petugas *Dispendukcapil*")])
    play(phone, [(words, "Percakapan dengan petugas tetap terbuka", "!Layanan apa", "!kecamatan mana",
                  "!Baik, *")])
    from tests.handlers.test_own_tickets import told
    from tests.whatsapp import RINA
    assert any(words in body for body in told(rt, RINA))  # the petugas gets the message itself
    assert len(tickets(rt)) == 1  # the chat's own ticket; no registration


@pytest.mark.parametrize("words", [
    "yo wis daftarno ae, mengko tak takon petugase langsung",   # ngoko
    "iya daftarkan, nanti saya tanya petugasnya di sana",      # Indonesian
    "nggih daftaraken, mangke kula nyuwun pirsa piyambak",      # krama
])
def test_a_yes_with_a_remark_about_later_registers(phone, staff, visits, rt, words):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1."), ("1", "Nama"), ("1", "Desa/kelurahan"),
                 ("wonosari", "catatan"), ("-", "Cek lagi"),
                 (words, "Terdaftar", "!sambungkan ke petugas")])
    assert len(tickets(rt)) == 1


def test_a_yes_whose_remark_changes_something_is_not_a_plain_yes(phone, visits, rt):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1."), ("1", "Nama"), ("1", "Desa/kelurahan"),
                 ("wonosari", "catatan"), ("-", "Cek lagi"),
                 ("iya, tapi nanti ganti namanya dulu", "!Terdaftar")])
    assert tickets(rt) == []


# — the person a ticket is for comes from the registration request —

@pytest.mark.parametrize("asked, register", [
    ("KTP kula saged dipun urusaken putu kula mboten?", "nggih, daftaraken kula"),        # krama
    ("cucuku iso ngurus ktpku ta?", "yowes daftarno aku ae"),                              # ngoko
    ("ktp sy bs diurus cucu sy ga?", "ok daftarkan saya"),                                 # Indonesian, typos
])
def test_a_question_about_a_relative_then_register_me_is_for_the_writer(phone, visits, rt, asked, register):
    play(phone, [(asked, "datang sendiri"),
                 (register, "KTP-el", "kecamatan mana", "!cucu"),
                 ("tutur", "1."), ("1", "Nama sesuai KK?", "1. Sumarti", "!cucu"), ("1", "Desa/kelurahan Anda"),
                 ("wonosari", "catatan"), ("-", "Cek lagi", "Sumarti", "!cucu"), ("1", "Terdaftar")])
    [ticket] = tickets(rt)
    assert ticket.nama == "Sumarti" and ticket.relasi is None


@pytest.mark.parametrize("start, correction", [
    ("daftar ktp kanggo putu kula", "lho sanes putu kula, kula piyambak"),   # krama
    ("daftar ktp buat cucu saya", "eh bukan cucu, saya sendiri"),            # Indonesian
    ("daftar ktp gawe putuku", "dudu putuku, aku dewe"),                     # ngoko
    ("daftar ktp kaangguy kompoy kaule", "bunten kompoy, engkok dhibi'"),    # Madurese
])
def test_a_correction_at_the_summary_changes_whom_the_ticket_is_for(phone, visits, rt, start, correction):
    play(phone, [(start, "kecamatan mana"), ("tutur", "1."), ("1", "Nama"),
                 ("Bagus Pratama", "Desa/kelurahan"), ("wonosari", "catatan"), ("-", "Cek lagi", "cucu"),
                 (correction, "Nama sesuai KK?", "1. Sumarti"), ("1", "Cek lagi", "Sumarti", "!cucu", "!Bagus"),
                 ("1", "Terdaftar")])
    [ticket] = tickets(rt)
    assert ticket.nama == "Sumarti" and ticket.relasi is None


@pytest.mark.parametrize("start, me", [
    ("daftar ktp untuk putu kula", "mboten, kula piyambak"),
    ("daftar ktp buat cucu saya", "saya sendiri aja"),
])
def test_self_at_the_name_question_drops_the_relation(phone, visits, rt, start, me):
    play(phone, [(start, "kecamatan mana"), ("tutur", "1."), ("1", "cucu"),
                 (me, "Nama sesuai KK?", "1. Sumarti"), ("1", "Desa/kelurahan Anda"),
                 ("wonosari", "catatan"), ("-", "Cek lagi", "!cucu"), ("1", "Terdaftar")])
    [ticket] = tickets(rt)
    assert ticket.nama == "Sumarti" and ticket.relasi is None


def test_the_office_asked_mid_registration_names_the_visit_being_registered_for(phone, visits, rt):
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "Daftar untuk tanggal ini"), ("1", "Nama sesuai KK?"),
                 ("nek kesuwen, iso langsung nang kantor capil ae ta?", "Kompleks Perkantoran Raci",
                  "yang sedang Anda daftarkan", "Kec. Tutur", "!Balas *DAFTAR*", "nama lengkap sesuai KK"),
                 ("Sumarni", "Desa/kelurahan")])


def test_a_question_about_the_wait_with_nobody_to_take_the_chat_is_answered(phone, visits, rt):
    """No petugas at all: the chat's ticket waits for working hours and the bot serves meanwhile."""
    play(phone, [("aku pengen ngomong karo petugas capil", "belum ada petugas")])
    kode = tickets(rt)[0].kode
    play(phone, [("berarti sesuk isuk dibales yo? aku butuh aktane", kode, "Percakapan dengan petugas tetap terbuka",
                  "!Maksudnya", "!Layanan apa", "!kecamatan mana")])
    assert len(tickets(rt)) == 1
