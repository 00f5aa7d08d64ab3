"""One sender, profiled: where a reply's time goes while a broadcast drains (issue #28).

    .venv/bin/python bench/sender_profile.py [--recipients 3000] [--rate 100] [--replies 20]
        [--reply-seconds 10] [--cprofile]

A fresh PostgreSQL database (dropped afterwards), the fake Twilio in a process of its own, and one
`OutboxDrain` serving in this process (as `scheduler send-worker` does) while a broadcast of
`--recipients` rows drains and another thread writes `--replies` reply rows per second for
`--reply-seconds` (each in a transaction of its own, as the webhook does, in another process's
place: no bell is rung, so the sender learns of them as it would of another process's). Prints:

- per lane: round trips to the database per message sent (statements, BEGIN, COMMIT, new
  connections, counted by SQLAlchemy's events), this process's CPU per message;
- replies: commit → claimed, commit → handed to the fake Twilio (p50/p95/max);
- with --cprofile: the top functions by cumulative time (all threads).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, select, text  # noqa: E402

import webhook as wh  # noqa: E402
from storm import pct, seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--replies", type=float, default=20.0, help="reply rows written per second")
    parser.add_argument("--reply-seconds", type=float, default=10.0)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()

    from core.runtime import Runtime
    from core.settings import Settings
    from handlers.outbox import enqueue
    from scheduler.sender import OutboxDrain
    from storage.models import OutboxMessage

    url = wh.create_pg_database()
    tmp = Path(tempfile.mkdtemp(prefix="sender-profile-"))
    fake = None
    rt = None
    print(f"load average {os.getloadavg()[0]:.1f}; database {url.rsplit('/', 1)[-1]} (dropped afterwards)")
    try:
        wh.initialise_database(url)
        dump = tmp / "fake.jsonl"
        fake = subprocess.Popen([sys.executable, "-m", "tests.fake_twilio", "--account-sid", wh.ACCOUNT_SID,
                                 "--auth-token", wh.AUTH_TOKEN, "--dump", str(dump)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        fake_url = fake.stdout.readline().strip()
        settings = Settings.from_env(environ={}, database_url=url, log_level="WARNING", quiet_hours="00:00-00:00",
                                     twilio_account_sid=wh.ACCOUNT_SID, twilio_auth_token=wh.AUTH_TOKEN,
                                     twilio_whatsapp_from="whatsapp:+6281100000000", twilio_api_base_url=fake_url,
                                     send_rate_per_second=args.rate)
        rt = Runtime(settings)
        now = datetime.now(UTC)
        planned = seed(rt, args.recipients, 0, now - timedelta(minutes=1))
        print(f"broadcast of {planned} rows planned; rate {args.rate:g}/s; replies {args.replies:g}/s for "
              f"{args.reply_seconds:g} s")

        counts: Counter = Counter()

        def lane() -> str:
            name = threading.current_thread().name
            return "resident" if "resident" in name else "bulk" if name.startswith("outbox") else "other"

        @event.listens_for(rt.engine, "before_cursor_execute")
        def _stmt(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
            counts[(lane(), "statement")] += 1

        @event.listens_for(rt.engine, "begin")
        def _begin(conn):  # noqa: ANN001
            counts[(lane(), "begin")] += 1

        @event.listens_for(rt.engine, "commit")
        def _commit(conn):  # noqa: ANN001
            counts[(lane(), "commit")] += 1

        @event.listens_for(rt.engine, "rollback")
        def _rollback(conn):  # noqa: ANN001
            counts[(lane(), "rollback")] += 1

        @event.listens_for(rt.engine.pool, "connect")
        def _connect(dbapi, record):  # noqa: ANN001
            counts[(lane(), "connect")] += 1

        writer = Runtime(settings)  # the replies' writer: a pool of its own, like another process
        written: dict[int, float] = {}
        stop = threading.Event()

        def write_replies() -> None:
            n, every = 0, 1.0 / args.replies
            start = time.monotonic()
            while n < args.replies * args.reply_seconds and not stop.is_set():
                with writer.sessions.begin() as s:
                    row = enqueue(s, kind="reply", channel="whatsapp", to_phone=f"+62857{n:07d}",
                                  body=f"Balasan nomor {n}")
                    rid = row.id
                written[rid] = time.monotonic()
                n += 1
                time.sleep(max(0.0, start + n * every - time.monotonic()))

        drain = OutboxDrain(rt)
        profiles: list[cProfile.Profile] = []
        if args.cprofile:  # every thread the sender starts runs under a profiler of its own
            run = threading.Thread.run

            def profiled(self) -> None:
                if self.name.startswith("outbox"):
                    profile = cProfile.Profile()
                    profiles.append(profile)
                    profile.runcall(run, self)
                else:
                    run(self)

            threading.Thread.run = profiled
        cpu0, t0 = os.times(), time.monotonic()
        server = threading.Thread(target=drain.serve, args=(stop,), kwargs={"idle": 0.2}, daemon=True)
        server.start()
        time.sleep(1.0)  # the broadcast under way
        replies = threading.Thread(target=write_replies, daemon=True)
        replies.start()
        while True:
            with rt.engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'claimed')")).scalar()
            if not left and not replies.is_alive():
                break
            time.sleep(0.5)
        stop.set()
        server.join()
        cpu1, elapsed = os.times(), time.monotonic() - t0
        writer.dispose()
        fake.send_signal(signal.SIGTERM)
        fake.wait(60)
        sent = [json.loads(line) for line in dump.read_text().splitlines()]
        at_fake = {m["to"].removeprefix("whatsapp:"): m["at"] for m in sent}
        with rt.sessions() as s:
            rows = s.execute(select(OutboxMessage.id, OutboxMessage.lane, OutboxMessage.to_phone)).all()
        by_lane = Counter("resident" if r.lane == 0 else "bulk" for r in rows)
        handed = [at_fake[r.to_phone] - written[r.id] for r in rows if r.id in written and r.to_phone in at_fake]
        cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
        print(f"sent {len(sent)} in {elapsed:.1f} s ({by_lane['bulk']} broadcast, {by_lane['resident']} replies); "
              f"this process's CPU {cpu:.1f} s = {cpu / max(1, len(sent)) * 1000:.1f} ms per message; "
              f"load average {os.getloadavg()[0]:.1f}")
        for name in ("bulk", "resident"):
            n = max(1, by_lane[name])
            parts = ", ".join(f"{kind} {counts[(name, kind)] / n:.2f}"
                              for kind in ("statement", "begin", "commit", "rollback", "connect"))
            print(f"  {name:>8} per message sent: {parts}")
        other = ", ".join(f"{kind} {counts[('other', kind)]}" for kind in ("statement", "begin", "commit", "connect"))
        print(f"  other threads in all: {other}")
        print(f"  replies committed → handed to the fake: p50 {pct(handed, 50) * 1000:.0f} ms, "
              f"p95 {pct(handed, 95) * 1000:.0f} ms, max {max(handed, default=float('nan')) * 1000:.0f} ms "
              f"({len(handed)} of {len(written)})")
        if profiles:
            out = io.StringIO()
            stats = pstats.Stats(profiles[0], stream=out)
            for profile in profiles[1:]:
                stats.add(profile)
            stats.sort_stats("tottime").print_stats(30)
            print(out.getvalue())
    finally:
        if fake is not None and fake.poll() is None:
            fake.kill()
        if rt is not None:
            rt.dispose()
        wh.drop_pg_database(url)


if __name__ == "__main__":
    main()
