"""A resident's own tickets through the signed webhook, on SQLite and PostgreSQL: listed, cancelled
(confirmed once, the dinas told, reminders untouched) or moved to another visit (same code, the
petugas told, the new date's reminders follow). Stopping reminders never cancels a ticket."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from flows.dates import tanggal
from storage.models import OutboxMessage, Resident, Ticket, TicketEvent, TicketStatus, Visit
from tests.handlers.test_flows import play
from tests.whatsapp import RINA, add_visit, jakarta_today


@pytest.fixture
def visits(rt):
    return {"tutur": add_visit(rt, "Tutur", 5), "gempol": add_visit(rt, "Gempol", 12),
            "bangil": add_visit(rt, "Bangil", 19)}


def register_ktp(phone, kecamatan="tutur", name="1", desa="tutur"):
    if "kecamatan mana" in phone.say("daftar ktp"):
        play(phone, [(kecamatan, "1. Daftar")])
    play(phone, [("1", "Nama"), (name, "Desa/kelurahan"), (desa, "catatan"), ("-", "Cek lagi"),
                 ("1", "Terdaftar")])


def tickets(rt) -> list[Ticket]:
    with rt.sessions() as s:
        found = list(s.scalars(select(Ticket).order_by(Ticket.id)))
        s.expunge_all()
        return found


def told(rt, phone_number) -> list[str]:
    with rt.sessions() as s:
        return [o.body for o in s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == phone_number)
                                          .order_by(OutboxMessage.id))]


def resident(rt) -> Resident:
    with rt.sessions() as s:
        r = s.scalars(select(Resident).options(selectinload(Resident.subscriptions))).one()
        s.expunge_all()
        return r


@pytest.mark.parametrize("words", [
    "batalno, aku gak sido teko",        # ngoko: read as a stop before
    "mboten sios rawuh",                 # krama
    "gak jadi datang kak",               # Indonesian, informal
    "batal",
    "ta' dhaddhi entar",                 # Madurese
    "ora sido",
])
def test_cancel_own_ticket_confirmed_once_dinas_told_reminders_untouched(phone, staff, visits, rt, words):
    play(phone, [("ingatkan jadwal tutur", "Setuju?"), ("1", "Siap")])
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    play(phone, [
        (words, "Batalkan tiket", kode, "1. Ya, batalkan", "!tidak akan menerima pengingat"),
        ("1", f"Tiket *{kode}* dibatalkan", "Pengingat jadwal Kenduren Mas Anda tidak berubah"),
    ])
    ticket = tickets(rt)[0]
    assert ticket.status == TicketStatus.DIBATALKAN
    with rt.sessions() as s:
        assert [e.action for e in s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))] \
            == ["dibuat", "dibatalkan"]
    assert any(kode in body and "dibatalkan oleh warga" in body for body in told(rt, RINA))
    r = resident(rt)
    assert r.opted_out_at is None and len(r.subscriptions) == 1


@pytest.mark.parametrize("keep", [
    "ojo dibatalno, aku mung takon",            # ngoko
    "bukan, jangan dibatalin ya kak",            # Indonesian, informal
    "sampun dipun batalaken, kula tetep rawuh",  # krama ("sampun" = don't)
])
def test_a_negated_cancel_keeps_the_ticket(phone, staff, visits, rt, keep):
    """"jangan dibatalkan" holds a cancel word: at the confirmation it once CANCELLED the ticket it meant to keep."""
    register_ktp(phone)
    play(phone, [("gak jadi datang kak", "Batalkan tiket"), (keep, "tetap berlaku", "!dibatalkan")])
    assert tickets(rt)[0].status == TicketStatus.BARU


@pytest.mark.parametrize("question", ["jadwal tutur batal ta?", "apakah kenduren mas di tutur dibatalkan?",
                                      "acarane dibatalno opo ora"])
def test_asking_whether_the_visit_is_off_is_no_wish_to_cancel(phone, staff, visits, rt, question):
    register_ktp(phone)
    assert "Batalkan tiket" not in phone.say(question)
    assert tickets(rt)[0].status == TicketStatus.BARU


def test_saying_no_keeps_the_ticket(phone, staff, visits, rt):
    register_ktp(phone)
    play(phone, [("mboten sios rawuh", "Batalkan tiket"), ("mboten", "tetap berlaku")])
    assert tickets(rt)[0].status == TicketStatus.BARU


def test_cannot_come_on_the_date_moves_the_ticket_keeping_its_code(phone, staff, visits, rt):
    register_ktp(phone)
    before = tickets(rt)[0]
    day = (jakarta_today() + timedelta(days=5)).day
    play(phone, [
        (f"lek aku gak iso teko tgl {day} piye?", "Tidak apa-apa", before.kode, "1. Pindah ke jadwal lain",
         "2. Batalkan tiket"),
        ("pindah", "ke jadwal mana", "Kec. Gempol", "Kec. Bangil", "!Kec. Tutur"),
        ("bangil", f"Tiket *{before.kode}* dipindah", "Kantor Kecamatan Bangil", "Kodenya tetap"),
    ])
    after = tickets(rt)[0]
    assert (after.kode, after.visit_id, after.status) == (before.kode, visits["bangil"], TicketStatus.BARU)
    assert any(before.kode in body and "pindah jadwal" in body for body in told(rt, RINA))


@pytest.mark.parametrize("words", ["ganti tanggal", "pindah jadwal", "minggu ngarep wae", "gantos dinten sanes"])
def test_move_words(phone, staff, visits, rt, words):
    register_ktp(phone)
    play(phone, [(words, "ke jadwal mana", "Kec. Gempol"), ("1", "dipindah", "Kantor Kecamatan Gempol")])
    assert tickets(rt)[0].visit_id == visits["gempol"]


def test_tiketku_lists_several_and_each_can_be_cancelled(phone, staff, visits, rt):
    register_ktp(phone)
    register_ktp(phone, name="untuk anak saya, namanya Raka", desa="blarang")
    first, second = tickets(rt)
    play(phone, [
        ("tiketku", "Tiket Anda yang masih berlaku", f"{first.kode}* — KTP-el untuk Sumarti",
         f"{second.kode}* — KTP-el untuk Raka"),
        ("2", "Mau apa?", second.kode),
        ("batalkan tiket", "Batalkan tiket", second.kode),
        ("nggih", "dibatalkan"),
    ])
    assert [t.status for t in tickets(rt)] == [TicketStatus.BARU, TicketStatus.DIBATALKAN]
    play(phone, [("STATUS", first.kode, "Balas *batal* atau *ganti tanggal*", "!" + second.kode + "*")])


def test_stopping_reminders_never_cancels_a_ticket(phone, staff, visits, rt):
    register_ktp(phone)
    play(phone, [("BERHENTI", "tidak akan menerima pengingat")])
    assert tickets(rt)[0].status == TicketStatus.BARU
    assert resident(rt).opted_out_at is not None


def test_without_a_ticket_batal_is_what_it_always_was(phone, visits, rt):
    play(phone, [("batal", "!Batalkan tiket"), ("gak iso teko", "!Tiket Anda")])


@pytest.mark.parametrize("words", ["kapan aku kudu teko?", "tanggal berapa saya harus datang", "tgl piro kula rawuh",
                                   "jadwalku kapan"])
def test_when_do_i_come_is_about_the_own_ticket(phone, staff, visits, rt, words):
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    play(phone, [(words, kode, "Kantor Kecamatan Tutur", "ganti tanggal")])


def test_when_with_several_tickets_lists_them_all(phone, staff, visits, rt):
    register_ktp(phone)
    register_ktp(phone, name="untuk anak saya, namanya Raka", desa="blarang")
    first, second = tickets(rt)
    play(phone, [("kapan aku teko?", first.kode, second.kode, "untuk Raka")])


def test_moving_to_a_kecamatan_beyond_the_few_offered(phone, staff, visits, rt):
    """Only five visits are listed (the soonest near home first); a kecamatan named beyond them ('nguling wae',
    far from Tutur and late) is still found (a resident was trapped between a short list and 'pilih lagi')."""
    later = [add_visit(rt, k, 20 + n) for n, k in enumerate(("Beji", "Prigen", "Sukorejo", "Purwosari"))]
    nguling = add_visit(rt, "Nguling", 40)
    register_ktp(phone)
    play(phone, [("pindah jadwal", "ke jadwal mana", "!Nguling"),
                 ("sing nguling wae", "dipindah", "Kantor Kecamatan Nguling")])
    assert tickets(rt)[0].visit_id == nguling and later


@pytest.mark.parametrize("ask", ["STATUS", "status tiketku", "tiketku", "pendaftaranku", "cek tiket",
                                 "tiket kula"])
def test_the_ticket_view_says_when_and_where_to_come(phone, visits, rt, ask):
    """Residents want "when and where do I come": the visit's date, hours, place and kecamatan, not the day
    they registered."""
    register_ktp(phone, kecamatan="gempol", desa="gempol")
    visit = next(t for t in tickets(rt))
    with rt.sessions() as s:
        tanggal_text = tanggal(s.get(Visit, visit.visit_id).tanggal)
    answer = phone.say(ask)
    for piece in (visit.kode, tanggal_text, "08.00–13.00 WIB", "Kantor Kecamatan Gempol", "Kec. Gempol"):
        assert piece in answer, f"{ask!r} → {piece!r} missing in:\n{answer}"


def test_status_by_code_shows_the_visit_and_for_whom(phone, visits, rt):
    register_ktp(phone, name="untuk ibu saya, namanya Sumini")
    kode = tickets(rt)[0].kode
    play(phone, [(f"status {kode.lower()}", kode, "untuk Sumini", "📅 Datang:", "Kantor Kecamatan Tutur",
                  "Status: *Terdaftar*")])


@pytest.mark.parametrize("yes", ["nggih, dipun busak mawon", "inggih leres", "enggi sakalangkong", "injih"])
def test_krama_and_madurese_yes_cancels_at_the_confirmation(phone, visits, rt, yes):
    register_ktp(phone)
    play(phone, [("tiketku dibatalno wae", "Batalkan tiket"), (yes, "dibatalkan", "!Pilih salah satu")])
    assert tickets(rt)[0].status == TicketStatus.DIBATALKAN


@pytest.mark.parametrize("no", ["mboten purun", "ta' iya", "bunten"])
def test_krama_and_madurese_no_keeps_the_ticket(phone, visits, rt, no):
    register_ktp(phone)
    play(phone, [("batalno tiketku", "Batalkan tiket"), (no, "tetap berlaku")])
    assert tickets(rt)[0].status != TicketStatus.DIBATALKAN


# — cancelling and moving one's own ticket in residents' words (issue 22, second pass) —

@pytest.mark.parametrize("words", [
    "batalkan tiket",                          # Indonesian
    "batalno tiketku",                         # ngoko
    "tiket kula dipun batalaken",              # krama
    "daftarra e batalagi",                     # Madurese
    "Bukan dipindah... Batalkan tiketnya",     # a move denied, then the cancel
    "tolong cancel tiket sy kak",              # chat spelling
])
def test_cancelling_a_ticket_is_never_a_stop_or_erasure_question(phone, staff, visits, rt, words):
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    play(phone, [(words, "Batalkan tiket", kode, "!Berhenti menerima pengingat", "!Hapus data"),
                 ("1", "dibatalkan")])
    assert tickets(rt)[0].status == TicketStatus.DIBATALKAN
    assert resident(rt).opted_out_at is None


@pytest.mark.parametrize("template", ["Bukan dipindah. Batalkan tiket {kode}", "batalno tiket {kode}",
                                      "tiket {kode} dipun batalaken"])
def test_cancelling_by_its_code(phone, staff, visits, rt, template):
    register_ktp(phone)
    kode = tickets(rt)[0].kode
    play(phone, [(template.format(kode=kode), "Batalkan tiket", kode, "!Berhenti"), ("nggih", "dibatalkan")])
    assert tickets(rt)[0].status == TicketStatus.DIBATALKAN


def test_a_code_that_is_not_ones_own_cancels_nothing(phone, staff, visits, rt):
    register_ktp(phone)
    other = "KM-0001" if tickets(rt)[0].kode != "KM-0001" else "KM-0002"
    play(phone, [(f"Batalkan tiket {other}", f"Kode {other} tidak ditemukan", "!Batalkan tiket *")])
    assert tickets(rt)[0].status == TicketStatus.BARU


@pytest.mark.parametrize("words,where", [
    ("pindahno nang Bangil", "bangil"),                 # ngoko
    ("dipindah ke yang di Gempol aja", "gempol"),       # Indonesian
    ("tiket kula dipun pindah dhateng Bangil", "bangil"),  # krama
    ("tlg pindahin ke gempol kak", "gempol"),           # chat spelling
])
def test_moving_to_a_named_kecamatan_moves_there(phone, staff, visits, rt, words, where):
    register_ktp(phone)
    before = tickets(rt)[0]
    play(phone, [(words, f"Tiket *{before.kode}* dipindah", f"Kantor Kecamatan {where.title()}", "Kodenya tetap")])
    after = tickets(rt)[0]
    assert (after.kode, after.visit_id) == (before.kode, visits[where])


def test_moving_to_a_kecamatan_the_dinas_does_not_visit_says_why_and_offers_others(phone, staff, visits, rt):
    add_visit(rt, "Puspo", 8, opd=["dinsos"])
    register_ktp(phone)
    play(phone, [("pindahno nang Puspo", "belum punya jadwal Kenduren Mas di Kec. Puspo", "ke jadwal mana",
                  "Kec. Gempol")])
    assert tickets(rt)[0].visit_id == visits["tutur"]


def test_the_move_list_puts_visits_near_home_first(phone, staff, visits, rt):
    """Registered in Tutur: Puspo (±8 km) comes before sooner visits far away, with its distance."""
    for n, k in enumerate(("Beji", "Nguling", "Lekok")):
        add_visit(rt, k, 20 + n)
    puspo = add_visit(rt, "Puspo", 40)
    register_ktp(phone)
    answer = phone.say("ganti tanggal")
    assert "1. " in answer and "Kec. Puspo (±8 km)" in answer.split("1. ", 1)[1].split("\n")[0]
    play(phone, [("1", "dipindah", "Kantor Kecamatan Puspo")])
    assert tickets(rt)[0].visit_id == puspo


@pytest.mark.parametrize("words", ["tiketku saiki opo ae",            # ngoko
                                   "pendaftaranku apa aja",           # Indonesian, informal
                                   "tiket kula menapa mawon nggih",   # krama
                                   "tiket kaule apa bhai",            # Madurese
                                   "aku daftar opo ae?"])
def test_list_my_tickets_in_every_register(phone, staff, visits, rt, words):
    register_ktp(phone)
    register_ktp(phone, name="untuk anak saya, namanya Raka", desa="blarang")
    first, second = tickets(rt)
    play(phone, [(words, "Tiket Anda", first.kode, second.kode, "!yang dibawa", "!Maksud Anda")])


def test_list_my_tickets_without_any_says_none(phone, visits, rt):
    play(phone, [("pendaftaranku apa aja", "Belum ada tiket", "!Maksud Anda")])


@pytest.mark.parametrize("words", ["diundur wae", "dipun undur nggih", "ditunda dulu ya"])
def test_postponing_offers_only_later_visits(phone, staff, visits, rt, words):
    register_ktp(phone)
    play(phone, [(words, "ke jadwal mana", "Kec. Gempol", "Kec. Bangil", "!Kec. Tutur")])


def test_postponing_to_next_week_offers_that_weeks_later_visits(phone, staff, visits, rt):
    register_ktp(phone)
    play(phone, [("undur minggu ngarep", "ke jadwal mana", "!Kec. Tutur")])


@pytest.mark.parametrize("words", ["pindah tanggal {d}", "ganti tgl {d} bisa?", "mboten saged rawuh, gantos tanggal {d}"])
def test_a_date_named_moves_the_ticket_there(phone, staff, visits, rt, words):
    register_ktp(phone)
    day = (jakarta_today() + timedelta(days=19)).day
    play(phone, [(words.format(d=day), "dipindah", "Kantor Kecamatan Bangil", "Kodenya tetap")])
    assert tickets(rt)[0].visit_id == visits["bangil"]


@pytest.mark.parametrize("words", ["ora sido teko", "mboten saged rawuh tanggal {d}", "ta' bisa dateng"])
def test_cannot_come_in_every_register_is_about_the_ticket_and_keeps_reminders(phone, staff, visits, rt, words):
    play(phone, [("ingatkan jadwal tutur", "Setuju?"), ("1", "Siap")])
    register_ktp(phone)
    day = (jakarta_today() + timedelta(days=5)).day
    play(phone, [(words.format(d=day), tickets(rt)[0].kode, "!tidak akan menerima pengingat")])
    assert resident(rt).opted_out_at is None and resident(rt).subscriptions


def test_krama_list_and_a_move_naming_the_kecamatan(phone, staff, visits, rt):
    register_ktp(phone)
    register_ktp(phone, name="untuk anak saya, namanya Raka", desa="blarang")
    first, second = tickets(rt)
    play(phone, [("tiket kula sakmenika menapa mawon", first.kode, second.kode, "!Maksud Anda")])
    play(phone, [("2", "Mau apa?"), ("ganti tanggal dados ingkang Bangil", "dipindah", "Kantor Kecamatan Bangil")])
    assert tickets(rt)[1].visit_id == visits["bangil"]
