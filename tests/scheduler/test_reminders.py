"""Reminder planning and sending, end to end against the fake Twilio over loopback HTTP."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from core.runtime import Runtime
from storage.models import Broadcast, OutboxMessage, OutboxStatus, Resident
from tests.sending import (BOT_NUMBER, TEMPLATES, VISIT_DAY, add_residents, add_visit, jkt, kades_phone, phone,
                           recently, tick)
from tests.world import building



def world(trt, at, *, gempol=3):
    """A Gempol visit, subscribers who wrote recently, and the people who must get nothing."""
    with building(trt) as b:
        b.visit("Gempol", VISIT_DAY)
        ids = b.subscribers("Gempol", gempol, last_inbound_at=recently())
        b.subscribers("Gempol", 1, start=100, last_inbound_at=recently(), opted_out_at=at - timedelta(days=1))
        b.subscribers("Bangil", 2, start=200, last_inbound_at=recently())
        erased = b.subscribers("Gempol", 1, start=300, last_inbound_at=recently())
        b.s.execute(update(Resident).where(Resident.id.in_(erased)).values(phone=None, erased_at=at))
        b.kades("Gempol", "Gempol", 1, last_inbound_at=recently())
    return ids


def test_h1_reaches_each_subscriber_once_and_a_second_tick_sends_nothing(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    world(trt, at)
    result = tick(trt, at)
    assert [(p.kind, p.recipients) for p in result["plan_reminders"]] == [("h1", 4)]
    assert result["drain_outbox"]["sent"] == 4
    counts = fake_twilio.per_recipient()
    assert counts == {phone(0): 1, phone(1): 1, phone(2): 1, kades_phone(1): 1}
    body = fake_twilio.sent_to(phone(0))[0].form["Body"]
    assert body.startswith("📣 *Besok Kenduren Mas di Kecamatan Gempol*")
    for part in ("Rabu, 9 Desember 2026", "08.00–13.00 WIB", "Kantor Kecamatan Gempol", "Dispendukcapil",
                 "KTP-el", "*DAFTAR*", "*BERHENTI*"):
        assert part in body
    assert len(body) < 600
    assert fake_twilio.sent_to(phone(0))[0].form["From"] == f"whatsapp:{BOT_NUMBER}"
    assert fake_twilio.sent_to(phone(0))[0].form["To"] == f"whatsapp:{phone(0)}"
    assert fake_twilio.sent_to(phone(0))[0].form["StatusCallback"] == "https://bot.example.go.id/twilio/status"
    kades = fake_twilio.sent_to(kades_phone(1))[0].form["Body"]
    assert "mohon diteruskan ke grup warga Desa Gempol" in kades
    assert "https://wa.me/6281100000000?text=" in kades and "KM%20D3514122015" in kades

    again = tick(trt, at)
    assert again["plan_reminders"] == [] and not again["drain_outbox"]
    assert len(fake_twilio.messages) == 4
    with trt.sessions() as s:
        assert s.scalar(select(OutboxMessage.twilio_sid).where(OutboxMessage.to_phone == phone(0))).startswith("SM")


def test_two_clocks_ticking_at_the_same_instant_send_each_reminder_once(trt, fake_twilio):
    """Only one clock should run; if two do, the database's constraints and locks still hold."""
    at = jkt("2026-12-08T16:00")
    world(trt, at)
    clocks = [Runtime(trt.settings) for _ in range(2)]
    start = threading.Barrier(len(clocks))
    results, errors = [], []

    def clock(runtime):
        start.wait()
        try:
            results.append(tick(runtime, at))
        except Exception as exc:  # noqa: BLE001  (asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=clock, args=(rt,)) for rt in clocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for rt in clocks:
        rt.dispose()
    assert errors == [] and len(results) == 2
    assert sorted(p.kind for r in results for p in r["plan_reminders"]) == ["h1"]  # planned by one of them
    assert fake_twilio.per_recipient() == {phone(0): 1, phone(1): 1, phone(2): 1, kades_phone(1): 1}


def test_nothing_is_due_before_its_time(trt, fake_twilio):
    world(trt, jkt("2026-12-06T06:59"))
    assert tick(trt, jkt("2026-12-06T06:59"))["plan_reminders"] == []
    planned = tick(trt, jkt("2026-12-06T07:00"))["plan_reminders"]
    assert [p.kind for p in planned] == ["h3"]
    assert fake_twilio.sent_to(phone(0))[0].form["Body"].startswith("📣 *Kenduren Mas segera datang")


