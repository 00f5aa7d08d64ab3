"""Reply latency over REST: from the webhook's arrival to the reply handed to Twilio (prints figures).

    .venv/bin/python bench/reply_latency.py [--backend postgres|sqlite] [--setups serve,gunicorn]
        [--rate 10] [--duration 20] [--body menu]

The webhook stores a message and acknowledges it; the processor answers it and writes the replies to
the outbox, which a sender hands over REST to Twilio (issue #25). This measures, per message, the time from just before the signed webhook POST
leaves this process to the moment the fake Twilio (its own process, `python -m tests.fake_twilio`)
receives the reply's POST …/Messages.json — "handed to Twilio". Both instants are read on the
machine's monotonic clock, so they compare across processes.

Setups, each on a fresh database (PostgreSQL `kenduren_bench_<random>`, dropped at the end; or a
SQLite file):

- serve      `python -m bot serve` (the embedded default: web app, processor threads, clock and a
             sender in one process; the webhook's commit wakes the processor, whose commit wakes the
             sender)
- gunicorn   the Procfile's processes: `web` (gunicorn, 2 workers × 4 threads), `processor`
             (`python -m bot scheduler process-worker`, woken by PostgreSQL's NOTIFY), `clock`
             (`python -m scheduler`) and `sender` (`python -m bot scheduler send-worker`)

Every message comes from a phone of its own (so each reply is matched to its message by number),
body "menu" by default: the reply is the main menu as a WhatsApp list (ContentSid). A warm-up
message per setup creates the list's Content template first (not counted). Messages are sent at
--rate per second, open loop, for --duration seconds. A reply not handed over within 30 s of the
end counts as missing.

Goal (issue #25): p95 ≤ 1 s under both setups.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twilio.request_validator import RequestValidator  # noqa: E402

# The signed webhook the benches post to: one set of names (bench/webhook.py).
from bench.webhook import ACCOUNT_SID, AUTH_TOKEN, BOT_NUMBER, PATH, PG_ADMIN_URL, PUBLIC_BASE_URL  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fake:
    """The fake Twilio in a process of its own; on stop, what it received (with arrival times)."""

    def __init__(self, tmp: Path):
        self.dump = tmp / "fake-dump.jsonl"
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fake_twilio", "--account-sid", ACCOUNT_SID,
                                      "--auth-token", AUTH_TOKEN, "--dump", str(self.dump)],
                                     cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.base_url = self.proc.stdout.readline().strip()

    def stop(self) -> list[dict]:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        return [json.loads(line) for line in self.dump.read_text().splitlines() if line.strip()]


def env_for(database_url: str, fake: Fake) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL", "PUBLIC_BASE_URL"))}
    env.update(DATABASE_URL=database_url, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_WHATSAPP_FROM=BOT_NUMBER, TWILIO_API_BASE_URL=fake.base_url, PUBLIC_BASE_URL=PUBLIC_BASE_URL,
               SEND_RATE_PER_SECOND="80", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return env


def start_setup(setup: str, env: dict[str, str], port: int, tmp: Path) -> list[subprocess.Popen]:
    def spawn(name: str, cmd: list[str]) -> subprocess.Popen:
        log = open(tmp / f"{setup}-{name}.log", "w")
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    if setup == "serve":
        return [spawn("serve", [sys.executable, "-m", "bot", "serve", "--port", str(port)])]
    return [
        spawn("web", [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                      "--timeout", "15", "--log-level", "warning", "bot:create_app()"]),
        spawn("processor", [sys.executable, "-m", "bot", "scheduler", "process-worker"]),
        spawn("clock", [sys.executable, "-m", "scheduler"]),
        spawn("sender", [sys.executable, "-m", "bot", "scheduler", "send-worker"]),
    ]


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)


def wait_healthy(port: int, procs: list[subprocess.Popen], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a process exited during start-up (see its log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("not healthy in time")


class Poster:
    def __init__(self, port: int):
        self.port = port
        self.validator = RequestValidator(AUTH_TOKEN)
        self.local = threading.local()

    def post(self, phone: str, body: str, sid: str) -> tuple[float, int]:
        form = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{phone}", "To": BOT_NUMBER,
                "Body": body, "NumMedia": "0", "WaId": phone.lstrip("+"), "SmsStatus": "received",
                "ApiVersion": "2010-04-01", "ProfileName": "Warga"}
        signature = self.validator.compute_signature(PUBLIC_BASE_URL + PATH, form)
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent_at = time.monotonic()
        try:
            conn.request("POST", PATH, urlencode(form), {"Content-Type": "application/x-www-form-urlencoded",
                                                         "X-Twilio-Signature": signature, "Host": "bench.local"})
            response = conn.getresponse()
            response.read()
            return sent_at, response.status
        except (OSError, http.client.HTTPException):
            self.local.conn = None
            conn.close()
            return sent_at, 0


def run_setup(setup: str, database_url: str, args, tmp: Path) -> dict:
    fake = Fake(tmp)
    port = free_port()
    procs = start_setup(setup, env_for(database_url, fake), port, tmp)
    sent: dict[str, float] = {}
    statuses: list[int] = []
    try:
        wait_healthy(port, procs)
        poster = Poster(port)
        # Warm-up: the list's Content template is created at its first send.
        poster.post("+6289800000000", args.body, f"SMwarm{setup}{'0' * 24}")
        time.sleep(5)  # and every process has built its recogniser
        lock = threading.Lock()
        count = int(args.rate * args.duration)
        start = time.monotonic() + 0.5

        def one(i: int) -> None:
            phone = f"+62899{i:08d}"
            at, status = poster.post(phone, args.body, f"SM{setup[:4]}{i:028d}")
            with lock:
                sent[phone] = at
                statuses.append(status)

        threads = []
        for i in range(count):
            due = start + i / args.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            t = threading.Thread(target=one, args=(i,), daemon=True)
            t.start()
            threads.append(t)
        for t in threads:
            t.join(30)
        time.sleep(args.settle)
        load = os.getloadavg()[0]  # the machine's 1-minute load average at the end of the phase
    finally:
        stop_all(procs)
        received = fake.stop()
    first: dict[str, float] = {}
    for m in received:
        phone = m["to"]
        if phone in sent and phone not in first:
            first[phone] = m["at"]
    latencies = sorted(first[p] - sent[p] for p in sent if p in first)
    content = sum(1 for m in received if m["to"] in sent and m.get("content_sid"))

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] if latencies else float("nan")

    return {"setup": setup, "load": load, "messages": len(sent), "non_200": sum(1 for s in statuses if s != 200),
            "handed_over": len(latencies), "as_content": content, "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "max": latencies[-1] if latencies else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--setups", default="serve,gunicorn")
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second (each from a new phone)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait for the last replies")
    parser.add_argument("--body", default="menu")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="kenduren-reply-latency-") as tmpdir:
        tmp = Path(tmpdir)
        for setup in args.setups.split(","):
            if args.backend == "postgres":
                from tests.dbs import create_postgres_database, drop_postgres_database

                url = create_postgres_database("kenduren_bench", PG_ADMIN_URL)
            else:
                url = f"sqlite:///{tmp / f'{setup}.db'}"
            try:
                init = subprocess.run([sys.executable, "-m", "bot", "init"], cwd=ROOT,
                                      env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
                                      capture_output=True, text=True)
                if init.returncode != 0:
                    raise RuntimeError(init.stderr[-2000:])
                results.append(run_setup(setup, url, args, tmp))
                r = results[-1]
                print(f"{setup}: {r['handed_over']}/{r['messages']} handed over", file=sys.stderr, flush=True)
            finally:
                if args.backend == "postgres":
                    drop_postgres_database(url, PG_ADMIN_URL)
    print(f"\nReply latency, webhook arrival → handed to Twilio ({args.backend}, {args.rate:g} msg/s for "
          f"{args.duration:g} s, body {args.body!r}, each from a new phone)")
    print(f"{'setup':10} {'msgs':>5} {'non-200':>7} {'handed':>6} {'content':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7} {'load':>5}")
    for r in results:
        print(f"{r['setup']:10} {r['messages']:5d} {r['non_200']:7d} {r['handed_over']:6d} {r['as_content']:7d} "
              f"{r['p50'] * 1000:7.0f} {r['p95'] * 1000:7.0f} {r['p99'] * 1000:7.0f} {r['max'] * 1000:7.0f} "
              f"{r['load']:5.1f}")
    ok = all(r["handed_over"] == r["messages"] and r["p95"] <= 1.0 for r in results)
    print("goal p95 ≤ 1 s, every reply handed over:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
