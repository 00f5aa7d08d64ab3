"""New hours or a new venue for a planned visit (the console's edit): everyone who knows of the visit —
reminded, or holding a ticket for it — hears one correction with the new details; an edit that
changes nothing sends nothing; a second edit before the first correction went supersedes it."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from flows.dates import tanggal
from scheduler.corrections import plan_corrections
from handlers.visit_changes import edit_visit
from storage.models import Opd, OutboxMessage, OutboxStatus, Ticket, Visit
from tests.sending import VISIT_DAY, add_residents, add_visit, jkt, phone, recently, tick
from tests.handlers.test_correction_chains import changes_received
from tests.world import building

HOLDER = phone(50)


def world(trt, at) -> int:
    """A Gempol visit, a subscriber reminded of it (H-1 sent), and a resident holding a ticket for it."""
    with building(trt) as b:
        visit_id = b.visit("Gempol", VISIT_DAY)
        b.subscribers("Gempol", 1, last_inbound_at=recently())
    tick(trt, at)
    with building(trt) as b:
        holder = b.resident(HOLDER, channel="whatsapp", last_inbound_at=recently())
        b.ticket("KM-5001", holder, b.opd(), visit_id)
    return visit_id


def edit(trt, visit_id: int, at, *, mulai=time(8), selesai=time(13), lokasi="Kantor Kecamatan Gempol"):
    with trt.sessions.begin() as s:
        opd = list(s.scalars(select(Opd).order_by(Opd.id)))
        change = edit_visit(s, trt, visit_id, mulai, selesai, lokasi, opd, at)
        return change.correction


def test_a_time_edit_tells_the_reminded_resident_and_the_ticket_holder_once(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    visit_id = world(trt, at)
    correction = edit(trt, visit_id, jkt("2026-12-08T16:05"), mulai=time(9), selesai=time(14, 30))
    assert correction.added == 2
    for minute in (6, 7):  # the clock's passes (and its correction planning) add nobody twice
        tick(trt, jkt(f"2026-12-08T16:0{minute}"))
        assert plan_corrections(trt, jkt(f"2026-12-08T16:0{minute}")) == []
    reminded, holder = changes_received(fake_twilio, phone(0)), changes_received(fake_twilio, HOLDER)
    assert len(reminded) == 1 and len(holder) == 1, (reminded, holder)
    for body in (reminded[0], holder[0]):
        assert f"tetap pada {tanggal(VISIT_DAY)}" in body and "09.00–14.30 WIB" in body
        assert "Kantor Kecamatan Gempol" in body
    assert "Tiket Anda tetap berlaku" in holder[0] and "Tiket Anda" not in reminded[0]
    with trt.sessions() as s:
        assert s.get(Visit, visit_id).status == "planned"
        assert s.scalars(select(Ticket)).one().visit_id == visit_id


def test_an_edit_that_changes_nothing_sends_nothing(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    visit_id = world(trt, at)
    sent_before = len(fake_twilio.messages)
    assert edit(trt, visit_id, jkt("2026-12-08T16:05")) is None  # same hours and venue as planned
    tick(trt, jkt("2026-12-08T16:06"))
    assert len(fake_twilio.messages) == sent_before
    with trt.sessions() as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction")).all() == []


def test_a_second_edit_before_the_first_correction_went_supersedes_it(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    visit_id = world(trt, at)
    edit(trt, visit_id, jkt("2026-12-08T16:05"), mulai=time(9))
    # Edited again before the sender's next pass: "09.00" would be untrue when it arrives.
    edit(trt, visit_id, jkt("2026-12-08T16:06"), mulai=time(10), lokasi="Balai Desa Wonosunyo")
    tick(trt, jkt("2026-12-08T16:07"))
    for to in (phone(0), HOLDER):
        bodies = changes_received(fake_twilio, to)
        assert len(bodies) == 1, (to, bodies)
        assert "10.00–13.00 WIB" in bodies[0] and "Balai Desa Wonosunyo" in bodies[0]
        assert "09.00" not in bodies[0]
    with trt.sessions() as s:
        superseded = s.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.CANCELED)).all()
        assert len(superseded) == 2 and all("09.00" in m.body for m in superseded)
    # A third edit after that correction went is a new change: each hears it once more.
    edit(trt, visit_id, jkt("2026-12-08T16:10"), mulai=time(10), selesai=time(12), lokasi="Balai Desa Wonosunyo")
    tick(trt, jkt("2026-12-08T16:11"))
    for to in (phone(0), HOLDER):
        bodies = changes_received(fake_twilio, to)
        assert len(bodies) == 2 and "10.00–12.00 WIB" in bodies[1], (to, bodies)


def test_an_edit_then_a_move_tells_each_once_more_with_the_edited_hours(trt, fake_twilio):
    from datetime import date


    from handlers.visit_changes import move_visit

    at = jkt("2026-12-08T16:00")
    visit_id = world(trt, at)
    edit(trt, visit_id, jkt("2026-12-08T16:05"), mulai=time(9))
    # Moved before the edit's correction went: the move's correction carries the new hours instead.
    with trt.sessions.begin() as s:
        move_visit(s, trt, visit_id, date(2026, 12, 16), VISIT_DAY.replace(day=8), jkt("2026-12-08T16:06"))
    tick(trt, jkt("2026-12-08T16:07"))
    for to in (phone(0), HOLDER):
        bodies = changes_received(fake_twilio, to)
        assert len(bodies) == 1, (to, bodies)
        assert f"dari {tanggal(VISIT_DAY)} ke:" in bodies[0] and "09.00–13.00 WIB" in bodies[0]



def test_a_reminder_still_waiting_goes_out_with_the_new_hours(trt, fake_twilio):
    """Planned in quiet hours (sent at 06:00), the visit edited before then: the reminder itself carries the
    new hours and venue, for the resident and the kepala desa alike, and no correction follows it."""
    from tests.sending import add_kades, kades_phone

    at = jkt("2026-12-08T22:00")
    trt.settings = trt.settings.with_overrides(reminder_plan="h1:1@16:00")
    with trt.sessions.begin() as s:
        visit_id = add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 1, last_inbound_at=recently())
        add_kades(s, "Ngerong", "Gempol", 1, last_inbound_at=recently())
    tick(trt, at)
    assert fake_twilio.messages == []  # quiet hours: both rows wait
    edit(trt, visit_id, jkt("2026-12-08T22:05"), mulai=time(9), selesai=time(14, 30), lokasi="Balai Desa Ngerong")
    tick(trt, jkt("2026-12-09T06:00"))
    for number in (phone(0), kades_phone(1)):
        bodies = [m.form.get("Body") or str(m.form.get("ContentVariables")) for m in fake_twilio.sent_to(number)]
        assert len(bodies) == 1, bodies  # the reminder alone: nobody was told the old hours
        assert "09.00–14.30 WIB" in bodies[0] and "Balai Desa Ngerong" in bodies[0], bodies[0]
        assert "08.00" not in bodies[0]


def test_a_csv_import_that_changes_the_hours_tells_like_an_edit(trt, fake_twilio):
    """`schedule import` (CLI and console) updating a planned visit's hours or venue is an edit too: the
    reminded resident and the ticket holder get one correction; an import changing only the offices sends none."""
    from handlers.visit_changes import import_schedule
    from storage.schedule import VisitRow

    at = jkt("2026-12-08T16:00")
    visit_id = world(trt, at)
    same_hours = VisitRow(2, VISIT_DAY, "Gempol", "Kantor Kecamatan Gempol", time(8), time(13), ("dispendukcapil",))
    with trt.sessions.begin() as s:
        report = import_schedule(s, trt, [same_hours], jkt("2026-12-08T16:05"))
        assert (report.updated, report.details_changed) == (1, [])
    new_hours = VisitRow(2, VISIT_DAY, "Gempol", "Balai Desa Wonosunyo", time(9), time(12), None)
    with trt.sessions.begin() as s:
        report = import_schedule(s, trt, [new_hours], jkt("2026-12-08T16:06"))
        assert report.details_changed == [visit_id]
    tick(trt, jkt("2026-12-08T16:07"))
    for number in (phone(0), HOLDER):
        received = changes_received(fake_twilio, number)
        assert len(received) == 1, received
        assert "09.00–12.00 WIB" in received[0] and "Balai Desa Wonosunyo" in received[0]
