"""Acknowledge fast (issue #25), on SQLite and PostgreSQL: the webhook stores a message and answers an
empty TwiML without processing it; the processor (handlers.processor) answers stored messages off the
request, in order per resident with several processors at once, exactly once per MessageSid —
across duplicates of a SID, a claim whose processor vanished (its lease runs out), and a processor
process killed in the middle of a message. The tests' other webhooks are processed by
tests.processing_client; these use Flask's plain client so that nothing is processed behind them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from core.settings import PROJECT_DIR
from handlers.processor import Processor, process_pending
from scheduler.processor import ProcessLoop
from storage.db import database_now
from storage.models import Conversation, InboundMessage, OutboxMessage, Resident
from tests.whatsapp import Phone, replies_of


@pytest.fixture
def art(wa_app):
    return wa_app.extensions["kenduren"]


def plain_phone(app, number: str, name: str | None = "Sumarti") -> Phone:
    return Phone(FlaskClient(app), number, name)


def count(rt, model, *where) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def reply_bodies(rt, number: str) -> list[str]:
    with rt.sessions() as s:
        return list(s.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "reply",
                                                               OutboxMessage.to_phone == number)
                              .order_by(OutboxMessage.id)))


def test_the_webhook_acknowledges_without_processing(wa_app, art):
    phone = plain_phone(wa_app, "+6281230000001")
    response = phone.post(phone.form("menu"))
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert replies_of(response) == []
    with art.sessions() as s:
        row = s.scalars(select(InboundMessage)).one()
        assert row.processed_at is None and row.reply is None and row.profile_name == "Sumarti"
    # Nothing of the processing happened in the request: no resident, no conversation, no reply.
    assert count(art, Resident, Resident.phone == phone.number) == 0
    assert count(art, Conversation) == 0 and reply_bodies(art, phone.number) == []
    assert process_pending(art) == {"processed": 1}
    bodies = reply_bodies(art, phone.number)
    assert bodies and "1. Jadwal Kenduren Mas" in "\n".join(bodies)
    with art.sessions() as s:
        row = s.scalars(select(InboundMessage)).one()
        assert row.processed_at is not None and row.reply and row.intent
        assert s.scalars(select(Resident).where(Resident.phone == phone.number)).one().name in (None, "Sumarti")
    assert process_pending(art) == {}


def test_healthz_shows_the_messages_waiting_for_the_processor(wa_app, art):
    web = FlaskClient(wa_app)
    assert web.get("/healthz").get_json()["waiting"] == 0
    for number in ("+6281230000051", "+6281230000052"):
        phone = plain_phone(wa_app, number)
        assert phone.post(phone.form("kapan kenduren mas ke gempol?")).status_code == 200
    health = web.get("/healthz")
    assert health.status_code == 200 and health.get_json()["waiting"] == 2
    assert process_pending(art) == {"processed": 2}
    assert web.get("/healthz").get_json()["waiting"] == 0


def test_duplicates_of_a_message_sid_are_stored_and_answered_once(wa_app, art):
    phone = plain_phone(wa_app, "+6281230000002")
    form = phone.form("menu")
    for _ in range(3):
        assert replies_of(phone.post(form)) == []
    assert count(art, InboundMessage) == 1
    process_pending(art)
    first = reply_bodies(art, phone.number)
    assert first
    for _ in range(2):  # after processing too
        assert replies_of(phone.post(form)) == []
    assert process_pending(art) == {}
    assert reply_bodies(art, phone.number) == first and count(art, InboundMessage) == 1


def test_each_residents_messages_are_processed_in_order_by_two_processors(wa_app, art):
    lines = ("halo", "daftar", "ktp", "menu", "jadwal", "batal", "mau daftar kk", "2")
    phones = [plain_phone(wa_app, f"+628123100{n:04d}", None) for n in range(6)]
    for line in lines:  # interleaved: each resident's messages far apart in id order
        for p in phones:
            assert p.post(p.form(line)).status_code == 200
    counts: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        processor = Processor(art)
        start.wait()
        counts.append(processor.drain())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(counts) == len(lines) * len(phones)
    with art.sessions() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert all(r.processed_at is not None for r in rows)
    for p in phones:
        mine = [r for r in rows if r.from_phone == p.number]
        assert [r.body for r in mine] == list(lines)
        # Each message processed only after the one before it was committed.
        assert [r.processed_at for r in mine] == sorted(r.processed_at for r in mine)
        assert len({r.processed_at for r in mine}) == len(mine)


def test_a_claim_whose_processor_vanished_is_taken_again_after_its_lease(wa_app, art):
    phone = plain_phone(wa_app, "+6281230000003")
    phone.post(phone.form("menu"))
    gone = Processor(art, lease_seconds=0.5)
    [row_id] = gone.claim()  # and never processes it (the process died)
    other = Processor(art, lease_seconds=30)
    assert other.claim() == []  # a live lease holds it
    with art.sessions() as s:
        until = s.get(InboundMessage, row_id).lease_until
    deadline = time.monotonic() + 30
    while True:  # the lease runs out on the database's clock
        with art.engine.connect() as conn:
            if database_now(conn) > until:
                break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert other.drain() == 1
    assert gone.process(row_id) is False  # the first one, back late: not its any more
    assert other.drain() == 0
    bodies = reply_bodies(art, phone.number)
    assert bodies and len(bodies) == len(set(bodies))
    with art.sessions() as s:
        assert s.get(InboundMessage, row_id).lease_owner == other.owner


def test_the_in_process_processor_answers_when_the_webhook_rings(wa_app, art):
    loop = ProcessLoop(art, threads=2, poll=600).start()  # only the bell can wake it in time
    try:
        phone = plain_phone(wa_app, "+6281230000004")
        phone.post(phone.form("menu"))
        deadline = time.monotonic() + 60
        while not reply_bodies(art, phone.number):
            assert time.monotonic() < deadline, "the processor was not woken"
            time.sleep(0.05)
    finally:
        loop.close()
    assert count(art, InboundMessage, InboundMessage.processed_at.is_(None)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_processor_process_killed_mid_message_loses_nothing_and_repeats_nothing(wa_app, art, backend,
                                                                                   database_url, tmp_path):
    """Killed inside its processing transaction: blocked on the resident's conversation row, which
    the test holds. PostgreSQL only: SQLite runs one writer at a time from BEGIN (the lease test
    above takes a vanished claim again on both)."""
    phone = plain_phone(wa_app, "+6281230000005")
    phone.post(phone.form("halo"))
    process_pending(art)
    before = reply_bodies(art, phone.number)
    with art.sessions() as s:
        conversation_id = s.scalar(select(Conversation.id).join(Resident).where(Resident.phone == phone.number))
    phone.post(phone.form("menu"))
    blocker = art.engine.connect()
    tx = blocker.begin()
    blocker.execute(text("SELECT id FROM conversation WHERE id = :id FOR UPDATE"), {"id": conversation_id})
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL"))},
           "PYTHONPATH": str(PROJECT_DIR), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    log_path = tmp_path / "processor.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "bot", "scheduler", "process-worker", "--threads", "1",
                                   "--lease", "3"], cwd=PROJECT_DIR, env=env, stdout=log, stderr=log,
                                  start_new_session=True)

    def blocked() -> bool:  # its processing transaction waits for our lock
        with art.engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).scalar())

    try:
        deadline = time.monotonic() + 120
        while not blocked():
            assert worker.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the processor never reached the message"
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        tx.rollback()
        blocker.close()
    with art.sessions() as s:
        row = s.scalars(select(InboundMessage).where(InboundMessage.body == "menu")).one()
        assert row.processed_at is None and row.lease_owner is not None  # claimed, nothing of it committed
        until = row.lease_until
    assert reply_bodies(art, phone.number) == before
    deadline = time.monotonic() + 30
    while True:  # the lease the dead processor held runs out on the database's clock
        with art.engine.connect() as conn:
            if database_now(conn) > until:
                break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert process_pending(art) == {"processed": 1}
    after = reply_bodies(art, phone.number)
    assert after[:len(before)] == before and len(after) > len(before)
    assert "1. Jadwal Kenduren Mas" in "\n".join(after[len(before):])
    assert process_pending(art) == {}
    assert reply_bodies(art, phone.number) == after
