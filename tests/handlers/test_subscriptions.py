"""Reminders for several kecamatan per resident, through the signed webhook on SQLite and PostgreSQL:
both named at once, a second request adds, BERHENTI with several asks which or stops all on
"semua"; the reminder planner reads the table and plans each (broadcast, resident) once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handlers.broadcasts import plan_broadcast
from storage.models import OutboxMessage, Resident, Subscription
from tests.handlers.test_flows import play
from tests.whatsapp import add_visit


def subscribed(rt) -> list[str]:
    with rt.sessions() as s:
        return [x.kecamatan.nama for x in s.scalars(select(Subscription).order_by(Subscription.id))]


@pytest.mark.parametrize("words", [
    "ingetno gempol karo pandaan",                    # ngoko
    "tolong ingatkan jadwal gempol dan pandaan",      # Indonesian
    "kula nyuwun dipun engetaken gempol kaliyan pandaan",  # krama
])
def test_two_kecamatan_at_once(phone, rt, words):
    play(phone, [(words, "*Kecamatan Gempol dan Pandaan*", "Setuju?"), ("1", "Kecamatan Gempol dan Pandaan")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


def test_a_second_request_adds_and_says_what_stays(phone, rt):
    play(phone, [
        ("ingatkan saya jadwal gempol", "*Kecamatan Gempol*", "Setuju?"), ("1", "Siap"),
        ("aku kerjo nang pandaan, ingetno pisan", "*Kecamatan Pandaan*"),
        ("iyo", "Kecamatan Pandaan", "Pengingat untuk Kecamatan Gempol tetap berjalan"),
        ("ingatkan gempol", "sudah menerima pengingat untuk Kecamatan Gempol dan Pandaan"),
    ])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


def test_berhenti_with_several_asks_which_then_semua(phone, rt):
    play(phone, [
        ("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
        ("ingatkan bangil juga", "*Kecamatan Bangil*"), ("1", "Gempol dan Pandaan tetap berjalan"),
        ("BERHENTI", "Hentikan yang mana?", "1. Kec. Gempol", "2. Kec. Pandaan", "3. Kec. Bangil", "4. Semua"),
        ("pandaan", "pengingat untuk Kecamatan Pandaan dihentikan", "Gempol dan Bangil tetap berjalan"),
    ])
    assert subscribed(rt) == ["Gempol", "Bangil"]
    play(phone, [("stop", "Hentikan yang mana?"), ("semua", "tidak akan menerima pengingat lagi")])
    assert subscribed(rt) == []
    with rt.sessions() as s:
        assert s.scalars(select(Resident)).one().opted_out_at is not None


def test_berhenti_naming_one_of_several_stops_that_one(phone, rt):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
                 ("ojok kirim pengingat pandaan maneh", "Pandaan dihentikan", "Gempol tetap berjalan")])
    assert subscribed(rt) == ["Gempol"]


def test_berhenti_with_one_stops_at_once(phone, rt):
    play(phone, [("ingatkan gempol", "Setuju?"), ("1", "Siap"), ("BERHENTI", "tidak akan menerima pengingat lagi")])
    assert subscribed(rt) == []


def test_the_planner_reads_the_table_once_per_resident(phone, rt):
    gempol, pandaan = add_visit(rt, "Gempol", 2), add_visit(rt, "Pandaan", 3)
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap")])
    # The same resident also holds a ticket for Gempol's visit: still one reminder row.
    play(phone, [("daftar ktp", "KTP-el", "Gempol", "1. Daftar"), ("1", "Nama"), ("1", "Desa"), ("gempol", "catatan"),
                 ("-", "Cek lagi"), ("1", "Terdaftar")])
    now = datetime.now(UTC)
    with rt.sessions.begin() as s:
        for visit_id in (gempol, pandaan):
            plan_broadcast(s, rt, visit_id, "h1", now, now + timedelta(days=1), now)
            plan_broadcast(s, rt, visit_id, "h1", now, now + timedelta(days=1), now)  # a second clock: nothing new
    with rt.sessions() as s:
        rows = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert rows == 2  # one per visit, for the one resident


def test_remind_me_from_a_ticket_holder_offers_the_visit_they_go_to(phone, rt):
    """Home is Gempol, the ticket is for the Tutur visit: "ingatkan saya" offers Tutur first."""
    add_visit(rt, "Tutur", 5)
    add_visit(rt, "Gempol", 60)
    play(phone, [("daftar kk", "kecamatan mana"), ("tutur", "1. Daftar"), ("1", "Nama"), ("Sulastri", "Desa"),
                 ("kepulungan gempol", "catatan"), ("-", "Cek lagi"), ("1", "Terdaftar"),
                 ("ingetno aku yo", "*Kecamatan Tutur*", "!Gempol*"), ("1", "Siap")])
    assert subscribed(rt) == ["Tutur"]


@pytest.mark.parametrize("words,left", [
    ("yg beji gak usah lagi", "Pandaan"),                 # Indonesian slang
    ("pengingat pandaan stop wae", "Beji"),               # ngoko
    ("pengingat beji mboten sah malih", "Pandaan"),       # krama
    ("beji ojok dikirimi maneh", "Pandaan"),
    ("pangèngat pandaan ta' usa", "Beji"),               # Madurese
    ("remindr pandaan udahan aja", "Beji"),               # a typo in the noun, the stop verb said
])
def test_one_of_two_reminders_stopped_in_free_words(phone, rt, words, left):
    add_visit(rt, "Beji", 4)
    play(phone, [("ingetno beji karo pandaan", "Setuju?"), ("1", "Siap"),
                 (words, "dihentikan", f"Kecamatan {left} tetap berjalan", "!Kenduren Mas ke *Kecamatan",
                  "!Setuju?")])
    assert subscribed(rt) == [left]


@pytest.mark.parametrize("words,left", [
    ("beji ga usah diingetin lg ya, pandaan aja yg tetep", "Pandaan"),      # Indonesian, keep said after
    ("pengingat beji distop wae, sing pandaan isih yo", "Pandaan"),           # ngoko
    ("pengingat beji mboten sah, ingkang pandaan tasih nggih", "Pandaan"),  # krama
])
def test_one_stopped_and_the_other_named_to_keep(phone, rt, words, left):
    """Both kecamatan named, one with a stop and one with a keep word: only the first stops."""
    add_visit(rt, "Beji", 4)
    play(phone, [("ingetno beji karo pandaan", "Setuju?"), ("1", "Siap"),
                 (words, "dihentikan", f"Kecamatan {left} tetap berjalan")])
    assert subscribed(rt) == [left]


@pytest.mark.parametrize("words", ["pengingatku opo wae?", "pengingat saya apa saja yang aktif",
                                   "kula nampi pengingat napa mawon?", "cek pengingat"])
def test_the_active_reminders_listed(phone, rt, words):
    play(phone, [("ingetno gempol karo pandaan", "Setuju?"), ("1", "Siap"),
                 (words, "Pengingat Anda yang aktif: Kecamatan Gempol dan Pandaan", "pengingat Gempol stop",
                  "!Setuju?", "!kecamatan mana")])
    assert subscribed(rt) == ["Gempol", "Pandaan"]


def test_none_active_is_said_and_the_kecamatan_asked(phone, rt):
    play(phone, [("pengingatku opo wae?", "belum ada pengingat yang aktif", "kecamatan mana"),
                 ("gempol", "Setuju?")])
