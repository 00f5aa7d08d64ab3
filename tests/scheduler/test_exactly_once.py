"""A row is sent once even when the sender is killed mid-broadcast, or two senders run at once.

Real processes (`scheduler send-worker`), a real database, the fake Twilio over loopback HTTP;
the fake's own record is what counts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from core.runtime import Runtime
from core.settings import PROJECT_DIR
from handlers.outbox import enqueue
from handlers.broadcasts import plan_broadcast
from scheduler.sender import OutboxDrain
from storage.models import OutboxMessage, OutboxStatus
from tests.sending import BOT_NUMBER, TEMPLATES, add_residents, add_visit, phone

RECIPIENTS = 200
# A lease of 8 s sends only while 5 s of it are left (2 × HTTP timeout + 1 s). The kill tests do
# not wait for a killed sender's leases: once the fake has settled (its last requests recorded, or
# never arrived) they run them out in the database (leases_ran_out). Waiting on the real clock took
# ~10 s per test, and a fake starved of CPU (load 15–35) recorded late requests after the lookup.
WORKER = ["-m", "bot", "scheduler", "send-worker", "--lease", "8", "--http-timeout", "2", "--idle", "0.2"]


def broadcast_now(trt, count: int = RECIPIENTS, *, in_window: bool = True) -> int:
    """A real H-1 broadcast planned at the real now, to `count` residents inside the 24-hour window
    (free text goes) or outside it (the approved template goes)."""
    now = datetime.now(UTC)
    trt.settings = trt.settings.with_overrides(quiet_hours="00:00-00:00")  # whatever the hour of the run
    tomorrow = now.astimezone(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=1)
    with trt.sessions.begin() as s:
        visit_id = add_visit(s, "Gempol", tomorrow)
        add_residents(s, "Gempol", count, last_inbound_at=now - timedelta(hours=1) if in_window else None)
        planned = plan_broadcast(s, trt, visit_id, "h1", now, now + timedelta(days=2), now)
    assert planned.recipients == count
    return planned.broadcast_id


# How a message leaves: from our number or through a Messaging Service; free text or template.
FROM_NUMBER = {"TWILIO_WHATSAPP_FROM": f"whatsapp:{BOT_NUMBER}"}
MESSAGING_SERVICE = {"TWILIO_MESSAGING_SERVICE_SID": "MG" + "e" * 32}
# The worker's approved templates: the shared ones, and the ticket news of several-per-recipient.
WORKER_TEMPLATES = {**TEMPLATES, "ticket_update": "HX" + "d" * 32, "survey": "HX" + "5" * 32}
TEMPLATE_ENV = {f"TWILIO_TEMPLATE_{kind.upper()}": sid for kind, sid in WORKER_TEMPLATES.items()}


def start_worker(database_url: str, fake, tmp_path, name: str, *options: str,
                 sender: dict[str, str] = FROM_NUMBER) -> subprocess.Popen:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL"))},
           "PYTHONPATH": str(PROJECT_DIR), "DATABASE_URL": database_url,
           "TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token, **sender, **TEMPLATE_ENV,
           "TWILIO_API_BASE_URL": fake.base_url,
           "SEND_RATE_PER_SECOND": "200", "QUIET_HOURS": "00:00-00:00", "LOG_LEVEL": "WARNING",
           # At the tests' own priority: at SENDER_NICE's 10 the senders got ~1/10 of a core beside
           # the other xdist worker's tests, and took most of the suite's time (and timed out on a
           # loaded machine). The nice level itself is held in test_sending_under_pressure.
           "SENDER_NICE": "0"}
    with open(tmp_path / f"{name}.log", "w") as log:
        return subprocess.Popen([sys.executable, *WORKER, *options], cwd=PROJECT_DIR, env=env, stdout=log, stderr=log)


def worker_settings(settings, sender: dict[str, str] = FROM_NUMBER):
    """start_worker's environment as Settings (for a sender run in the test's own process)."""
    return settings.with_overrides(
        twilio_whatsapp_from=sender.get("TWILIO_WHATSAPP_FROM", ""),
        twilio_messaging_service_sid=sender.get("TWILIO_MESSAGING_SERVICE_SID", ""),
        templates=dict(WORKER_TEMPLATES), send_rate_per_second=200.0, quiet_hours="00:00-00:00")


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def unfinished(trt) -> int:
    with trt.sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED])))


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, as a platform stops a worker. One that has not stopped 15 s later is killed before
    the test fails: left running, it sent the next tests' rows from the shared database."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise


def assert_each_got_exactly_one(fake) -> None:
    per = fake.per_recipient()
    assert len(per) == RECIPIENTS and set(per.values()) == {1}, sorted(v for v in per.values() if v != 1)
    assert len(fake.messages) == RECIPIENTS


SHAPES = {
    # shape: (how it leaves, recipients in the 24-hour window, extra rows per recipient)
    "number-free-text": (FROM_NUMBER, True, False),
    "number-template": (FROM_NUMBER, False, False),
    "service-free-text": (MESSAGING_SERVICE, True, False),
    "service-template-empty-body": (MESSAGING_SERVICE, False, False),
    # A reminder, a ticket update and a survey to each resident, all templates with no body at
    # Twilio, the update and the survey sharing their variables: Twilio's records cannot tell
    # them apart, so they must never be in flight together.
    "several-per-recipient": (MESSAGING_SERVICE, False, True),
}
SHAPE_RECIPIENTS = 100


def add_ticket_news(trt, count: int) -> None:
    with trt.sessions.begin() as s:
        ids = list(s.scalars(select(OutboxMessage.resident_id).order_by(OutboxMessage.id)))[:count]
        for n, rid in enumerate(ids):
            kode = f"KM-{n:04d}"
            enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(n), body=f"Tiket {kode} selesai.",
                    resident_id=rid, template_vars={"1": kode})
            enqueue(s, kind="survey", channel="whatsapp", to_phone=phone(n), body=f"Nilai layanan {kode}?",
                    resident_id=rid, template_vars={"1": kode})


def assert_each_row_sent_exactly_once(trt, fake) -> tuple[int, int]:
    """(duplicates, missed), by the fake's own record, and each row holding its own message."""
    with trt.sessions() as s:
        rows = list(s.scalars(select(OutboxMessage)))
    sids = [r.twilio_sid for r in rows if r.twilio_sid]
    missed = len(rows) - len(sids)
    duplicates = len(fake.messages) - len(set(m.sid for m in fake.messages) & set(sids))
    assert (duplicates, missed) == (0, 0), (duplicates, missed)
    assert set(sids) == {m.sid for m in fake.messages}
    for r in rows:  # the SID a row holds is its own message, not a neighbour's
        sent = fake.find(r.twilio_sid)
        assert sent.phone == r.to_phone
        if "ContentSid" in sent.form:
            assert sent.form["ContentSid"] == WORKER_TEMPLATES[r.kind], (r.kind, sent.form)
            assert json.loads(sent.form["ContentVariables"]) == r.template_vars
        else:
            assert sent.form["Body"] == r.body
    return duplicates, missed