def test_quiet_hours_hold_reminders_until_six(trt, fake_twilio):
    trt.settings = trt.settings.with_overrides(reminder_plan="h1:1@16:00")
    world(trt, jkt("2026-12-08T22:00"))
    first = tick(trt, jkt("2026-12-08T22:00"))
    assert [p.kind for p in first["plan_reminders"]] == ["h1"]
    assert fake_twilio.messages == []
    assert not tick(trt, jkt("2026-12-09T05:59"))["drain_outbox"]
    assert fake_twilio.messages == []
    assert tick(trt, jkt("2026-12-09T06:00"))["drain_outbox"]["sent"] == 4


def test_a_late_start_sends_only_the_latest_reminder(trt, fake_twilio):
    """Clock down since before H-3: on the morning itself only the hari-H reminder goes out."""
    at = jkt("2026-12-09T07:00")
    world(trt, at)
    planned = tick(trt, at)["plan_reminders"]
    assert [p.kind for p in planned] == ["hari_h"]
    assert all(m.form["Body"].startswith("📣 *Hari ini") or "diteruskan" in m.form["Body"] for m in fake_twilio.messages)
    assert len(fake_twilio.messages) == 4
    # After the visit ended nothing is planned any more.
    with trt.sessions.begin() as s:
        add_visit(s, "Bangil", VISIT_DAY)
    assert tick(trt, jkt("2026-12-09T13:00"))["plan_reminders"] == []


def test_an_unsent_h1_is_not_sent_on_the_day_itself(trt, fake_twilio):
    at = jkt("2026-12-08T20:59")
    world(trt, at)
    fake_twilio.fail_next(100, status=503)  # Twilio down all evening: nothing goes out
    assert [p.kind for p in tick(trt, at)["plan_reminders"]] == ["h1"]
    fake_twilio.clear_faults()
    fake_twilio.messages.clear()
    morning = tick(trt, jkt("2026-12-09T06:00"))
    assert [p.kind for p in morning["plan_reminders"]] == ["hari_h"]
    bodies = [m.form["Body"] for m in fake_twilio.messages]
    assert not any("Besok" in b for b in bodies)
    with trt.sessions() as s:
        h1 = s.scalar(select(Broadcast.id).where(Broadcast.kind == "h1"))
        statuses = set(s.scalars(select(OutboxMessage.status).where(OutboxMessage.broadcast_id == h1)))
    assert statuses <= {OutboxStatus.CANCELED, OutboxStatus.CLAIMED}


def test_outside_the_24_hour_window_the_template_goes(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    with trt.sessions.begin() as s:
        add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 1, last_inbound_at=None)
        add_residents(s, "Gempol", 1, start=1, last_inbound_at=datetime.now(UTC) - timedelta(hours=25))
    assert tick(trt, at)["drain_outbox"]["sent"] == 2
    for n in (0, 1):
        form = fake_twilio.sent_to(phone(n))[0].form
        assert "Body" not in form and form["ContentSid"] == TEMPLATES["reminder"]
        assert json.loads(form["ContentVariables"]) == {
            "1": "Gempol", "2": "Rabu, 9 Desember 2026", "3": "08.00–13.00 WIB", "4": "Kantor Kecamatan Gempol"}
    with trt.sessions() as s:
        assert set(s.scalars(select(OutboxMessage.via_template))) == {True}


