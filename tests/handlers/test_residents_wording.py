"""Residents' own wording of what the bot already does, through the signed webhook on SQLite and PostgreSQL:
changes said in words at the registration summary (never losing it), names as residents give them (two
people, words glued on, a skip), the desa said beside the kecamatan, cancelling a ticket in Madurese or by
its code, the list of one's reminders and keep-one-stop-the-other, the relation of the person (not the
writer's), a change of service mid-way, a sooner visit nearby. Several registers each; the rules, not one
sentence."""

import pytest
from sqlalchemy import select

from storage.models import Subscription, Ticket, TicketStatus
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit, jakarta_today


@pytest.fixture
def visits(rt):
    return {"tutur": add_visit(rt, "Tutur", 5), "tosari": add_visit(rt, "Tosari", 9),
            "purwodadi": add_visit(rt, "Purwodadi", 3), "pandaan": add_visit(rt, "Pandaan", 40)}


def tickets(rt) -> list[Ticket]:
    with rt.sessions() as s:
        found = list(s.scalars(select(Ticket).order_by(Ticket.id)))
        s.expunge_all()
        return found


def to_summary(phone, service="daftar kk", name="1"):
    play(phone, [(service, "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), (name, "Desa/kelurahan"),
                 ("blarang", "catatan"), ("-", "Cek lagi")])


# — 1. changes said in words at the summary —

@pytest.mark.parametrize("words,name", [
    ("asmanipun lepat, ingkang leres Sutini", "Sutini"),                 # krama
    ("namane salah, sing bener Sutini Rahayu", "Sutini Rahayu"),         # ngoko
    ("nama saya keliru, harusnya Sutini", "Sutini"),                     # Indonesian
    ("nyamana sala, se leres Sutini", "Sutini"),                         # Madurese
    ("namanya typo kak, yg bener Sutini", "Sutini"),                     # chat spelling
])
def test_a_name_corrected_in_words_at_the_summary(phone, visits, rt, words, name):
    to_summary(phone)
    play(phone, [(words, "Cek lagi", f"Nama: {name} — Desa Blarang", "!belum saya pahami"), ("1", "Terdaftar")])
    assert [t.nama for t in tickets(rt)] == [name]


def next_week(rt):
    """Two visits in next week (Tue, Thu) and the one registered for two weeks on: "minggu ngarep" is
    next week whatever today is."""
    today = jakarta_today()
    monday = 7 - today.weekday()
    return {"later": add_visit(rt, "Tutur", monday + 8), "tosari": add_visit(rt, "Tosari", monday + 1),
            "prigen": add_visit(rt, "Prigen", monday + 3)}


@pytest.mark.parametrize("words", [
    "tanggal e diganti sing minggu ngarep",           # ngoko
    "jadwalnya diganti minggu depan aja",             # Indonesian
    "dinten ipun digantos minggu ngajeng mawon",      # krama
])
@pytest.mark.parametrize("then", ["gak", "ora sido, tetep ae", "mboten sios"])
def test_a_change_of_visit_in_words_then_no_keeps_the_registration(phone, rt, words, then):
    v = next_week(rt)
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), ("1", "Desa"),
                 ("blarang", "catatan"), ("-", "Cek lagi"),
                 (words, "Kec. Tosari", "Kec. Prigen", "!Jadwal Kenduren Mas berikutnya"),
                 (then, "Cek lagi", "Kenduren Mas di Tutur", "!hentikan"),
                 ("1", "Terdaftar")])
    assert [t.visit_id for t in tickets(rt)] == [v["later"]]


def test_a_change_of_visit_in_words_picked(phone, rt):
    v = next_week(rt)
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), ("1", "Desa"),
                 ("blarang", "catatan"), ("-", "Cek lagi"),
                 ("tanggale diganti minggu ngarep wae", "Kec. Prigen"), ("prigen", "Cek lagi", "Kenduren Mas di Prigen"),
                 ("1", "Terdaftar")])
    assert [t.visit_id for t in tickets(rt)] == [v["prigen"]]