def leases_ran_out(trt, killed: subprocess.Popen) -> int:
    """As if the killed sender's leases had ended more than one HTTP timeout ago (the restarted
    sender looks its rows up at Twilio only then): waiting for that on the real clock took ~10 s
    of each test. Only the killed sender's rows (the worker's name holds its pid); `updated_at`,
    when each interrupted attempt began, stays. Called once the fake has settled."""
    with trt.sessions.begin() as s:
        return s.execute(update(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_by.like(f"%:{killed.pid}:%"))
            .values(claimed_until=datetime.now(UTC) - timedelta(minutes=1), updated_at=OutboxMessage.updated_at)
        ).rowcount


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(SHAPES))
def test_killed_sender_restarted_sends_each_message_exactly_once(trt, fake_twilio, database_url, tmp_path, shape):
    sender, in_window, several = SHAPES[shape]
    broadcast_now(trt, SHAPE_RECIPIENTS, in_window=in_window)
    if several:
        add_ticket_news(trt, SHAPE_RECIPIENTS)
    with trt.sessions() as s:
        total = s.scalar(select(func.count()).select_from(OutboxMessage))
    fake_twilio.delay = 0.05  # Twilio holds each message a moment before answering: kills land mid-send
    worker = start_worker(database_url, fake_twilio, tmp_path, "first", sender=sender)
    try:
        # Generous: on a loaded machine (8 suites on 2 cores) a worker's start-up alone takes seconds.
        wait_for(lambda: len(fake_twilio.messages) >= 30, 60, "the first 30 messages")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop(worker)
    fake_twilio.settle()  # the killed sender's last requests are in the fake's record, or never came
    at_kill = len(fake_twilio.messages)
    with trt.sessions() as s:
        recorded = s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.twilio_sid.is_not(None)))
    orphans = leases_ran_out(trt, worker)
    assert at_kill < total and orphans > 0
    assert at_kill > recorded, "some messages reached Twilio without their SID recorded: the hard case"

    # The restarted sender: `send-worker --once`'s drain (OutboxDrain.run, the same claims, lookups and
    # sends) with the killed process's settings, in the test's process. A second process per shape
    # cost a start (~2-3 s of CPU, importing the whole bot) for nothing the kill had not shown.
    restarted = OutboxDrain(Runtime(worker_settings(trt.settings, sender)), lease_seconds=8, http_timeout=2)
    try:
        deadline = time.monotonic() + 90
        while unfinished(trt):
            assert time.monotonic() < deadline, "timed out waiting for the restarted sender to finish"
            if restarted.run(datetime.now(UTC)) and unfinished(trt):
                time.sleep(0.2)  # a retry's backoff runs on the real clock, as for the worker's looks
    finally:
        restarted.runtime.dispose()
    assert len(fake_twilio.messages) == total
    assert_each_row_sent_exactly_once(trt, fake_twilio)


