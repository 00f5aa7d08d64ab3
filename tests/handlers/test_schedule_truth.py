"""The schedule's truth through the signed webhook: visits moved any number of times, cancelled with
or without a replacement, and what a resident asking "when in Gempol?" is told each time. The
admin changes the schedule with the real `schedule move/cancel` commands in between."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from flows.dates import tanggal
from storage.models import Conversation, Visit
from tests.whatsapp import add_visit, jakarta_today


def day(n: int) -> str:
    return tanggal(jakarta_today() + timedelta(days=n))


def iso(n: int) -> str:
    return (jakarta_today() + timedelta(days=n)).isoformat()


@pytest.fixture
def admin(cli, rt):
    def run(*args: str) -> str:
        out = cli("schedule", *args)
        assert out.exit_code == 0, out.output
        return out.output
    return run


def visit_on(rt, n: int) -> int:
    with rt.sessions() as s:
        return s.scalar(select(Visit.id).where(Visit.tanggal == jakarta_today() + timedelta(days=n)))


def test_a_visit_moved_twice_names_the_last_date(phone, rt, admin):
    first = add_visit(rt, "Gempol", 10)
    admin("move", str(first), "--to", iso(17))
    admin("move", str(visit_on(rt, 17)), "--to", iso(24))
    answer = phone.say("kapan kenduren mas ke gempol?")
    assert f"{day(10)} *DIPINDAH* ke *{day(24)}*" in answer
    assert f"📅 {day(24)}" in answer and "1. Daftar" in answer
    assert day(17) not in answer  # the intermediate date is history, not news
    assert "Belum ada jadwal pengganti" not in answer
    assert "Balas dengan angka" not in answer
    # Choosing to register carries the visit that will happen.
    assert "Layanan apa" in phone.say("1")
    last = visit_on(rt, 24)
    with rt.sessions() as s:
        assert s.scalars(select(Conversation)).one().slots["visit_id"] == last


def test_moving_the_old_visit_again_points_the_admin_at_the_new_one(cli, rt):
    first = add_visit(rt, "Gempol", 10)
    assert cli("schedule", "move", str(first), "--to", iso(17)).exit_code == 0
    again = cli("schedule", "move", str(first), "--to", iso(24))
    assert again.exit_code != 0 and f"sudah dipindah ke #{visit_on(rt, 17)}" in again.output


def test_moved_then_cancelled_says_cancelled_and_no_replacement(phone, rt, admin):
    first = add_visit(rt, "Gempol", 10)
    admin("move", str(first), "--to", iso(17))
    admin("cancel", str(visit_on(rt, 17)))
    answer = phone.say("kapan kenduren mas ke gempol?")
    assert f"{day(10)} *DIBATALKAN*" in answer
    assert "Belum ada jadwal pengganti" in answer and "1. " in answer
    assert "DIPINDAH" not in answer


def test_cancelled_with_a_later_visit_shows_the_later_one(phone, rt, admin):
    first = add_visit(rt, "Gempol", 10)
    add_visit(rt, "Gempol", 31)
    admin("cancel", str(first))
    answer = phone.say("kapan kenduren mas ke gempol?")
    assert f"{day(10)} *DIBATALKAN*" in answer
    assert f"📅 {day(31)}" in answer and "Belum ada jadwal pengganti" not in answer


def test_a_cancelled_and_a_moved_visit_do_not_hide_a_later_one(phone, rt, admin):
    cancelled = add_visit(rt, "Gempol", 3)
    moved = add_visit(rt, "Gempol", 7)
    add_visit(rt, "Gempol", 20)
    add_visit(rt, "Bangil", 5)
    admin("cancel", str(cancelled))
    admin("move", str(moved), "--to", iso(40))
    answer = phone.say("kapan kenduren mas ke gempol?")
    assert f"{day(3)} *DIBATALKAN*" in answer
    assert f"{day(7)} *DIPINDAH* ke *{day(40)}*" in answer
    assert f"📅 {day(20)}" in answer and "Belum ada jadwal pengganti" not in answer
    assert "Bangil" not in answer


def test_registering_offers_only_a_visit_that_will_happen(phone, rt, admin):
    first = add_visit(rt, "Gempol", 3)
    second = add_visit(rt, "Gempol", 7)
    add_visit(rt, "Gempol", 20)
    admin("cancel", str(first))
    admin("move", str(second), "--to", iso(40))
    phone.send("daftar ktp")
    answer = phone.say("gempol")
    assert day(20) in answer and day(3) not in answer and day(7) not in answer
