"""Benchmark: planning a reminder for 100,000 subscribers, and the sender's pace against the fake.

    .venv/bin/python bench/broadcast.py [--residents 100000] [--seconds 20] [--rates 50,200,400]
    .venv/bin/python bench/broadcast.py --storm [--recipients 20000] [--rate 300] [--inbound 40]

--storm: two send-workers and a late tick drain a 20,000-row reminder while residents write to
two web instances and relays go out (bench/storm.py says what it measures).

Creates its own PostgreSQL database (TEST_POSTGRES_URL's server) and drops it afterwards.
Goals: planning ≤ 10 s and ≤ 200 MB; sending within 5 % of the configured rate in every 10-second
window (sliding, 1 s step, over the whole run), never above it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

from core.runtime import Runtime  # noqa: E402
from core.settings import PROJECT_DIR, Settings  # noqa: E402
from handlers.broadcasts import plan_broadcast  # noqa: E402
from storage.loader import load_reference_data  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Kecamatan, Opd, Visit  # noqa: E402
from tests import dbs  # noqa: E402
from tests.fake_twilio import FakeTwilio  # noqa: E402

VISIT_DAY = date(2027, 1, 13)
WORKER = ("from bot.cli.scheduler_cmd import scheduler; "
          "scheduler(['send-worker', '--once'], prog_name='send-worker')")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def add_visit(rt: Runtime, kecamatan: str, day: date) -> tuple[int, int]:
    from datetime import time as t

    with rt.sessions.begin() as s:
        k = s.scalar(select(Kecamatan).where(Kecamatan.nama == kecamatan))
        v = Visit(tanggal=day, mulai=t(8), selesai=t(13), kecamatan_id=k.id, lokasi=f"Kantor Kecamatan {kecamatan}",
                  status="planned", opd=list(s.scalars(select(Opd))))
        s.add(v)
        s.flush()
        return v.id, k.id


def add_residents(rt: Runtime, kecamatan_id: int, count: int, first: int) -> None:
    """Set-based: the bench measures planning, not seeding."""
    with rt.engine.begin() as conn:
        conn.execute(text("""
            WITH r AS (
                INSERT INTO resident (phone, channel, name_confirmed, role, subscribed_at, last_inbound_at, created_at,
                                      flood_count)
                SELECT '+62812' || lpad((:first + g)::text, 8, '0'), 'whatsapp', false, 'warga', now(), now(), now(), 0
                FROM generate_series(1, :n) g RETURNING id)
            INSERT INTO subscription (resident_id, kecamatan_id, created_at) SELECT id, :k, now() FROM r"""),
            {"first": first, "k": kecamatan_id, "n": count})


def bench_planning(rt: Runtime, residents: int) -> None:
    visit_id, kecamatan_id = add_visit(rt, "Gempol", VISIT_DAY)
    add_residents(rt, kecamatan_id, residents, 0)
    now = datetime.now(UTC)
    rss_before = rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    with rt.sessions.begin() as s:
        planned = plan_broadcast(s, rt, visit_id, "h1", now, now + timedelta(days=1), now)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"planning: {planned.recipients} outbox rows in {elapsed:.2f} s; Python heap peak {peak / 2**20:.1f} MB; "
          f"process max RSS {rss_mb():.0f} MB (before planning {rss_before:.0f} MB)")
    with rt.engine.begin() as conn:  # make room for the send runs
        conn.execute(text("DELETE FROM outbox_message"))
    # The DELETE above is this bench's own doing: vacuum it away so the send runs below do not
    # measure 100,000 dead index entries that no real outbox would have all at once.
    with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE outbox_message"))


def windows(arrivals: list[float], rate: float, width: float = 10.0) -> list[float]:
    """Messages per second in every `width`-second window, sliding by 1 s."""
    if not arrivals:
        return []
    t0, t_end = arrivals[0], arrivals[-1]
    result, k = [], 0
    arrivals = sorted(arrivals)
    while t0 + k + width <= t_end + 1e-9:
        lo, hi = t0 + k, t0 + k + width
        result.append(sum(1 for a in arrivals if lo <= a < hi) / width)
        k += 1
    return result


def bench_rate(base: Settings, database_url: str, rate: float, seconds: float, kecamatan: str, first: int) -> None:
    fake = FakeTwilio()
    try:
        settings = base.with_overrides(
            database_url=database_url, twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
            twilio_whatsapp_from="whatsapp:+6281100000000", twilio_api_base_url=fake.base_url,
            send_rate_per_second=rate, quiet_hours="00:00-00:00")
        rt = Runtime(settings)
        count = int(rate * seconds)
        visit_id, kecamatan_id = add_visit(rt, kecamatan, VISIT_DAY)
        add_residents(rt, kecamatan_id, count, first)
        now = datetime.now(UTC)
        with rt.sessions.begin() as s:
            plan_broadcast(s, rt, visit_id, "h1", now, now + timedelta(days=1), now)
        # The sender runs as its own process (as in production), so the fake's threads in this
        # process do not compete with it for the GIL.
        env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "DATABASE_URL": database_url,
               "TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token,
               "TWILIO_WHATSAPP_FROM": "whatsapp:+6281100000000", "TWILIO_API_BASE_URL": fake.base_url,
               "SEND_RATE_PER_SECOND": str(rate), "QUIET_HOURS": "00:00-00:00", "LOG_LEVEL": "WARNING"}
        started = time.monotonic()
        worker = subprocess.run([sys.executable, "-c", WORKER], cwd=PROJECT_DIR, env=env, capture_output=True,
                                text=True, timeout=seconds * 5 + 60)
        elapsed = time.monotonic() - started
        threads = next((line.split(",")[-1].strip().rstrip(".") for line in worker.stderr.splitlines() if "thread" in line), "?")
        counts = {"sent": len(fake.messages)}
        arrivals = [m.at for m in fake.messages]
        span = max(arrivals) - min(arrivals)
        per_window = windows(arrivals, rate)
        low, high = min(per_window), max(per_window)
        print(f"rate {rate:>5g}/s ({threads}): {counts.get('sent', 0)} sent in {elapsed:.1f} s "
              f"(overall {(len(arrivals) - 1) / span:.1f}/s); {len(per_window)} sliding 10 s windows: "
              f"min {low:.1f}/s ({(low / rate - 1) * 100:+.1f} %), max {high:.1f}/s ({(high / rate - 1) * 100:+.1f} %)"
              f" → {'OK' if high <= rate and low >= rate * 0.95 else 'OUT OF BOUNDS'}")
        rt.dispose()
    finally:
        fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each send run")
    parser.add_argument("--rates", default="50,200,400")
    parser.add_argument("--storm", action="store_true", help="the storm of bench/storm.py instead")
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=300.0, help="SEND_RATE_PER_SECOND of the storm")
    parser.add_argument("--inbound", type=float, default=40.0, help="inbound msg/s during the storm")
    parser.add_argument("--inbound-seconds", type=float, default=20.0)
    parser.add_argument("--hours-off", type=float, default=2.0, help="how far the tick's --now is from real time")
    parser.add_argument("--timeout", type=float, default=400.0, help="bound on the storm's drain (s)")
    parser.add_argument("--nice", type=int, default=0, help="lower the storm's senders by this much more (beyond SENDER_NICE)")
    parser.add_argument("--interleave-seconds", type=float, default=40.0,
                        help="after 'during': inbound with the senders frozen every other --slice s (0: skip)")
    parser.add_argument("--slice", type=float, default=4.0)
    parser.add_argument("--settle", type=float, default=60.0,
                        help="at the end, how long the processor and then the senders may finish what waits (s)")
    parser.add_argument("--fake-nice", type=int, default=10,
                        help="the fake Twilio's nice level (it stands for a service off the bot's host)")
    args = parser.parse_args()
    if args.storm:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from storm import run_storm

        dbs.require_postgres = lambda: None  # noqa: E731
        run_storm(args)
        return
    dbs.require_postgres = lambda: None  # noqa: E731  (here an unreachable server is an error, not a skip)
    url = dbs.create_postgres_database()
    print(f"database: {url.rsplit('/', 1)[-1]} (dropped afterwards)")
    try:
        base = Settings.from_env(environ={})
        rt = Runtime(base.with_overrides(database_url=url))
        upgrade(rt.engine)
        with rt.sessions.begin() as s:
            load_reference_data(s)
        bench_planning(rt, args.residents)
        rt.dispose()
        for i, (rate, kec) in enumerate(zip((float(r) for r in args.rates.split(",")), ("Bangil", "Pandaan", "Beji", "Prigen"))):
            bench_rate(base, url, rate, args.seconds, kec, 10_000_000 * (i + 1))
    finally:
        dbs.drop_postgres_database(url)


if __name__ == "__main__":
    main()
