"""Sending under pressure, with real processes: two send-workers and a `scheduler tick` whose
--now is hours away from the real time drain one broadcast while residents' replies come in.

- 0 duplicated, 0 missed (the fake Twilio's own record): leases run on the database's clock, so
  the tick's simulated now never makes a live worker's lease look expired (it did: 532 of 1,200
  residents got a reminder twice);
- the account's rate holds in every 3-second window across all three senders (counted by the
  fake): they share one pace in the database. Paced separately they would send about 3× the rate,
  so the bound below has room for a loaded machine's jitter and still catches that;
- a reply overtakes the broadcast, proven by the order of claims, not by a stopwatch: every
  broadcast row that was still unclaimed when a reply was written is claimed after that reply
  (the database records each claim in order, `claim_log` below). The send-workers' very next
  claim, whatever lane it was for, takes the reply. Its latency is measured in bench/ (storm).
"""

from __future__ import annotations

import bisect
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot import create_app

from core.settings import PROJECT_DIR
from handlers.outbox import Lane, enqueue
from handlers.broadcasts import plan_broadcast
from storage.models import OutboxMessage, OutboxStatus
from tests.sending import BOT_NUMBER, add_residents, add_visit, phone
from tests.scheduler.test_exactly_once import (assert_each_row_sent_exactly_once, stop, unfinished, wait_for)
from tests.whatsapp import Phone, signed_settings

RECIPIENTS = 400
RATE = 40  # messages per second for the whole account
WINDOW = 3.0
HOURS_OFF = 2  # the tick re-runs a missed planning moment two hours late


def env_for(database_url: str, fake) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL"))},
            "PYTHONPATH": str(PROJECT_DIR), "DATABASE_URL": database_url,
            "TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_WHATSAPP_FROM": f"whatsapp:{BOT_NUMBER}", "TWILIO_API_BASE_URL": fake.base_url,
            "SEND_RATE_PER_SECOND": str(RATE), "QUIET_HOURS": "00:00-00:00", "LOG_LEVEL": "WARNING",
            "REMINDER_PLAN": "h1:1@16:00"}


def spawn(args: list[str], database_url: str, fake, log_path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen([sys.executable, "-m", "bot", "scheduler", *args], cwd=PROJECT_DIR,
                                env={**env_for(database_url, fake), **(env or {})}, stdout=log, stderr=subprocess.STDOUT)


def most_in_any_window(times: list[float], width: float) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + width) - i for i, t in enumerate(times))


# Every claim of a row (pending → claimed), in the order the database made them: a trigger of the
# test's own, dropped afterwards. A claim that read a reply as claimed came after that reply's claim
# (its statement began after the reply's claim committed), so its rows log after it.
_CLAIM_LOG = {
    "postgresql": [
        "CREATE TABLE claim_log (seq BIGSERIAL PRIMARY KEY, row_id INTEGER, lane SMALLINT, claimed_by TEXT)",
        """CREATE FUNCTION log_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               INSERT INTO claim_log (row_id, lane, claimed_by) VALUES (NEW.id, NEW.lane, NEW.claimed_by);
               RETURN NULL; END $$""",
        """CREATE TRIGGER log_claim AFTER UPDATE ON outbox_message FOR EACH ROW
               WHEN (OLD.status <> 'claimed' AND NEW.status = 'claimed') EXECUTE FUNCTION log_claim()"""],
    "sqlite": [
        "CREATE TABLE claim_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, row_id INTEGER, lane INTEGER, claimed_by TEXT)",
        """CREATE TRIGGER log_claim AFTER UPDATE ON outbox_message
               WHEN OLD.status <> 'claimed' AND NEW.status = 'claimed'
               BEGIN INSERT INTO claim_log (row_id, lane, claimed_by) VALUES (NEW.id, NEW.lane, NEW.claimed_by); END"""],
}
_NO_CLAIM_LOG = {
    "postgresql": ["DROP TRIGGER IF EXISTS log_claim ON outbox_message", "DROP FUNCTION IF EXISTS log_claim()",
                   "DROP TABLE IF EXISTS claim_log"],
    "sqlite": ["DROP TRIGGER IF EXISTS log_claim", "DROP TABLE IF EXISTS claim_log"],
}


def claim_log(trt, statements) -> None:
    with trt.engine.begin() as conn:
        for statement in statements[trt.engine.dialect.name]:
            conn.exec_driver_sql(statement)


