"""The storm: a reminder to ≥ 20,000 residents drained by two send-workers and a late tick, while
residents write to two web instances and petugas relays wait to go out (issue #28).

    .venv/bin/python bench/broadcast.py --storm [--recipients 20000] [--rate 300] [--inbound 40]
        [--inbound-seconds 20] [--hours-off 2] [--timeout 400]

Creates its own PostgreSQL database (dropped afterwards), a fake Twilio in a process of its own
(tests/fake_twilio.py), two gunicorn instances of `bot:create_app()` (1 worker × 4 threads each),
and measures, in one run:

- webhook latency without senders: `--inbound` msg/s (half to each instance) for
  `--inbound-seconds`, p50/p99 (open loop, bench/webhook.py's client);
- the storm: `--recipients` rows planned at `--hours-off` hours before the real time, drained by
  two `scheduler send-worker`s and a `scheduler tick --now <that time>`; meanwhile the same
  inbound load again (p50/p99 "during"), and a petugas relay enqueued every 0.5 s to a resident of
  its own (the residents' lane): the time from its commit to its arrival at the fake Twilio;
- interleaved (`--interleave-seconds`, after "during"): the same inbound load while the senders
  and the fake are frozen (SIGSTOP) every other `--slice` seconds: p99 with senders running
  against p99 with them frozen, second by second in the same minute. On a machine shared with
  other people's work, that is the fair "with and without"; the phases before and after drift
  with everyone else's load (the cores line of each phase shows how much);
- the same inbound load once more after the drain (workers idle);
- afterwards, from the fake's own record: duplicates, missed, the most sent in any 1-, 3- and
  10-second window against SEND_RATE_PER_SECOND, the drain's overall rate, reply latency
  p50/p95/max, the tick's exit status.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, select, text  # noqa: E402

import webhook as wh  # noqa: E402  (bench/webhook.py: the signed-message client and gunicorn runner)
from core.runtime import Runtime  # noqa: E402
from core.settings import Settings  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus  # noqa: E402

VISIT_DAY_OFFSET = 10
PROBE_EVERY = 0.5
PROBE_FIRST = 90_000_000


def pct(values: list[float], p: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    return data[min(len(data) - 1, max(0, int(round(p / 100 * len(data) + 0.5)) - 1))]


def most_in_window(times: list[float], width: float) -> int:
    import bisect

    times = sorted(times)
    return max((bisect.bisect_left(times, t + width) - i for i, t in enumerate(times)), default=0)


class Phase:
    """Cores used during one inbound phase, by group: the two web instances, the senders (two
    workers and the tick), the fake Twilio, the bench database's PostgreSQL backends, this client,
    and everything else on the machine (the other engineers' work: the noise)."""

    def __init__(self, servers, senders, fake, database: str, processor=None):
        self.servers, self.senders, self.fake, self.database = servers, senders, fake, database
        self.processor = processor  # the Procfile's processor: its own column, not "other"

    def _sample(self):
        t = os.times()
        return (time.perf_counter(), sum(s.cpu() for s in self.servers),
                sum(wh._proc_cpu(p.pid) for p in self.senders()), wh._proc_cpu(self.fake.pid),
                wh._pg_backends_cpu(self.database), t.user + t.system, wh._machine_busy(),
                wh._proc_cpu(self.processor.pid) if self.processor is not None else 0.0)

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        wall, web, send, fake, db, me, machine, proc = (b - a for a, b in zip(self.start, self._sample()))
        self.cores = {"web": web / wall, "processor": proc / wall, "senders": send / wall, "fake": fake / wall,
                      "db": db / wall, "client": me / wall,
                      "other": max(0.0, machine - web - proc - send - fake - db - me) / wall}
        return False

    def line(self) -> str:
        return " ".join(f"{k} {v:.2f}" for k, v in self.cores.items())


def slowest(results, t0: float, n: int = 5) -> str:
    pairs = sorted(((lat, at) for r in results for lat, at in zip(r.latencies, r.sent_at)), reverse=True)[:n]
    return ", ".join(f"{lat * 1000:.0f} ms at +{at - t0:.1f} s" for lat, at in pairs)


def interleaved(servers, messages, rate: float, seconds: float, slice_: float, frozen_pids) -> tuple[list, list]:
    """The inbound load for `seconds`, the senders (and the fake) frozen (SIGSTOP) every other
    `slice_` seconds: latencies of requests sent while they ran, and while they were frozen. Both
    halves share the machine's moment, whatever the rest of the machine does meanwhile."""
    slices: list[tuple[float, float, bool]] = []
    done = threading.Event()

    def toggle() -> None:
        running = True
        while not done.is_set():
            start = time.perf_counter()
            for pid in frozen_pids():
                try:
                    os.kill(pid, signal.SIGCONT if running else signal.SIGSTOP)
                except ProcessLookupError:
                    pass
            done.wait(slice_)
            slices.append((start, time.perf_counter(), running))
            running = not running
        for pid in frozen_pids():
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass

    toggler = threading.Thread(target=toggle, daemon=True)
    toggler.start()
    try:
        results = inbound(servers, messages, rate, seconds, "interleaved")
    finally:
        done.set()
        toggler.join()
    # A request counts for the slice it was sent in, unless sent in that slice's first 0.3 s
    # (the previous state's work may still be in the queues).
    ran, frozen = [], []
    for r in results:
        for lat, at in zip(r.latencies, r.sent_at):
            for start, end, running in slices:
                if start + 0.3 <= at < end:
                    (ran if running else frozen).append(lat)
                    break
    return ran, frozen


def seed(rt: Runtime, recipients: int, probes: int, simulated: datetime) -> int:
    from handlers.broadcasts import plan_broadcast
    from storage.models import Kecamatan, Opd, Visit

    with rt.sessions.begin() as s:
        k = s.scalar(select(Kecamatan).where(Kecamatan.nama == "Gempol"))
        other = s.scalar(select(Kecamatan).where(Kecamatan.nama == "Bangil"))
        from datetime import time as t

        v = Visit(tanggal=date.today() + timedelta(days=VISIT_DAY_OFFSET), mulai=t(8), selesai=t(13),
                  kecamatan_id=k.id, lokasi="Kantor Kecamatan Gempol", status="planned", opd=list(s.scalars(select(Opd))))
        s.add(v)
        s.flush()
        visit_id = v.id
    with rt.engine.begin() as conn:
        for kid, first, n in ((k.id, 0, recipients), (other.id, PROBE_FIRST, probes)):
            conn.execute(text("""
                WITH r AS (
                    INSERT INTO resident (phone, channel, name_confirmed, role, subscribed_at, last_inbound_at,
                                          created_at, flood_count)
                    SELECT '+62813' || lpad((:first + g)::text, 8, '0'), 'whatsapp', false, 'warga', now(), now(),
                           now(), 0
                    FROM generate_series(1, :n) g RETURNING id)
                INSERT INTO subscription (resident_id, kecamatan_id, created_at) SELECT id, :k, now() FROM r"""),
                {"first": first, "k": kid, "n": n})
    with rt.sessions.begin() as s:
        planned = plan_broadcast(s, rt, visit_id, "h1", simulated, datetime.now(UTC) + timedelta(days=2), simulated)
    return planned.recipients


def inbound(servers, messages, rate: float, seconds: float, label: str) -> list:
    results: list = [None] * len(servers)

    def one(i, server):
        results[i] = wh.open_loop(server.port, messages, rate / len(servers), seconds, 8, f"{label}-{i}")

    threads = [threading.Thread(target=one, args=(i, srv)) for i, srv in enumerate(servers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def merged(results) -> tuple[list[float], int, int]:
    lat = [x for r in results for x in r.latencies]
    return lat, sum(r.ok for r in results), sum(r.error_count for r in results)


def waiting_inbound(rt) -> int:
    from handlers.processor import waiting

    with rt.sessions() as s:
        return waiting(s)


def run_storm(args) -> None:
    print("machine: 2 cores shared with six other engineers' work (tests, benches) — figures are noisy "
          "and a floor of what a dedicated host gives")
    print("load average at the start: " + " / ".join(f"{v:.1f}" for v in os.getloadavg()) + " (1 / 5 / 15 min)")
    url = wh.create_pg_database()
    print(f"database: {url.rsplit('/', 1)[-1]} (dropped afterwards)")
    procs: list[subprocess.Popen] = []
    helpers: list[subprocess.Popen] = []  # the processor: not a sender
    servers: list = []
    tmp = Path(tempfile.mkdtemp(prefix="storm-"))
    fake_proc = None
    rt = None
    try:
        wh.initialise_database(url)
        rt = Runtime(Settings.from_env(environ={}, database_url=url, log_level="WARNING", quiet_hours="00:00-00:00"))
        real = datetime.now(UTC)
        simulated = real - timedelta(hours=args.hours_off)
        probes = int(args.timeout / PROBE_EVERY) + 10

        dump = tmp / "fake.jsonl"
        # The fake stands for Twilio, which is not on the bot's host: --fake-nice keeps it from
        # taking the web instances' CPU as the real one never would (0: as any process).
        fake_proc = subprocess.Popen([sys.executable, "-m", "tests.fake_twilio", "--account-sid", wh.ACCOUNT_SID,
                                      "--auth-token", wh.AUTH_TOKEN, "--dump", str(dump)], cwd=ROOT,
                                     stdout=subprocess.PIPE, text=True,
                                     preexec_fn=(lambda: os.nice(args.fake_nice)) if args.fake_nice else None)
        fake_url = fake_proc.stdout.readline().strip()

        env = wh.app_env(url)
        env.update(TWILIO_WHATSAPP_FROM="whatsapp:+6281100000000", TWILIO_API_BASE_URL=fake_url,
                   SEND_RATE_PER_SECOND=str(args.rate), QUIET_HOURS="00:00-00:00", PYTHONPATH=str(ROOT),
                   REMINDER_PLAN="h1:1@16:00")
        servers = [wh.Gunicorn("bot:create_app()", env, 1, 4, tmp, f"web{i}") for i in range(2)]
        for srv in servers:
            srv.wait_healthy(timeout=240)
        # Acknowledge fast (#25): the web instances store, the Procfile's processor answers. It is part of the
        # web side, so it runs in every phase (without it no inbound message would get a reply).
        processor = subprocess.Popen([sys.executable, "-m", "bot", "scheduler", "process-worker"], cwd=ROOT, env=env,
                                     stdout=open(tmp / "processor.log", "w"), stderr=subprocess.STDOUT)
        helpers.append(processor)
        messages = wh.Messages()
        inbound(servers, messages, 10, 2, "warm-up")  # each worker builds its recogniser

        procs_and_tick: list[subprocess.Popen] = []
        database = url.rsplit("/", 1)[-1]
        phase0 = Phase(servers, lambda: procs_and_tick, fake_proc, database, processor)
        with phase0:
            p0_start = time.perf_counter()
            quiet = inbound(servers, messages, args.inbound, args.inbound_seconds, "without")
        lat0, ok0, err0 = merged(quiet)

        started = time.perf_counter()
        total = seed(rt, args.recipients, probes, simulated)
        print(f"planned {total} rows in {time.perf_counter() - started:.1f} s (due at {simulated:%H:%M} UTC, "
              f"{args.hours_off} h before the real time)")
        t0 = time.monotonic()
        log = lambda name: open(tmp / f"{name}.log", "w")  # noqa: E731
        # --nice: the senders at a lower CPU priority than the web instances (one shared host).
        lower = (lambda: os.nice(args.nice)) if args.nice else None  # noqa: E731
        for i in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "bot", "scheduler", "send-worker", "--idle", "0.2"],
                                          cwd=ROOT, env=env, stdout=log(f"worker{i}"), stderr=subprocess.STDOUT,
                                          preexec_fn=lower))
        tick = subprocess.Popen([sys.executable, "-m", "bot", "scheduler", "tick", "--now", simulated.isoformat()],
                                cwd=ROOT, env={**env, "TQDM_DISABLE": "1"}, stdout=log("tick"), stderr=subprocess.STDOUT,
                                preexec_fn=lower)
        procs_and_tick.extend([*procs, tick])

        probe_times: dict[str, float] = {}
        stop_probes = threading.Event()

        # Imported here, not in the prober's thread: importing the outbox (and with it the Twilio
        # client) in a thread of this process held the interpreter for seconds on a busy machine,
        # and every inbound request in flight at the start of "during" looked 1.2-1.4 s slow.
        from handlers.outbox import enqueue
        from storage.models import Resident

        def probe() -> None:
            n = 0
            while not stop_probes.is_set() and n < probes:
                phone = f"+62813{PROBE_FIRST + n + 1:08d}"
                with rt.sessions.begin() as s:
                    rid = s.scalar(select(Resident.id).where(Resident.phone == phone))
                    enqueue(s, kind="relay", channel="whatsapp", to_phone=phone, resident_id=rid,
                            body="Petugas: berkas Anda sudah kami terima, silakan datang jam 09.00.")
                probe_times[phone] = time.monotonic()  # committed
                n += 1
                stop_probes.wait(PROBE_EVERY)

        prober = threading.Thread(target=probe, daemon=True)
        boot_deadline = time.monotonic() + 120
        while time.monotonic() < boot_deadline:  # measure against running senders, not booting ones
            with rt.sessions() as s:
                running = s.scalar(select(func.count(func.distinct(OutboxMessage.claimed_by)))
                                   .where(OutboxMessage.twilio_sid.is_not(None)))
            if running >= 3:
                break
            time.sleep(0.2)
        print(f"all three senders sending {time.monotonic() - t0:.1f} s after they were started")
        prober.start()
        phase1 = Phase(servers, lambda: procs_and_tick, fake_proc, database, processor)
        with phase1:
            p1_start, during_wall = time.perf_counter(), [datetime.now(UTC)]
            during = inbound(servers, messages, args.inbound, args.inbound_seconds, "during")
            during_wall.append(datetime.now(UTC))
        lat1, ok1, err1 = merged(during)
        ran, frozen = [], []
        if args.interleave_seconds:
            paused = time.monotonic()
            ran, frozen = interleaved(servers, messages, args.inbound, args.interleave_seconds, args.slice,
                                      lambda: [p.pid for p in procs_and_tick if p.poll() is None] + [fake_proc.pid])
            frozen_span = (paused, time.monotonic())  # relays of this span waited for frozen senders

        def unfinished() -> int:
            with rt.sessions() as s:
                return s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
                    OutboxMessage.kind != "relay"))

        deadline = t0 + args.timeout
        while unfinished() and time.monotonic() < deadline:
            time.sleep(1)
        stop_probes.set()
        prober.join()
        while time.monotonic() < deadline:
            with rt.sessions() as s:
                left = s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED])))
            if not left:
                break
            time.sleep(0.5)
        drained_in = time.monotonic() - t0
        try:
            tick_status = tick.wait(timeout=60)
        except subprocess.TimeoutExpired:  # still draining at the deadline (a machine too busy)
            tick.send_signal(signal.SIGTERM)
            tick.wait(timeout=30)
            tick_status = "stopped: still draining at --timeout"
        # The same inbound load once more, the broadcast sent (the workers idle): a second
        # "without" in the same run, so that the machine's drift between phases shows.
        phase2 = Phase(servers, lambda: procs_and_tick, fake_proc, database, processor)
        with phase2:
            p2_start = time.perf_counter()
            after = inbound(servers, messages, args.inbound, args.inbound_seconds, "after")
        lat2, ok2, err2 = merged(after)
        # The processor is stopped first, once it has answered what the phases stored, and the senders
        # only once they have sent its replies (bounded by --settle): stopped the other way round, the
        # replies it wrote after the senders stopped counted as "missed".
        settle = time.monotonic() + args.settle
        while waiting_inbound(rt) and time.monotonic() < settle:
            time.sleep(0.2)
        for p in helpers:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
        unanswered = waiting_inbound(rt)
        while time.monotonic() < settle:
            with rt.sessions() as s:
                if not s.scalar(select(func.count()).select_from(OutboxMessage).where(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]))):
                    break
            time.sleep(0.5)
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        fake_proc.send_signal(signal.SIGTERM)
        fake_proc.wait(timeout=60)
        sent = [json.loads(line) for line in dump.read_text().splitlines()]

        with rt.sessions() as s:
            rows = s.execute(select(OutboxMessage.twilio_sid, OutboxMessage.kind, OutboxMessage.status,
                                    OutboxMessage.claimed_by, OutboxMessage.broadcast_id)).all()
        held = {r.twilio_sid for r in rows if r.twilio_sid}
        missed = sum(1 for r in rows if not r.twilio_sid)
        missed_broadcast = sum(1 for r in rows if not r.twilio_sid and r.broadcast_id is not None)
        # The broadcast's messages: to its recipients (+62813…), not the relays. The inbound phones
        # (+62812…) get the webhook's replies once those go out over REST, several each.
        def is_broadcast(m) -> bool:
            return "+62813" in m["to"] and not m["body"].startswith("Petugas")

        per_phone: dict[str, int] = {}
        for m in sent:
            if is_broadcast(m):
                per_phone[m["to"]] = per_phone.get(m["to"], 0) + 1
        unheld = len(sent) - len({m["sid"] for m in sent} & held)  # at Twilio, no row holds its SID
        twice = sum(1 for c in per_phone.values() if c > 1)
        leftover = sum(1 for r in rows if r.status in (OutboxStatus.PENDING, OutboxStatus.CLAIMED))
        broadcast_at = [m["at"] for m in sent if is_broadcast(m)]
        all_at = [m["at"] for m in sent]
        if args.interleave_seconds:  # relays committed while the senders were being frozen: not counted
            probe_times = {k: v for k, v in probe_times.items() if not frozen_span[0] - 5 <= v <= frozen_span[1]}
        replies = [m["at"] - probe_times[m["to"]] for m in sent if m["to"] in probe_times]
        by_sender: dict[str, int] = {}
        for r in rows:
            by_sender[r.claimed_by or "-"] = by_sender.get(r.claimed_by or "-", 0) + 1
        span = max(broadcast_at) - min(broadcast_at) if broadcast_at else 0

        print(f"\nstorm: {args.recipients} recipients + {len(replies)} relays, SEND_RATE_PER_SECOND={args.rate:g}, "
              f"2 send-workers + a tick --now {args.hours_off} h off (bench --nice {args.nice}, fake Twilio at nice {args.fake_nice}); inbound {args.inbound:g} msg/s on 2 web instances")
        print(f"  drained in {drained_in:.1f} s; broadcast at {(len(broadcast_at) - 1) / span if span else 0:.1f}/s overall; "
              f"rows per sender {sorted(by_sender.values(), reverse=True)}; tick exit status {tick_status}")
        outcome = [line for line in (tmp / "tick.log").read_text().splitlines() if line.startswith(("Outbox:", "GAGAL"))]
        print(f"  tick said: {' '.join(outcome) or '(nothing)'}")
        print(f"  duplicates: {twice} residents got the reminder twice; {unheld} messages at Twilio held by no row "
              f"(a sender stopped between send and record leaves these for the lookup at Twilio); "
              f"missed {missed}: {missed_broadcast} of the broadcast, {missed - missed_broadcast} replies and "
              f"relays ({leftover} still pending or claimed when the senders were stopped, after the processor "
              f"and --settle {args.settle:g} s); {unanswered} inbound messages never answered by the processor")
        for width in (3, 10):
            most = most_in_window(all_at, width)
            print(f"  most sent in any {width:>2} s window: {most} (limit {args.rate * width:g}) "
                  f"→ {'OK' if most <= args.rate * width else 'OVER'}")
        print(f"  (any 1 s window, for information: {most_in_window(all_at, 1)}; the pace keeps 7 % headroom, "
              "which over 1 s is 70 ms of jitter)")
        print(f"  relay handed to Twilio after commit: p50 {pct(replies, 50) * 1000:.0f} ms, "
              f"p95 {pct(replies, 95) * 1000:.0f} ms, max {max(replies, default=float('nan')) * 1000:.0f} ms "
              f"({len(replies)} relays) → {'OK' if pct(replies, 95) <= 1.0 else 'OVER 1 s'}")
        buckets: dict[int, list[float]] = {}
        for m in sent:
            if m["to"] in probe_times:
                buckets.setdefault(int((probe_times[m["to"]] - t0) // 10), []).append(m["at"] - probe_times[m["to"]])
        print("  relay latency by 10 s of the run (p50/max ms): " + ", ".join(
            f"{k * 10}s {pct(v, 50) * 1000:.0f}/{max(v) * 1000:.0f}" for k, v in sorted(buckets.items())))
        # Residents' replies, where the webhook writes them to the outbox (REST replies): written
        # during "during" (the broadcast draining), from the row's commit to its SID recorded.
        with rt.sessions() as s:
            written = s.execute(select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
                OutboxMessage.kind == "reply", OutboxMessage.created_at >= during_wall[0],
                OutboxMessage.created_at < during_wall[1])).all()
        if written:
            waits = [(sent_at - created).total_seconds() for created, sent_at in written if sent_at]
            print(f"  replies written during the storm: {len(written)}, sent {len(waits)}; row written → SID "
                  f"recorded p50 {pct(waits, 50) * 1000:.0f} ms, p95 {pct(waits, 95) * 1000:.0f} ms, "
                  f"p99 {pct(waits, 99) * 1000:.0f} ms, max {max(waits, default=float('nan')) * 1000:.0f} ms "
                  f"→ {'OK' if pct(waits, 95) <= 1.0 else 'OVER 1 s'}")
        else:
            print("  replies written during the storm: none (replies go as TwiML)")
        p99_0, p99_1 = pct(lat0, 99) * 1000, pct(lat1, 99) * 1000
        p99_2 = pct(lat2, 99) * 1000
        print(f"  webhook without senders: p50 {pct(lat0, 50) * 1000:.1f} ms, p99 {p99_0:.1f} ms ({ok0} ok, {err0} errors)")
        print(f"  webhook during the storm: p50 {pct(lat1, 50) * 1000:.1f} ms, p99 {p99_1:.1f} ms ({ok1} ok, {err1} errors)"
              f" → ×{p99_1 / p99_0:.2f} {'OK' if p99_1 <= 2 * p99_0 else 'OVER 2×'}")
        print(f"  webhook after the storm (workers idle): p50 {pct(lat2, 50) * 1000:.1f} ms, p99 {p99_2:.1f} ms "
              f"({ok2} ok, {err2} errors); during ÷ after ×{p99_1 / p99_2:.2f}")
        if ran and frozen:
            print(f"  webhook interleaved ({args.interleave_seconds:g} s, senders and fake frozen every other "
                  f"{args.slice:g} s): senders running p50 {pct(ran, 50) * 1000:.1f} / p99 {pct(ran, 99) * 1000:.1f} ms "
                  f"({len(ran)}), frozen p50 {pct(frozen, 50) * 1000:.1f} / p99 {pct(frozen, 99) * 1000:.1f} ms "
                  f"({len(frozen)}) → ×{pct(ran, 99) / pct(frozen, 99):.2f} "
                  f"{'OK' if pct(ran, 99) <= 2 * pct(frozen, 99) else 'OVER 2×'}")
        print("  load average at the end: " + " / ".join(f"{v:.1f}" for v in os.getloadavg()) + " (1 / 5 / 15 min)")
        for name, phase, results, start in (("without", phase0, quiet, p0_start), ("during", phase1, during, p1_start),
                                            ("after", phase2, after, p2_start)):
            print(f"  {name:>7}: cores {phase.line()}")
            print(f"           slowest: {slowest(results, start)}")
    finally:
        for p in [*procs, *helpers]:
            if p.poll() is None:
                p.kill()
        for srv in servers:
            srv.stop()
        if fake_proc is not None and fake_proc.poll() is None:
            fake_proc.kill()
        if rt is not None:
            rt.dispose()
        wh.drop_pg_database(url)
