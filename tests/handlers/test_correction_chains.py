"""Corrections along a chain of changes: everyone reminded of a visit hears each later change once,
in order, and nobody hears one twice (the clock's own correction pass, run again, adds nobody)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from flows.dates import tanggal
from handlers.corrections import correct_visit
from scheduler.corrections import plan_corrections
from storage.models import Visit
from storage.schedule import cancel_visit, move_visit
from tests.sending import VISIT_DAY, add_kades, add_residents, add_visit, jkt, kades_phone, phone, recently, tick

TZ = ZoneInfo("Asia/Jakarta")


def change(trt, visit_id: int, at, to: date | None = None) -> int:
    """What `schedule move/cancel` does, at a fixed instant; the id of the visit that replaces it."""
    with trt.sessions.begin() as s:
        visit = s.get(Visit, visit_id)
        new_id = move_visit(s, visit, to).id if to else cancel_visit(s, visit)
        correct_visit(s, trt, visit_id, at, TZ)
    return new_id


def changes_received(fake_twilio, to: str) -> list[str]:
    return [m.form["Body"] for m in fake_twilio.sent_to(to) if "Perubahan jadwal" in m.form.get("Body", "")]


def test_reminded_residents_follow_a_visit_moved_twice_then_cancelled(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    with trt.sessions.begin() as s:
        first = add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 3, last_inbound_at=recently())
        add_kades(s, "Gempol", "Gempol", 1, last_inbound_at=recently())
    tick(trt, at)  # the H-1 reminder reaches 3 residents and the kepala desa
    assert len(fake_twilio.messages) == 4

    second = change(trt, first, jkt("2026-12-08T16:05"), date(2026, 12, 16))
    tick(trt, jkt("2026-12-08T16:06"))
    third = change(trt, second, jkt("2026-12-08T16:10"), date(2026, 12, 23))
    for minute in (11, 12):
        tick(trt, jkt(f"2026-12-08T16:{minute}"))
    change(trt, third, jkt("2026-12-08T16:20"))
    for minute in (21, 22):
        tick(trt, jkt(f"2026-12-08T16:{minute}"))
        assert plan_corrections(trt, jkt(f"2026-12-08T16:{minute}")) == []

    for to in (phone(0), phone(1), phone(2), kades_phone(1)):
        bodies = changes_received(fake_twilio, to)
        assert len(bodies) == 3, (to, bodies)
        assert f"dari {tanggal(VISIT_DAY)} ke:" in bodies[0] and tanggal(date(2026, 12, 16)) in bodies[0]
        assert f"dari {tanggal(date(2026, 12, 16))} ke:" in bodies[1] and tanggal(date(2026, 12, 23)) in bodies[1]
        assert f"pada {tanggal(date(2026, 12, 23))} *dibatalkan*" in bodies[2]
    assert changes_received(fake_twilio, kades_phone(1))[0].startswith("Bapak/Ibu Kepala Desa")


def test_a_change_made_before_its_correction_went_names_the_final_date(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    with trt.sessions.begin() as s:
        first = add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 2, last_inbound_at=recently())
    tick(trt, at)
    # Moved twice before the clock's next pass: residents hear one correction, of the final date.
    with trt.sessions.begin() as s:
        second = move_visit(s, s.get(Visit, first), date(2026, 12, 16))
        move_visit(s, second, date(2026, 12, 23))
    tick(trt, jkt("2026-12-08T16:05"))
    tick(trt, jkt("2026-12-08T16:06"))
    for n in (0, 1):
        bodies = changes_received(fake_twilio, phone(n))
        assert len(bodies) == 1
        assert f"dari {tanggal(VISIT_DAY)} ke:" in bodies[0] and tanggal(date(2026, 12, 23)) in bodies[0]
    with trt.sessions() as s:
        assert s.scalar(select(Visit.status).where(Visit.tanggal == date(2026, 12, 16))) == "moved"