def backoff_passed(trt) -> datetime:
    """As if a retry's backoff had passed: the held rows' leases (database clock) end now; the
    returned instant is when their retry is due."""
    with trt.sessions.begin() as s:
        due = s.scalar(select(func.max(OutboxMessage.next_attempt_at)))
        s.execute(update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.CLAIMED)
                  .values(claimed_until=datetime.now(UTC) - timedelta(minutes=1), updated_at=OutboxMessage.updated_at))
    return due + timedelta(seconds=1)


def claimants(trt) -> int:
    with trt.sessions() as s:
        return s.scalar(select(func.count(func.distinct(OutboxMessage.claimed_by)))
                        .where(OutboxMessage.status == OutboxStatus.CLAIMED))


@pytest.mark.slow
def test_two_senders_at_once_send_each_message_exactly_once(trt, fake_twilio, database_url, tmp_path):
    """Both senders hold claimed rows before either may send: without that line-up, the first
    sender could send all 200 before the second had started (it did, in 2 of 4 runs)."""
    broadcast_now(trt)
    fake_twilio.hold()
    # An HTTP timeout longer than the line-up may take, and a lease with about one second of
    # work in it, so that a claim takes a small batch and leaves rows for the second sender.
    options = ("--http-timeout", "10", "--lease", "22")
    workers = [start_worker(database_url, fake_twilio, tmp_path, f"w{i}", *options) for i in range(2)]
    try:
        wait_for(lambda: claimants(trt) == 2, 30, "both senders to hold claimed rows")
        fake_twilio.release()
        wait_for(lambda: unfinished(trt) == 0, 40, "two senders to finish")
    finally:
        for w in workers:
            stop(w)
    assert_each_got_exactly_one(fake_twilio)
    with trt.sessions() as s:
        by_worker = s.execute(select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)).all()
    assert len(by_worker) == 2, by_worker  # both really worked


def test_a_read_timeout_is_resolved_by_asking_twilio_not_by_sending_again(trt, fake_twilio):
    now = datetime.now(UTC)
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=now)
        enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body="Tiket KM-4821 selesai.",
                resident_id=rid)
    now = datetime.now(UTC)
    drain = OutboxDrain(trt, lease_seconds=3, http_timeout=0.5)
    fake_twilio.delay = 1.0  # Twilio records it, but answers after our read timeout
    first = drain.run(now)
    assert first["retry"] == 1, first
    fake_twilio.delay = 0
    with trt.sessions() as s:
        row = s.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.CLAIMED and row.twilio_sid is None
    assert drain.run(backoff_passed(trt))["recovered"] == 1
    assert len(fake_twilio.messages) == 1
    with trt.sessions() as s:
        row = s.scalar(select(OutboxMessage))
    assert (row.status, row.twilio_sid) == (OutboxStatus.QUEUED, fake_twilio.messages[0].sid)


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_checked_with_twilio_then_sent_once(trt, fake_twilio, status):
    now = datetime.now(UTC)
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=now)
        enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body="Tiket KM-4821 selesai.",
                resident_id=rid)
    fake_twilio.fail_next(1, status=status)
    drain = OutboxDrain(trt)
    assert drain.run(datetime.now(UTC))["retry"] == 1
    assert drain.run(backoff_passed(trt))["sent"] == 1
    assert len(fake_twilio.messages) == 1 and len(fake_twilio.requests) == 3  # POST, GET (lookup), POST


