"""The visit card of a registration ("1. Daftar untuk tanggal ini 2. Pilih tanggal lain") answered in words —
a date, a week, a place — through the signed webhook on SQLite and PostgreSQL. Such answers were read as a new
schedule question and the registration was dropped; the chain after them (name, desa, note, summary) goes on."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit, jakarta_today


def _next_week(days: int) -> int:
    """Days from today to a weekday of next week (Monday = 0)."""
    today = jakarta_today()
    return (7 - today.weekday()) + days


@pytest.fixture
def visits(rt):
    """Tutur in 3 weeks (the resident's own), Puspo next week, Lumbang in 25 days, Gempol in 30."""
    return {"tutur": add_visit(rt, "Tutur", 21), "puspo": add_visit(rt, "Puspo", _next_week(2)),
            "lumbang": add_visit(rt, "Lumbang", 25), "gempol": add_visit(rt, "Gempol", 30)}


def day_of(days: int) -> int:
    return (jakarta_today() + timedelta(days=days)).day


def visit_of_ticket(rt) -> int:
    with rt.sessions() as s:
        return s.scalars(select(Ticket.visit_id)).one()


def test_a_date_of_another_visit_keeps_the_registration_through_the_summary(phone, visits, rt):
    play(phone, [
        ("mau bikin kk", "kecamatan mana"),
        ("tutur", "Kenduren Mas berikutnya di Tutur", "1. Daftar untuk tanggal ini"),
        (f"yg tgl {day_of(25)} aja", "jadwal di *Kec. Lumbang*", "Nama sesuai KK?", "!tidak saya lanjutkan"),
        ("1", "Desa/kelurahan Anda di Kecamatan Tutur?"),
        ("blarang", "catatan"),
        ("-", "Desa Blarang, Kec. Tutur", "Kenduren Mas di Lumbang"),
        ("1", "Terdaftar"),
    ])
    assert visit_of_ticket(rt) == visits["lumbang"]


@pytest.mark.parametrize("answer,visit", [
    ("sing minggu ngarep wae", "puspo"),            # ngoko, a week
    ("minggu depan aja kak", "puspo"),              # Indonesian
    ("ingkang minggu ngajeng mawon", "puspo"),      # krama
    ("yang di gempol aja", "gempol"),               # a place
    ("sing nang lumbang ae, luwih cepet", "lumbang"),
    ("se e gempol beih", "gempol"),                 # Madurese
    ("ingkang tanggal {lumbang} mawon", "lumbang"),
    ("tgl {lumbang} bisa ta", "lumbang"),           # a typo-ish short form
])
def test_words_naming_a_visit_go_on_with_it(phone, visits, rt, answer, visit):
    answer = answer.format(lumbang=day_of(25))
    play(phone, [
        ("kula badhe ndamel akta", "kecamatan mana"),
        ("tutur", "1. Daftar untuk tanggal ini"),
        (answer, "Nama sesuai KK?", "!tidak saya lanjutkan", "!Jadwal Kenduren Mas berikutnya"),
        ("Siti Aminah", "Desa/kelurahan"), ("wonokitri", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar"),
    ])
    assert visit_of_ticket(rt) == visits[visit]


@pytest.mark.parametrize("answer", ["kalau yg di gempol kapan?", "lek nang gempol tgl piro?", "gempol"])
def test_a_question_or_a_bare_place_shows_that_visits_card_and_stays(phone, visits, rt, answer):
    play(phone, [
        ("daftar ktp", "kecamatan mana"),
        ("tutur", "Kenduren Mas berikutnya di Tutur"),
        (answer, "Kenduren Mas berikutnya di Gempol", "1. Daftar untuk tanggal ini", "!tidak saya lanjutkan"),
        ("1", "Nama sesuai KK?"), ("1", "Desa/kelurahan Anda di Kecamatan Tutur?"), ("ngembal", "catatan"),
        ("-", "Kenduren Mas di Gempol"), ("nggih", "Terdaftar"),
    ])
    assert visit_of_ticket(rt) == visits["gempol"]


def test_the_offered_visit_named_registers_and_a_date_without_a_visit_lists_them(phone, visits, rt):
    play(phone, [
        ("daftar kk", "kecamatan mana"), ("puspo", "Kenduren Mas berikutnya di Puspo"),
        ("sing minggu ngarep wae", "Nama sesuai KK?", "!jadwal di"),
        ("menu", "Balas dengan angka"),
        ("daftar kk", "kecamatan mana"), ("puspo", "Kenduren Mas berikutnya di Puspo"),
        (f"tgl {day_of(26)} aja", "tidak ada Kenduren Mas", "Pilih jadwal", "Kec. Lumbang"),
        (f"sing tgl {day_of(25)}", "Nama sesuai KK?"),
    ])


def test_home_said_at_the_card_offers_its_visit(phone, visits):
    play(phone, [("daftar ktp", "kecamatan mana"), ("tutur", "Kenduren Mas berikutnya di Tutur"),
                 ("aku wong gempol", "Gempol", "!Nama sesuai KK?", "!tidak saya lanjutkan")])


def test_the_schedule_answer_then_register_still_chains(phone, visits, rt):
    """The chain from a schedule answer into a registration is untouched: the card's visit is kept."""
    play(phone, [("kapan ke lumbang?", "Kecamatan Lumbang", "1. Daftar layanan untuk jadwal ini"),
                 ("1", "Layanan apa"), ("kk", "Nama sesuai KK?"), ("1", "Desa"), ("lumbang", "catatan"),
                 ("-", "Kenduren Mas di Lumbang"), ("1", "Terdaftar")])
    assert visit_of_ticket(rt) == visits["lumbang"]