@pytest.mark.parametrize("then", ["gak jadi", "ora sido", "mboten sios", "batal", "tetep wae"])
def test_never_mind_while_changing_goes_back_to_the_summary(phone, visits, rt, then):
    to_summary(phone)
    play(phone, [("ubah", "Apa yang ingin diubah?"), (then, "tidak ada yang diubah", "Cek lagi", "!hentikan"),
                 ("ubah nama", "Nama"), (then, "Cek lagi"),
                 ("1", "Terdaftar")])
    assert len(tickets(rt)) == 1


# — 2. names —

@pytest.mark.parametrize("answer,first,second", [
    ("Parmin kaliyan garwa kula Tumini", "Parmin", "*Tumini* (suami/istri Anda)"),   # krama
    ("Parmin lan bojoku Tumini", "Parmin", "*Tumini* (suami/istri Anda)"),           # ngoko
    ("Parmin dan istri saya Tumini", "Parmin", "*Tumini* (istri Anda)"),             # Indonesian
    ("Parmin ban binena Tumini", "Parmin", "*Tumini* (istri Anda)"),                 # Madurese
    ("Parmin, bojoku Tumini yo didaftarno sisan", "Parmin", "*Tumini* (suami/istri Anda)"),  # the wife beside
])
def test_two_people_in_one_answer_the_second_is_never_dropped(phone, visits, rt, answer, first, second):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"),
                 (answer, "Satu pendaftaran untuk satu orang", f"*{first}*", second, "Desa/kelurahan Anda"),
                 ("blarang", "catatan"), ("-", f"Nama: {first} —"),
                 ("1", "Terdaftar", f"Untuk {second}: ketik *daftar*")])
    assert [(t.nama, t.relasi) for t in tickets(rt)] == [(first, None)]


@pytest.mark.parametrize("answer,name", [
    ("Siti Ramadhani. Dereng mlebet KK", "Siti Ramadhani"),   # krama after the name
    ("Siti Ramadhani durung mlebu kk", "Siti Ramadhani"),      # ngoko
    ("Siti Ramadhani. blm masuk KK", "Siti Ramadhani"),        # chat spelling
])
def test_words_glued_to_a_name_are_not_stored(phone, visits, rt, answer, name):
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), (answer, "Desa/kelurahan"),
                 ("blarang", "catatan"), ("-", f"Nama: {name} — Desa Blarang")])


@pytest.mark.parametrize("skip", ["Ga", "gk", "nggak", "enggak", "lewati"])
def test_a_skip_or_a_no_at_the_name_is_asked_again_with_an_example(phone, visits, rt, skip):
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama sesuai KK?"),
                 (skip, "misalnya *Siti Aminah*", "!Desa/kelurahan"),
                 ("Sulastri", "Desa/kelurahan"), ("blarang", "catatan"), ("-", "Nama: Sulastri —")])


@pytest.mark.parametrize("first,name", [
    ("kula Rukmini saking Blarang Tutur badhe ndamel KK", "Rukmini"),              # krama
    ("pagi min, aku Paijo wong blarang tutur arep gawe kk", "Paijo"),              # ngoko
    ("assalamualaikum, engkok Hasan dari blarang tutur, terro daftar KK", "Hasan"),  # Madurese
    ("selamat siang, nama saya Rukmini dari desa Blarang kec Tutur mau daftar kk", "Rukmini"),
])
def test_a_name_in_a_long_first_message_is_offered_not_asked(phone, visits, rt, first, name):
    play(phone, [(first, "Kenduren Mas berikutnya di Tutur"), ("1", f"1. {name}"),
                 ("1", "Desa Blarang, Kec. Tutur", "catatan", "!Desa/kelurahan Anda di"),
                 ("-", f"Nama: {name} — Desa Blarang")])


