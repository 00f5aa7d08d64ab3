"""A resident holding a ticket for a visit that moves: the ticket follows the move, the holder is told
(free text inside WhatsApp's 24-hour window, the approved template outside it) and reminded of
the new date. Through the signed webhook, the real `schedule move/cancel` commands, and the
outbox drained to the fake Twilio on loopback."""

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot import create_app
from flows.dates import tanggal
from scheduler.corrections import plan_corrections
from scheduler.reminders import plan_reminders
from scheduler.sender import drain_outbox
from storage.models import OutboxMessage, Resident, Ticket, Visit
from tests.sending import TEMPLATES, fake_settings, jkt
from tests.whatsapp import PUBLIC_BASE, Phone, jakarta_today, signed_settings
from tests.world import building

REGISTER_KTP = ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1")


@pytest.fixture
def world(rt, settings, signed_twilio):
    """The app (signed webhooks, fake Twilio), a resident who registered for Gempol in 10 days."""
    app_settings = fake_settings(signed_settings(settings), signed_twilio).with_overrides(public_base_url=PUBLIC_BASE)
    app = create_app(asdict(app_settings))
    runtime = app.extensions["kenduren"]
    with building(rt) as b:
        visit_id = b.visit("Gempol", day(10))
    resident = Phone(app.test_client())
    for line in REGISTER_KTP:
        resident.send(line)
    yield runtime, resident, visit_id
    runtime.dispose()


def day(n: int):
    return jakarta_today() + timedelta(days=n)


def deliver(runtime, signed_twilio, to: str) -> list:
    """Drain at the instant the waiting rows may go (after quiet hours, whatever the wall clock)."""
    with runtime.sessions() as s:
        due = s.scalar(select(OutboxMessage.next_attempt_at).where(OutboxMessage.to_phone == to,
                                                                    OutboxMessage.status == "pending")
                       .order_by(OutboxMessage.next_attempt_at.desc()).limit(1))
    drain_outbox(runtime, max(due or datetime.now(UTC), datetime.now(UTC)))
    return signed_twilio.sent_to(to)


def silent_for(runtime, phone: str, days: int) -> None:
    """The resident last wrote `days` ago: outside WhatsApp's 24-hour window."""
    with runtime.sessions.begin() as s:
        s.execute(update(Resident).where(Resident.phone == phone)
                  .values(last_inbound_at=datetime.now(UTC) - timedelta(days=days)))


def test_holder_inside_the_window_gets_the_correction_as_text_and_the_ticket_follows(world, cli, signed_twilio):
    runtime, resident, visit_id = world
    out = cli("schedule", "move", str(visit_id), "--to", day(17).isoformat())
    assert out.exit_code == 0 and "1 tiket ikut pindah" in out.output, out.output
    sent = deliver(runtime, signed_twilio, resident.number)[-1]
    assert "ContentSid" not in sent.form
    assert f"dipindah* dari {tanggal(day(10))} ke:" in sent.body and tanggal(day(17)) in sent.body
    assert "Tiket Anda ikut pindah" in sent.body
    with runtime.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert ticket.visit.tanggal == day(17)
        assert [e.action for e in ticket.events][-1] == "jadwal_dipindah"
    # Their status answer names the ticket, and asking the schedule gives the new date.
    assert tanggal(day(17)) in resident.say("kapan kenduren mas ke gempol?")


def test_holder_outside_the_window_gets_the_template_then_the_reminder_of_the_new_date(world, cli, signed_twilio):
    runtime, resident, visit_id = world
    silent_for(runtime, resident.number, days=3)
    assert cli("schedule", "move", str(visit_id), "--to", day(17).isoformat()).exit_code == 0
    sent = deliver(runtime, signed_twilio, resident.number)[-1]
    assert sent.form["ContentSid"] == TEMPLATES["correction"]
    assert f"Gempol | {tanggal(day(10))} | dipindah ke {tanggal(day(17))}" in sent.body
    # Not subscribed to reminders, but the ticket's holder is reminded of the new date (H-1).
    eve = jkt(f"{day(16).isoformat()}T16:00")
    planned = plan_reminders(runtime, eve)
    assert [p.recipients for p in planned] == [1]
    drain_outbox(runtime, eve)
    reminder = signed_twilio.sent_to(resident.number)[-1]
    assert reminder.form["ContentSid"] == TEMPLATES["reminder"] and tanggal(day(17)) in reminder.body
    # Nothing is planned for the old date.
    with runtime.sessions() as s:
        old = s.get(Visit, visit_id)
        assert old.status == "moved"


def test_moved_twice_the_holder_hears_each_change_once(world, cli, signed_twilio):
    runtime, resident, visit_id = world
    assert cli("schedule", "move", str(visit_id), "--to", day(17).isoformat()).exit_code == 0
    first = deliver(runtime, signed_twilio, resident.number)[-1]
    assert tanggal(day(17)) in first.body
    with runtime.sessions() as s:
        second_id = s.scalar(select(Visit.id).where(Visit.tanggal == day(17)))
    assert cli("schedule", "move", str(second_id), "--to", day(24).isoformat()).exit_code == 0
    for _ in range(2):  # the clock's own correction pass adds nobody twice
        plan_corrections(runtime, datetime.now(UTC))
    bodies = [m.body for m in deliver(runtime, signed_twilio, resident.number) if "Perubahan jadwal" in m.body]
    assert len(bodies) == 2
    assert f"dari {tanggal(day(17))} ke:" in bodies[1] and tanggal(day(24)) in bodies[1]
    with runtime.sessions() as s:
        assert s.scalars(select(Ticket)).one().visit.tanggal == day(24)


def test_cancelled_the_holder_is_told_and_the_ticket_stays(world, cli, signed_twilio):
    runtime, resident, visit_id = world
    out = cli("schedule", "cancel", str(visit_id))
    assert out.exit_code == 0 and "Koreksi ke 1 penerima" in out.output, out.output
    sent = deliver(runtime, signed_twilio, resident.number)[-1]
    assert "*dibatalkan*" in sent.body and "Tiket Anda tetap tersimpan" in sent.body
    with runtime.sessions() as s:
        assert s.scalars(select(Ticket)).one().visit_id == visit_id


def test_moved_twice_before_the_first_correction_went_the_holder_hears_once(world, cli, signed_twilio):
    runtime, resident, visit_id = world
    assert cli("schedule", "move", str(visit_id), "--to", day(17).isoformat()).exit_code == 0
    with runtime.sessions() as s:
        second_id = s.scalar(select(Visit.id).where(Visit.tanggal == day(17)))
    # Moved again before the sender's next pass: the waiting "→ 17" would be untrue when it arrives.
    assert cli("schedule", "move", str(second_id), "--to", day(24).isoformat()).exit_code == 0
    plan_corrections(runtime, datetime.now(UTC))
    bodies = [m.body for m in deliver(runtime, signed_twilio, resident.number) if "Perubahan jadwal" in m.body]
    assert len(bodies) == 1
    assert f"dari {tanggal(day(10))} ke:" in bodies[0] and tanggal(day(24)) in bodies[0]
    assert tanggal(day(17)) not in bodies[0]
    assert "Tiket Anda ikut pindah" in bodies[0]