def test_an_ambiguous_failure_keeps_when_the_attempt_began_on_the_database_clock(trt, fake_twilio):
    """The lookup window starts at the attempt, dated on the database's clock (Twilio's dates are
    real ones), not on a tick's simulated now; a write that moved it would look in the wrong place."""
    simulated = datetime.now(UTC) + timedelta(days=1)  # a tick whose --now is not the real time
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=simulated - timedelta(hours=1))
        enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body="Tiket KM-4821 selesai.",
                resident_id=rid)
    fake_twilio.fail_next(1, status=503)
    assert OutboxDrain(trt).run(simulated)["retry"] == 1
    with trt.sessions() as s:
        row = s.scalar(select(OutboxMessage))
    real = datetime.now(UTC)
    assert row.status == OutboxStatus.CLAIMED and abs(row.updated_at - real) < timedelta(minutes=1)
    # The lease runs on the real clock too: about one backoff from now, not from the simulated now.
    assert real < row.claimed_until < real + timedelta(minutes=2)


def test_a_later_message_to_the_same_number_is_not_taken_for_an_interrupted_send(trt, fake_twilio):
    """A worker died mid-send half an hour ago; just now another worker sent the same text to the
    same resident for another row and has not recorded its SID yet. The dead worker's row must be
    sent, not 'recovered' with the other row's message."""
    from handlers.transport import OutgoingMessage, build_sender

    now = datetime.now(UTC)
    body = "Pengingat: besok Kenduren Mas di Kantor Kecamatan Gempol."
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=now)
        dead = enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body=body, resident_id=rid)
        busy = enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body=body, resident_id=rid)
        s.flush()
        s.execute(update(OutboxMessage).where(OutboxMessage.id == dead.id).values(
            status=OutboxStatus.CLAIMED, claimed_by="gone:1", attempts=1, updated_at=now - timedelta(minutes=30),
            claimed_until=now - timedelta(minutes=29)))
        s.execute(update(OutboxMessage).where(OutboxMessage.id == busy.id).values(
            status=OutboxStatus.CLAIMED, claimed_by="alive:2", attempts=1, updated_at=now,
            claimed_until=now + timedelta(minutes=5)))
    other = build_sender(trt.settings).send(OutgoingMessage("whatsapp", phone(0), body=body))

    # While the other row is in flight to that number, the dead one waits (one in flight per
    # recipient); once the other's SID is recorded, the dead one is looked up, and sent.
    assert OutboxDrain(trt).run(datetime.now(UTC)).get("sent", 0) == 0
    with trt.sessions.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == busy.id).values(
            status=OutboxStatus.QUEUED, twilio_sid=other.sid, claimed_until=None))
    assert OutboxDrain(trt).run(datetime.now(UTC))["sent"] == 1
    with trt.sessions() as s:
        row = s.get(OutboxMessage, dead.id)
    assert row.status == OutboxStatus.QUEUED and row.twilio_sid not in (None, other.sid)
    assert len(fake_twilio.sent_to(phone(0))) == 2


def test_an_orphan_is_looked_up_only_one_http_timeout_after_its_lease(trt):
    """A killed sender's last request may reach Twilio a moment after its lease ended: its row is
    taken (and looked up at Twilio) only one HTTP timeout later. The kill tests above let the
    leases run out at once, so this rule is held here, on the database's own clock."""
    from handlers.outbox.claim import Lease, claim
    from handlers.quiet_hours import QuietHours
    from storage.db import database_now

    now = datetime.now(UTC)
    lease = Lease("alive:2", seconds=8, http_timeout=2)
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=now)
        row = enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(0), body="Tiket KM-4821 selesai.",
                      resident_id=rid)
        s.flush()
        row_id = row.id

    def lease_ended(ago: timedelta) -> list[int]:
        with trt.sessions.begin() as s:
            held_now = database_now(s.connection())
            s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
                status=OutboxStatus.CLAIMED, claimed_by="gone:1", updated_at=held_now - timedelta(seconds=9),
                claimed_until=held_now - ago))
            return [c.id for c in claim(s, lease=lease, now=datetime.now(UTC), limit=10,
                                        quiet=QuietHours.parse("", "Asia/Jakarta"))]

    assert lease_ended(timedelta(seconds=0.5)) == []  # within the HTTP timeout: a request may still arrive
    assert lease_ended(timedelta(seconds=3)) == [row_id]