# — 3. the desa said beside the kecamatan —

@pytest.mark.parametrize("answer", ["tutur, desa ngadirejo", "kula saking ngadirejo tutur",
                                    "ds ngadirejo kec tutur", "aku wong ngadirejo tutur"])
def test_a_desa_beside_the_kecamatan_is_not_asked_again(phone, visits, rt, answer):
    play(phone, [("daftar ktp", "kecamatan mana"), (answer, "Kenduren Mas berikutnya di Tutur"), ("1", "Nama"),
                 ("1", "Desa Ngadirejo, Kec. Tutur", "catatan", "!Desa/kelurahan Anda di"),
                 ("-", "Nama: Sumarti — Desa Ngadirejo, Kec. Tutur")])


@pytest.mark.parametrize("answer", ["kula saking ngadirejo tutur", "aku wong ngadirejo tutur"])
def test_a_desa_said_at_the_name_question_is_kept(phone, visits, rt, answer):
    play(phone, [("daftar ktp", "kecamatan mana"), ("pandaan", "Pilih tanggal lain"), ("1", "Nama"),
                 (answer, "Desa Ngadirejo, Kec. Tutur saya catat", "Nama", "!tidak saya lanjutkan"),
                 ("1", "Desa Ngadirejo, Kec. Tutur", "catatan"),
                 ("-", "Nama: Sumarti — Desa Ngadirejo, Kec. Tutur", "Kenduren Mas di Pandaan")])


# — 4. cancelling a ticket —

@pytest.mark.parametrize("words", [
    "daftarra e batalagi bai",           # Madurese
    "tak toman dateng, batal",           # Madurese
    "pendaftaran kula dipun batalaken mawon",  # krama
    "daftarku batalno ae",               # ngoko
])
def test_cancelling_a_ticket_in_residents_words(phone, visits, rt, words):
    to_summary(phone)
    play(phone, [("1", "Terdaftar"), (words, "Batalkan tiket", "1. Ya, batalkan", "!Layanan apa"),
                 ("1", "dibatalkan")])
    assert [t.status for t in tickets(rt)] == [TicketStatus.DIBATALKAN]


def test_batal_tiket_by_code_offers_to_cancel_that_ticket(phone, visits, rt):
    to_summary(phone)
    phone.say("1")
    kode = tickets(rt)[0].kode
    play(phone, [(f"STATUS {kode}", "Terdaftar"), (f"BATAL tiket {kode}", f"Batalkan tiket *{kode}*"),
                 ("1", "dibatalkan")])
    assert [t.status for t in tickets(rt)] == [TicketStatus.DIBATALKAN]


def test_batal_tiket_by_code_mid_registration_asks_first(phone, visits, rt):
    to_summary(phone)
    phone.say("1")
    kode = tickets(rt)[0].kode
    play(phone, [("daftar ktp", "1. Daftar"), ("1", "Nama"), ("Sulastri", "Desa"),
                 (f"batal tiket {kode}", "Beralih"), ("1", f"Batalkan tiket *{kode}*"), ("1", "dibatalkan")])


def test_a_code_not_theirs_is_never_another_ticket_cancelled(phone, visits, rt):
    to_summary(phone)
    phone.say("1")
    play(phone, [("BATAL KM-0001", "KM-0001 tidak ditemukan", "Tiket mana yang dibatalkan?")])
    assert [t.status for t in tickets(rt)] != [TicketStatus.DIBATALKAN]


# — 5. one's reminders —

def subscribed(rt) -> list[str]:
    with rt.sessions() as s:
        return [x.kecamatan.nama for x in s.scalars(select(Subscription).order_by(Subscription.id))]


@pytest.mark.parametrize("words", ["pengingat sy apa aja skrg?", "reminder apa aja yg aktif", "pengingatku saiki opo ae",
                                   "pengingate kula menapa mawon?"])