def written_while_no_claim_runs(trt, write) -> tuple[list[int], tuple[int, set[int]]]:
    """Run `write(session)` (it writes residents' rows, returns their ids) in a transaction during
    which no claim is under way — PostgreSQL: the outbox locked against writers, so the claims in
    progress finish first and the next ones begin after the commit; SQLite: BEGIN IMMEDIATE already
    serialises them. Returns the ids, and the last claim logged and the broadcast rows still
    unclaimed at the commit (a row may have been claimed and handed back before).

    The rows are made due a minute ago: a claim judges what is due at the `now` it read as it
    began, and one that read it a moment before the reply was written sees the reply only at its
    next claim. Here every claim after the commit sees the reply as due."""
    with trt.sessions.begin() as s:
        if trt.engine.dialect.name == "postgresql":
            s.execute(text("LOCK TABLE outbox_message IN EXCLUSIVE MODE"))
        ids = write(s)
        s.flush()
        s.execute(OutboxMessage.__table__.update().where(OutboxMessage.id.in_(ids),
                                                         OutboxMessage.status == OutboxStatus.PENDING)
                  .values(next_attempt_at=datetime.now(UTC) - timedelta(minutes=1)))
        unclaimed = set(s.scalars(select(OutboxMessage.id).where(OutboxMessage.lane == int(Lane.BULK),
                                                                 OutboxMessage.status == OutboxStatus.PENDING)))
        logged = s.scalar(text("SELECT coalesce(max(seq), 0) FROM claim_log"))
    return ids, (logged, unclaimed)


def claimed_before(trt, reply_id: int, written: tuple[int, set[int]], *, but_by: int) -> list[tuple[int, str]]:
    """Broadcast rows still unclaimed when the reply was written (`written`: the last claim logged
    then, and those rows) that were claimed after that and before the reply, except by the process
    `but_by` (the tick: its --now is hours behind, so a reply written now is not due in its eyes)."""
    logged, unclaimed = written
    with trt.engine.connect() as conn:
        log = conn.execute(text("SELECT seq, row_id, claimed_by FROM claim_log ORDER BY seq")).all()
    reply_claims = [seq for seq, row, _by in log if row == reply_id]
    assert reply_claims, f"reply {reply_id} was never claimed"
    if reply_claims[0] <= logged:
        return []  # already claimed when the test looked (the webhook's reply, taken at once)
    return [(row, by) for seq, row, by in log
            if logged < seq < reply_claims[0] and row in unclaimed and f":{but_by}:" not in by]


REPLIES = 4  # written one by one while the broadcast drains, each to a resident of its own


def broadcast_due_at_the_late_tick(trt, recipients: int = RECIPIENTS) -> tuple[datetime, datetime]:
    """A broadcast to `recipients` residents of Gempol, planned by the late tick's clock (due at the simulated
    now, HOURS_OFF before the real time, so the tick sends too); quiet hours off. Returns (real, simulated)."""
    real = datetime.now(UTC)
    simulated = real - timedelta(hours=HOURS_OFF)
    trt.settings = trt.settings.with_overrides(quiet_hours="00:00-00:00")
    with trt.sessions.begin() as s:
        visit_id = add_visit(s, "Gempol", real.astimezone(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=10))
        add_residents(s, "Gempol", recipients, last_inbound_at=real - timedelta(hours=1))
        assert plan_broadcast(s, trt, visit_id, "h1", simulated, real + timedelta(days=2), simulated).recipients \
            == recipients
    return real, simulated


def test_two_workers_and_a_tick_hours_off_share_one_rate_and_send_each_once(trt, fake_twilio, database_url,
                                                                             tmp_path):
    real, simulated = broadcast_due_at_the_late_tick(trt)
    with trt.sessions.begin() as s:
        residents = add_residents(s, "Bangil", REPLIES + 1, start=9_000, last_inbound_at=real - timedelta(minutes=5))

    claim_log(trt, _CLAIM_LOG)
    worker_args = ["send-worker", "--lease", "6", "--http-timeout", "1", "--idle", "0.2"]
    workers = [spawn(worker_args, database_url, fake_twilio, tmp_path / f"w{i}.log") for i in range(2)]
    tick = spawn(["tick", "--now", simulated.isoformat()], database_url, fake_twilio, tmp_path / "tick.log")
    written: list[tuple[int, tuple[int, set[int]]]] = []
    try:
        # A petugas answers a resident, then residents get replies, while the broadcast drains.
        for i, (kind, body) in enumerate([("relay", "Petugas: berkas Anda sudah kami terima.")]
                                         + [("reply", f"Jadwal Kenduren Mas di Bangil, balasan {n}.")
                                            for n in range(REPLIES)]):
            wait_for(lambda: len(fake_twilio.messages) >= 60 + 40 * i, 60, "the broadcast to be under way")
            [row], unclaimed = written_while_no_claim_runs(trt, lambda s, i=i, kind=kind, body=body: [enqueue(
                s, kind=kind, channel="whatsapp", to_phone=phone(9_000 + i), resident_id=residents[i], body=body).id])
            assert len(unclaimed[1]) > RECIPIENTS // 4  # written while much of the broadcast was still to claim
            written.append((row, unclaimed))
        wait_for(lambda: unfinished(trt) == 0, 120, "the broadcast and the replies to be sent")
        assert tick.wait(timeout=60) == 0, (tmp_path / "tick.log").read_text()
        # The replies overtook the broadcast: no broadcast row still unclaimed when a reply was
        # written was claimed before it by a send-worker.
        for row, unclaimed in written:
            assert claimed_before(trt, row, unclaimed, but_by=tick.pid) == [], row
    finally:
        for w in workers:
            stop(w)
        stop(tick)
        claim_log(trt, _NO_CLAIM_LOG)

    assert_each_row_sent_exactly_once(trt, fake_twilio)
    assert len(fake_twilio.messages) == RECIPIENTS + REPLIES + 1
    # The senders ran at SENDER_NICE (default 0: they carry every reply), as they said.
    for i in range(2):
        assert "prioritas CPU nice 0." in (tmp_path / f"w{i}.log").read_text()

    with trt.sessions() as s:
        senders = dict(s.execute(select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)).all())
    assert len(senders) == 3, senders  # both workers and the tick really sent

    arrivals = [m.at for m in fake_twilio.messages]
    assert most_in_any_window(arrivals, WINDOW) <= RATE * WINDOW, most_in_any_window(arrivals, WINDOW)
    for i in range(REPLIES + 1):
        assert len(fake_twilio.sent_to(phone(9_000 + i))) == 1