def test_the_window_is_judged_on_the_real_clock_whatever_instant_the_tick_simulates(trt, fake_twilio):
    """Meta counts the 24-hour window in real time. A tick re-run two hours late once sent free text
    to a resident who wrote 25 hours ago (23 hours before its --now): refused with 63016, sent again
    as the template. A tick ahead of the real time must not send the template to one who wrote 23
    hours ago either. Planning (what is due) still follows --now."""
    from handlers.outbox import enqueue
    from scheduler.sender import OutboxDrain

    real = datetime.now(UTC)
    trt.settings = trt.settings.with_overrides(quiet_hours="00:00-00:00")
    variables = {"1": "Gempol", "2": "Rabu, 9 Desember 2026", "3": "08.00–13.00 WIB", "4": "Kantor Kecamatan Gempol"}
    with trt.sessions.begin() as s:
        wrote_25h, wrote_23h = (add_residents(s, "Gempol", 1, start=n, last_inbound_at=real - timedelta(hours=h))[0]
                                for n, h in ((0, 25), (1, 23)))
    for simulated in (real - timedelta(hours=2), real + timedelta(hours=2)):
        fake_twilio.messages.clear()
        with trt.sessions.begin() as s:
            for n, rid in ((0, wrote_25h), (1, wrote_23h)):
                enqueue(s, kind="reminder", channel="whatsapp", to_phone=phone(n), resident_id=rid,
                        body="📣 *Besok Kenduren Mas di Kecamatan Gempol*", template_vars=variables
                        ).next_attempt_at = simulated  # due at the tick's --now
        assert OutboxDrain(trt).run(simulated)["sent"] == 2
        [outside], [inside] = fake_twilio.sent_to(phone(0)), fake_twilio.sent_to(phone(1))
        assert outside.form["ContentSid"] == TEMPLATES["reminder"] and "Body" not in outside.form, simulated
        assert inside.form["Body"].startswith("📣 *Besok Kenduren Mas") and "ContentSid" not in inside.form, simulated
    assert not [r for r in fake_twilio.requests if r.status == 400]  # no free text refused on the way


def test_no_template_for_the_kind_fails_clearly(trt, fake_twilio):
    trt.settings = trt.settings.with_overrides(templates={})
    at = jkt("2026-12-08T16:00")
    with trt.sessions.begin() as s:
        add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 1, last_inbound_at=None)
    assert tick(trt, at)["drain_outbox"]["failed"] == 1
    assert fake_twilio.messages == []
    with trt.sessions() as s:
        row = s.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.FAILED
    assert "no approved WhatsApp template for kind 'reminder'" in row.error_message


def test_63016_falls_back_to_the_template(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    world(trt, at, gempol=2)
    fake_twilio.refuse_freeform(phone(1))
    tick(trt, at)
    assert [("ContentSid" in m.form) for m in fake_twilio.sent_to(phone(1))] == [True]
    assert [("Body" in m.form) for m in fake_twilio.sent_to(phone(0))] == [True]
    refused = [r for r in fake_twilio.requests if r.status == 400]
    assert len(refused) == 1 and refused[0].form["To"] == f"whatsapp:{phone(1)}"


def test_21610_marks_the_resident_opted_out(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    ids = world(trt, at)
    fake_twilio.refuse(phone(2), 21610)
    counts = tick(trt, at)["drain_outbox"]
    assert counts["sent"] == 3 and counts["failed"] == 1
    with trt.sessions() as s:
        assert s.get(Resident, ids[2]).opted_out_at is not None
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.resident_id == ids[2]))
        assert (row.status, row.error_code) == (OutboxStatus.FAILED, "21610")
    # The next reminder does not even plan a row for them.
    tick(trt, jkt("2026-12-09T06:00"))
    assert len(fake_twilio.sent_to(phone(2))) == 0


def test_opted_out_after_planning_gets_nothing(trt, fake_twilio):
    at = jkt("2026-12-08T22:30")  # planned in quiet hours, sent at 06:00
    trt.settings = trt.settings.with_overrides(reminder_plan="h1:1@16:00")
    ids = world(trt, at)
    tick(trt, at)
    with trt.sessions.begin() as s:
        s.execute(update(Resident).where(Resident.id == ids[0]).values(opted_out_at=at))
    tick(trt, jkt("2026-12-09T06:00"))
    assert fake_twilio.sent_to(phone(0)) == []
    with trt.sessions() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.resident_id == ids[0]))
    assert (row.status, row.error_message) == (OutboxStatus.CANCELED, "recipient opted out")


def test_429_is_retried_after_backoff_and_sent_once(trt, fake_twilio):
    at = jkt("2026-12-08T16:00")
    world(trt, at)
    fake_twilio.fail_next(2, status=429)
    first = tick(trt, at)["drain_outbox"]
    assert first["sent"] == 2 and first["retry"] == 2
    later = tick(trt, at + timedelta(minutes=2))["drain_outbox"]
    assert later["sent"] == 2
    assert set(fake_twilio.per_recipient().values()) == {1} and len(fake_twilio.messages) == 4