def test_what_reminders_do_i_have_is_never_a_stop(phone, rt, words):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"), ("menu", "Balas dengan angka"),
                 (words, "Pengingat Anda yang aktif: Kecamatan Gempol dan Pandaan", "!Berhenti", "!tidak akan menerima")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


def test_what_reminders_asked_at_the_consent_is_never_a_stop(phone, rt):
    play(phone, [("ingetno gempol", "Setuju?"), ("1", "Siap"), ("ingetno pandaan", "Setuju?"),
                 ("pengingat sy apa aja skrg?", "Kecamatan Gempol", "Setuju?", "!tidak akan menerima"),
                 ("1", "Siap")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


@pytest.mark.parametrize("words", [
    "tetep ingetin gempol tapi pandaan ga usah",      # Indonesian, the keep first
    "gempol tetep, pandaan ora usah",                 # ngoko
    "ingkang pandaan mboten usah, gempol tasih nggih",  # krama
])
def test_keep_one_said_first_stops_only_the_other(phone, rt, words):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
                 (words, "Pandaan dihentikan", "Gempol tetap berjalan", "!Maksudnya")])
    assert subscribed(rt) == ["Gempol"]


# — 6. the relation of the person the ticket is for, not the writer's —

@pytest.mark.parametrize("first,relation", [
    ("aku anake, arep daftarno ktp ibuku", "ibu"),                    # ngoko
    ("kula putranipun, badhe ndaftaraken ktp ibu kula", "ibu"),       # krama
    ("saya anaknya, mau daftarkan ktp bapak saya", "bapak"),          # Indonesian
])
def test_the_writers_role_is_not_the_persons_relation(phone, visits, rt, first, relation):
    play(phone, [(first, "kecamatan mana"), ("tutur", "1. Daftar"), ("1", f"Nama {relation} Anda"),
                 ("Tumini", "Desa"), ("blarang", "catatan"), ("-", f"Nama: Tumini ({relation} Anda)"),
                 ("1", "Terdaftar")])
    assert [(t.nama, t.relasi) for t in tickets(rt)] == [("Tumini", relation)]


# — 7. a change of service mid-way —

@pytest.mark.parametrize("words", [
    "ganti, daftar bansos pkh wae",        # ngoko
    "eh salah, maksud saya bansos pkh",    # Indonesian
    "sanes KTP, bansos PKH mawon",         # krama
])
def test_a_change_of_service_at_the_name_question(phone, visits, rt, words):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"),
                 (words, "Bansos (PKH/BPNT)", "jawaban Anda sebelumnya tetap", "Nama"),
                 ("1", "Desa"), ("blarang", "catatan"), ("-", "Layanan: Bansos (PKH/BPNT)"), ("1", "Terdaftar")])
    assert len(tickets(rt)) == 1


# — 8. a sooner visit near home —

@pytest.mark.parametrize("words", [
    "sing cedhak tosari tapi luwih ndisik ono ra?",   # ngoko
    "yg dkt tosari tp lbh cpt ada gk?",               # chat spelling
    "ingkang celak tosari langkung enggal wonten?",   # krama
])
def test_a_sooner_visit_near_home(phone, visits, rt, words):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tosari", "Kenduren Mas berikutnya di Tosari"),
                 (words, "Yang lebih cepat", "Kec. Tutur (±", "!Daftar untuk tanggal ini"),
                 ("tutur", "Nama")])


def test_nearby_visits_behind_many_far_ones_are_listed(phone, rt):
    """A full rotation: a dozen far kecamatan come first; the neighbours' visits are still offered."""
    for i in range(13):  # each over 30 km from Pandaan's office
        add_visit(rt, ["Lekok", "Nguling", "Grati", "Lumbang", "Tosari"][i % 5], 1 + i)
    add_visit(rt, "Prigen", 16)
    add_visit(rt, "Pandaan", 60)
    play(phone, [("daftar ktp", "kecamatan mana"), ("pandaan", "minggu lagi", "Kec. Prigen (±")])