# The test below: its broadcast drains for REPLY_RECIPIENTS ÷ REPLY_RATE = 10 s (400 took 20 s, for no
# more proof): the first reply is written once 40 are sent, when ≥ 115 of the 200 are still to claim
# (three senders' claims in flight hold at most 3 × 15 rows at this rate and lease).
REPLY_RATE = 20
REPLY_RECIPIENTS = 200
REPLY_PHONES = 12


@pytest.mark.slow
def test_replies_written_by_the_webhook_during_the_drain_overtake_the_broadcast(trt, fake_twilio, tmp_path):
    """Replies over REST: the signed webhook writes them to the outbox (residents' lane) while two
    send-workers and a late tick drain a broadcast at the account's rate. Each message's first
    reply is claimed before every broadcast row still unclaimed once the webhook had answered (the
    senders learn of it by NOTIFY on PostgreSQL, by their looks on SQLite), and all go out in
    order per resident and exactly once."""
    real, simulated = broadcast_due_at_the_late_tick(trt, REPLY_RECIPIENTS)
    app = create_app(asdict(signed_settings(trt.settings)))
    url = trt.settings.database_url
    env = {"SEND_RATE_PER_SECOND": str(REPLY_RATE)}
    claim_log(trt, _CLAIM_LOG)
    worker_args = ["send-worker", "--lease", "6", "--http-timeout", "1", "--idle", "0.2"]
    workers = [spawn(worker_args, url, fake_twilio, tmp_path / f"w{i}.log", env) for i in range(2)]
    tick = spawn(["tick", "--now", simulated.isoformat()], url, fake_twilio, tmp_path / "tick.log", env)
    first_replies: list[tuple[int, tuple[int, set[int]]]] = []
    try:
        wait_for(lambda: len(fake_twilio.messages) >= 40, 60, "the broadcast to be under way")
        # Residents write while it drains (Indonesian, Javanese, Madurese; typos and all).
        lines = ("halo", "kpn kenduren mas nang gempol?", "mau daftar ktp", "assalamualaikum pak",
                 "nyuwun sewu, jadwal e kapan?", "syarat akta kelahiran apa saja", "menu", "kaule tanya jadwal")
        for n in range(REPLY_PHONES):
            number = f"+62857{n:07d}"
            Phone(app.test_client(), number, None).send(lines[n % len(lines)])

            def unsent(s, number=number) -> list[int]:  # the webhook answered: its reply rows are committed
                return list(s.scalars(select(OutboxMessage.id).where(
                    OutboxMessage.to_phone == number, OutboxMessage.lane == int(Lane.RESIDENT),
                    OutboxMessage.twilio_sid.is_(None)).order_by(OutboxMessage.id)))

            ids, unclaimed = written_while_no_claim_runs(trt, unsent)
            if ids:  # the first is claimable (the others wait for it: order per resident)
                first_replies.append((ids[0], unclaimed))
        wait_for(lambda: unfinished(trt) == 0, 180, "the broadcast and the replies to be sent")
        assert tick.wait(timeout=60) == 0, (tmp_path / "tick.log").read_text()
        assert first_replies
        for row, unclaimed in first_replies:
            assert claimed_before(trt, row, unclaimed, but_by=tick.pid) == [], row
        assert any(len(unclaimed[1]) > REPLY_RECIPIENTS // 4 for _row, unclaimed in first_replies)  # during the drain
    finally:
        for w in workers:
            stop(w)
        stop(tick)
        claim_log(trt, _NO_CLAIM_LOG)
        app.extensions["kenduren"].dispose()

    with trt.sessions() as s:  # exactly once, by the fake's own record (questions go as content)
        held = list(s.scalars(select(OutboxMessage.twilio_sid)))
    assert None not in held and sorted(held) == sorted(m.sid for m in fake_twilio.messages)
    with trt.sessions() as s:
        replies = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply").order_by(OutboxMessage.id)))
    assert len(replies) >= REPLY_PHONES
    for n in range(REPLY_PHONES):
        number = f"+62857{n:07d}"
        mine = [r.twilio_sid for r in replies if r.to_phone == number]
        assert mine and [m.sid for m in fake_twilio.sent_to(number)] == mine  # in the order written
