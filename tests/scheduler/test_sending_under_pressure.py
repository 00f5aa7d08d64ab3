"""Sending under pressure, with real processes: two send-workers and a `scheduler tick` whose
--now is hours away from the real time drain one broadcast while a resident's reply comes in.

- 0 duplicated, 0 missed (the fake Twilio's own record): leases run on the database's clock, so
  the tick's simulated now never makes a live worker's lease look expired (it did: 532 of 1,200
  residents got a reminder twice);
- the account's rate holds in every 3-second window across all three senders (counted by the
  fake): they share one pace in the database. Paced separately they would send about 3× the rate,
  so the bound below has room for a loaded machine's jitter and still catches that;
- the reply is handed to Twilio ahead of the broadcast (ordering, not a stopwatch: the broadcast
  is still far from done when it arrives); its latency is measured in bench/broadcast.py.
"""

from __future__ import annotations

import bisect
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.settings import PROJECT_DIR
from handlers.outbox import enqueue
from scheduler.reminders import plan_broadcast
from storage.models import OutboxMessage
from tests.scheduler.conftest import BOT_NUMBER, add_residents, add_visit, phone
from tests.scheduler.test_exactly_once import (assert_each_row_sent_exactly_once, stop, unfinished, wait_for)

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


def spawn(args: list[str], database_url: str, fake, log_path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen([sys.executable, "-m", "bot", "scheduler", *args], cwd=PROJECT_DIR,
                                env=env_for(database_url, fake), stdout=log, stderr=subprocess.STDOUT)


def most_in_any_window(times: list[float], width: float) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + width) - i for i, t in enumerate(times))


def test_two_workers_and_a_tick_hours_off_share_one_rate_and_send_each_once(trt, fake_twilio, database_url,
                                                                             tmp_path):
    real = datetime.now(UTC)
    simulated = real - timedelta(hours=HOURS_OFF)
    trt.settings = trt.settings.with_overrides(quiet_hours="00:00-00:00")
    with trt.sessions.begin() as s:
        visit_id = add_visit(s, "Gempol", real.astimezone(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=10))
        add_residents(s, "Gempol", RECIPIENTS, last_inbound_at=real - timedelta(hours=1))
        # Planned by the late tick's clock: due at the simulated now, so the tick sends too.
        assert plan_broadcast(s, trt, visit_id, "h1", simulated, real + timedelta(days=2), simulated).recipients \
            == RECIPIENTS
        [resident] = add_residents(s, "Bangil", 1, start=9_000, last_inbound_at=real - timedelta(minutes=5))

    worker_args = ["send-worker", "--lease", "6", "--http-timeout", "1", "--idle", "0.2"]
    workers = [spawn(worker_args, database_url, fake_twilio, tmp_path / f"w{i}.log") for i in range(2)]
    tick = spawn(["tick", "--now", simulated.isoformat()], database_url, fake_twilio, tmp_path / "tick.log")
    try:
        wait_for(lambda: len(fake_twilio.messages) >= 60, 60, "the broadcast to be under way")
        with trt.sessions.begin() as s:  # a petugas answers a resident while the broadcast drains
            enqueue(s, kind="relay", channel="whatsapp", to_phone=phone(9_000), resident_id=resident,
                    body="Petugas: berkas Anda sudah kami terima.")
        sent_before_reply = len(fake_twilio.messages)
        wait_for(lambda: unfinished(trt) == 0, 120, "the broadcast and the reply to be sent")
        assert tick.wait(timeout=60) == 0, (tmp_path / "tick.log").read_text()
    finally:
        for w in workers:
            stop(w)
        stop(tick)

    assert_each_row_sent_exactly_once(trt, fake_twilio)
    assert len(fake_twilio.messages) == RECIPIENTS + 1
    # The senders ran below the web's CPU priority (SENDER_NICE, default 10), as they said.
    for i in range(2):
        assert "prioritas CPU nice 10." in (tmp_path / f"w{i}.log").read_text()

    with trt.sessions() as s:
        senders = dict(s.execute(select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)).all())
    assert len(senders) == 3, senders  # both workers and the tick really sent

    arrivals = [m.at for m in fake_twilio.messages]
    assert most_in_any_window(arrivals, WINDOW) <= RATE * WINDOW, most_in_any_window(arrivals, WINDOW)

    [reply] = fake_twilio.sent_to(phone(9_000))
    order = [m.sid for m in fake_twilio.messages].index(reply.sid)
    # Handed over ahead of the broadcast: when it reached Twilio, most of the broadcast was
    # still to go (queued behind it, it would have been the last message).
    assert order - sent_before_reply < 0.25 * (RECIPIENTS - sent_before_reply), (order, sent_before_reply)
