"""Benchmark of the inbound webhook through the real HTTP server (prints figures; not a test).

    .venv/bin/python bench/webhook.py [--quick] [--backends sqlite,postgres] [--rate 200]
        [--duration 20] [--max-duration 10] [--concurrency 16] [--workers 2] [--threads 4]
    .venv/bin/python bench/webhook.py --profile 400 [--backends sqlite]   # cProfile, no HTTP

For each of three servers, all started by gunicorn on 127.0.0.1 with the same --workers/--threads:

- bare            a Flask route in this file that returns a fixed `<Response><Message>ok</Message></Response>`
- sqlite-full     `bot:create_app()` on a fresh SQLite file (migrated, reference data loaded), with
                  the Procfile's `processor` (`python -m bot scheduler process-worker`) beside it
- postgres-full   the same on a fresh PostgreSQL database `kenduren_bench_<random>`, dropped at the
                  end even on failure
- postgres-floor  (only with --backends …,floor) a route in this file that does the least any
                  store-first webhook must: signature check, one INSERT keyed by MessageSid through
                  raw psycopg, commit, fixed TwiML. Its ratio bounds what the full path can reach here.

The full path is the product's (issue #25, acknowledge fast): the webhook checks the signature,
bounds the form, stores the message keyed by MessageSid and answers an empty TwiML; the processor
process answers it off the request (in each resident's order) and writes the replies to the
outbox. After each phase the bench waits for the processor to finish and prints the time from
store to processed (received_at → processed_at: the replies committed to the outbox)
p50/p95/p99 and the processor's CPU per message.

it runs a warm-up (not counted), then

1. open loop: messages scheduled at a fixed rate (default 200/s) for --duration seconds, sent on
   keep-alive connections by a pool of threads; latency is send → full response read. A request
   whose sender was still busy at its scheduled time is sent late: "p99 sched" is measured from
   the scheduled time instead, so a server that falls behind cannot hide it.
2. closed loop ("max"): --concurrency connections send back to back for --max-duration seconds;
   achieved msg/s is the most this server gives on this machine.

Every message is unique (MessageSid), comes from one of 2,000 phones (+62812xxxxxxxx), carries a
resident's body from a short list and is signed like Twilio signs (RequestValidator over
PUBLIC_BASE_URL + "/twilio/messages" and the form). Non-200 answers and socket errors are errors.

The figure: ratio = max msg/s (closed loop) of the full path ÷ that of the bare route, per
backend; next to it the p99 of the full path at the fixed rate. Goal: ratio ≥ 0.35 on
PostgreSQL with p99 ≤ 50 ms at 200 msg/s. With the floor measured it also prints webhook ÷
store-first floor for the full path (issue #25: goal ≥ 0.5 with p99 ≤ 50 ms at 200 msg/s, same run;
the figures are in bench/README.md).

The load generator runs in this process, on the same machine as the server: both share its
cores, so the bare route's figures are a floor, and so the ratio is, if anything, flattering.
"srv cpu ms/msg" is the gunicorn processes' CPU time per answered message (PostgreSQL's own
backends are not counted).

Only the Python standard library is used for the client (raw HTTP/1.1 over sockets, so that the
generator costs little CPU); twilio's RequestValidator signs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent

PUBLIC_BASE_URL = "http://bench.local"
PATH = "/twilio/messages"
ACCOUNT_SID = "AC" + "be" * 16
AUTH_TOKEN = "bench-auth-token-" + "0123456789abcdef"
BOT_NUMBER = "whatsapp:+6281100000000"
PG_ADMIN_URL = os.environ.get("KENDUREN_BENCH_POSTGRES_URL",
                              os.environ.get("TEST_POSTGRES_URL",
                                             "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
BODIES = (
    "halo", "kpn kenduren mas nang gempol?", "mau daftar ktp", "1", "2", "status KM-1234",
    "jadwal kenduren mas bangil", "syarat akta kelahiran apa saja", "menu", "terima kasih",
    "kapan ke kecamatan pandaan", "mau urus kartu keluarga", "ya", "kk hilang gimana",
    "assalamualaikum pak", "ada layanan kesehatan gratis?",
)
NAMES = ("Sumarti", "Bu Endang", "Slamet", "Siti Aminah", "Cak Dul", "Wahyu", None)
TWIML_OK = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


# --------------------------------------------------------------------------------------------
# The bare baseline, served by gunicorn as `webhook:bare_app()` (with --chdir bench/).

def bare_app():
    from flask import Flask, Response

    app = Flask("bare")

    @app.post(PATH)
    def messages():
        return Response(TWIML_OK, mimetype="text/xml")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def floor_app():
    """The least any store-first webhook must do, with no framework of ours: check the signature,
    insert the message keyed by MessageSid (raw psycopg, one statement, commit), answer fixed
    TwiML. No resident, no conversation, no understanding. What this reaches bounds what the full
    path could reach on this machine."""
    import psycopg
    from flask import Flask, Response, abort, request
    from twilio.request_validator import RequestValidator

    app = Flask("floor")
    validator = RequestValidator(AUTH_TOKEN)
    dsn = os.environ["BENCH_FLOOR_DSN"]
    local = threading.local()
    insert = ("INSERT INTO inbound_message (message_sid, channel, from_phone, body, num_media, received_at) "
              "VALUES (%s, %s, %s, %s, 0, now()) ON CONFLICT (message_sid) DO NOTHING RETURNING id")

    @app.post(PATH)
    def messages():
        form = request.form
        if not validator.validate(PUBLIC_BASE_URL + PATH, form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn)
        with conn.transaction():
            conn.execute(insert, (form["MessageSid"], "whatsapp", form["From"][9:], form.get("Body", ""))).fetchone()
        return Response(TWIML_OK, mimetype="text/xml")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


# --------------------------------------------------------------------------------------------
# Messages

class Messages:
    """Unique, signed, Twilio-shaped form posts, as ready-to-send HTTP/1.1 request bytes."""

    def __init__(self, phones: int = 2000, seed: int = 1):
        from twilio.request_validator import RequestValidator

        self._validator = RequestValidator(AUTH_TOKEN)
        rnd = random.Random(seed)
        self._phones = [f"+62812{n:08d}" for n in rnd.sample(range(10**8), phones)]
        self._names = {p: rnd.choice(NAMES) for p in self._phones}
        self._run = uuid.uuid4().hex[:10]
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._rnd = rnd

    def next(self) -> bytes:
        with self._lock:
            n = next(self._seq)
            phone = self._rnd.choice(self._phones)
            body = self._rnd.choice(BODIES)
        form = {"MessageSid": f"SM{self._run}{n:022d}", "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{phone}",
                "To": BOT_NUMBER, "Body": body, "NumMedia": "0", "NumSegments": "1", "WaId": phone.lstrip("+"),
                "SmsStatus": "received", "SmsMessageSid": f"SM{self._run}{n:022d}", "ApiVersion": "2010-04-01",
                "MessageType": "text"}
        if self._names[phone]:
            form["ProfileName"] = self._names[phone]
        signature = self._validator.compute_signature(PUBLIC_BASE_URL + PATH, form)
        payload = urlencode(form).encode()
        head = (f"POST {PATH} HTTP/1.1\r\nHost: bench.local\r\nUser-Agent: TwilioProxy/1.1\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: {signature}\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n")
        return head.encode() + payload

    def batch(self, count: int) -> list[bytes]:
        return [self.next() for _ in range(count)]


# --------------------------------------------------------------------------------------------
# A minimal keep-alive HTTP/1.1 client (responses must carry Content-Length, as gunicorn's do)

class Connection:
    def __init__(self, port: int, timeout: float = 15.0):
        self.port, self.timeout = port, timeout
        self.sock: socket.socket | None = None
        self.buf = b""
        self.reconnects = 0

    def _open(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def request(self, raw: bytes) -> int:
        """Send one request, read the whole response; the status code. Retries once on a stale connection."""
        reused = self.sock is not None
        if not reused:
            self._open()
        try:
            return self._exchange(raw)
        except (ConnectionError, _Closed) as exc:
            self.close()
            if not reused or (isinstance(exc, _Closed) and exc.got_bytes):
                raise
            # The server closed an idle keep-alive connection before reading this request.
            self.reconnects += 1
            self._open()
            return self._exchange(raw)

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed(bool(self.buf))
        return chunk

    def _exchange(self, raw: bytes) -> int:
        self.sock.sendall(raw)
        buf = self.buf
        while (end := buf.find(b"\r\n\r\n")) < 0:
            self.buf = buf = buf + self._recv()
        head, rest = buf[:end].decode("latin-1"), buf[end + 4:]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = None, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise RuntimeError("chunked responses are not supported by the bench client")
        if length is None:
            close = True
            length = 0
        while len(rest) < length:
            rest += self.sock.recv(65536) or b""
        self.buf = rest[length:]
        if close:
            self.close()
        return status


class _Closed(Exception):
    def __init__(self, got_bytes: bool):
        super().__init__("connection closed by server")
        self.got_bytes = got_bytes


# --------------------------------------------------------------------------------------------
# Load

@dataclass
class Result:
    label: str
    mode: str  # "open" or "max"
    target_rate: float | None
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # send → response, seconds
    sent_at: list[float] = field(default_factory=list)  # perf_counter at each send, beside `latencies`
    sched_latencies: list[float] = field(default_factory=list)  # scheduled → response (open loop)
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    not_sent: int = 0
    reconnects: int = 0
    wall: float = 0.0
    server_cpu: float | None = None  # seconds of CPU, gunicorn master + workers
    db_cpu: float | None = None  # seconds of CPU, the PostgreSQL backends serving the bench database
    other_cores: float | None = None  # average cores busy with anything else on the machine (noise)
    processing: dict | None = None  # acknowledge fast: the processor's lag and CPU (see _drain)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values()) + self.not_sent

    @property
    def achieved(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def pct(self, p: float, sched: bool = False) -> float:
        data = sorted(self.sched_latencies if sched else self.latencies)
        if not data:
            return float("nan")
        k = min(len(data) - 1, max(0, int(round(p / 100 * len(data) + 0.5)) - 1))
        return data[k] * 1000

    @property
    def cpu_ms_per_msg(self) -> float | None:
        return None if self.server_cpu is None or not self.ok else self.server_cpu / self.ok * 1000

    @property
    def db_ms_per_msg(self) -> float | None:
        return None if self.db_cpu is None or not self.ok else self.db_cpu / self.ok * 1000


def _record(result: Result, lock: threading.Lock, status_or_error, t_sched, t_send, t_done) -> None:
    with lock:
        if status_or_error == 200:
            result.ok += 1
            result.latencies.append(t_done - t_send)
            result.sent_at.append(t_send)
            if t_sched is not None:
                result.sched_latencies.append(t_done - t_sched)
        else:
            key = str(status_or_error)
            result.errors[key] = result.errors.get(key, 0) + 1


def _send(conn: Connection, raw: bytes):
    try:
        return conn.request(raw)
    except Exception as exc:  # noqa: BLE001  (any failure is an error to count)
        conn.close()
        return type(exc).__name__


def open_loop(port: int, messages: Messages, rate: float, duration: float, senders: int, label: str,
              grace: float = 10.0) -> Result:
    """`rate` messages/s for `duration` s; every message has a scheduled time and is never sent early."""
    total = max(1, int(rate * duration))
    raws = messages.batch(total)
    result = Result(label, "open", rate, senders)
    lock, counter = threading.Lock(), itertools.count()
    start = time.perf_counter() + 0.05
    deadline = start + duration + grace
    last_done = [start]

    def sender():
        conn = Connection(port)
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                break
            t_sched = start + i / rate
            now = time.perf_counter()
            if now < t_sched:
                time.sleep(t_sched - now)
            elif now > deadline:
                with lock:
                    result.not_sent += 1
                continue
            t_send = time.perf_counter()
            status = _send(conn, raws[i])
            t_done = time.perf_counter()
            _record(result, lock, status, t_sched, t_send, t_done)
            with lock:
                last_done[0] = max(last_done[0], t_done)
        with lock:
            result.reconnects += conn.reconnects
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + grace + 30)
    result.wall = max(last_done[0] - start, duration)
    return result


def closed_loop(port: int, messages: Messages, concurrency: int, duration: float, label: str,
                mode: str = "max") -> Result:
    """`concurrency` connections, each sending its next message as soon as the last is answered."""
    result = Result(label, mode, None, concurrency)
    lock = threading.Lock()
    # Signed ahead in a pool sized for a fast server, topped up if it runs dry.
    pool = messages.batch(max(200, concurrency * 50))
    pool_lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def take() -> bytes:
        with pool_lock:
            if pool:
                return pool.pop()
        return messages.next()

    def worker():
        conn = Connection(port)
        while time.perf_counter() < stop_at:
            raw = take()
            t_send = time.perf_counter()
            status = _send(conn, raw)
            _record(result, lock, status, None, t_send, time.perf_counter())
        with lock:
            result.reconnects += conn.reconnects
        conn.close()

    def refill():
        while time.perf_counter() < stop_at:
            with pool_lock:
                short = len(pool) < concurrency * 20
            if short:
                fresh = messages.batch(concurrency * 20)
                with pool_lock:
                    pool.extend(fresh)
            else:
                time.sleep(0.01)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    filler = threading.Thread(target=refill, daemon=True)
    filler.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 30)
    result.wall = time.perf_counter() - t0
    filler.join(1)
    return result


# --------------------------------------------------------------------------------------------
# Servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields_ = f.read().rsplit(")", 1)[1].split()
        return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _pg_backends_cpu(database: str | None) -> float:
    if not database:
        return 0.0
    total, needle = 0.0, f" {database} ".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if needle in f.read().replace(b"\0", b" ") + b" ":
                        total += _proc_cpu(int(entry))
            except OSError:
                pass
    return total


def wait_quiet(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (at most max_wait s) for a second in which the machine's other work uses < threshold cores.

    Returns the busy cores of the last second looked at. Call while the servers are idle.
    """
    deadline = time.monotonic() + max_wait
    while True:
        t0, b0 = time.perf_counter(), _machine_busy()
        time.sleep(1.0)
        busy = (_machine_busy() - b0) / (time.perf_counter() - t0)
        if busy < threshold or time.monotonic() >= deadline:
            return busy


class CpuMeter:
    """CPU used during one phase by the server, its database backends, this client, and everyone else."""

    def __init__(self, server: "Gunicorn", database: str | None):
        self.server, self.database = server, database

    def _sample(self):
        t = os.times()
        return (time.perf_counter(), self.server.cpu(), _pg_backends_cpu(self.database), t.user + t.system,
                _machine_busy())

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        self.end = self._sample()
        return False

    def apply(self, result: "Result") -> None:
        wall, srv, db, me, machine = (b - a for a, b in zip(self.start, self.end))
        result.server_cpu = srv
        result.db_cpu = db if self.database else None
        result.other_cores = max(0.0, (machine - srv - db - me) / wall) if wall > 0 else None


class Gunicorn:
    def __init__(self, app_spec: str, env: dict[str, str], workers: int, threads: int, log_dir: Path,
                 name: str, chdir: Path = ROOT):
        self.port = free_port()
        self.log = log_dir / f"gunicorn-{name}.log"
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
               "--threads", str(threads), "--keep-alive", "30", "--timeout", "30", "--backlog", "2048",
               "--chdir", str(chdir), "--log-level", "warning", "--error-logfile", str(self.log), app_spec]
        self.proc = subprocess.Popen(cmd, env=env, cwd=str(chdir), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.workers = workers

    def wait_healthy(self, timeout: float = 240.0) -> None:  # a loaded 2-core machine boots slowly
        deadline = time.monotonic() + timeout
        raw = b"GET /healthz HTTP/1.1\r\nHost: bench.local\r\nConnection: close\r\n\r\n"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                conn = Connection(self.port, timeout=5)
                if conn.request(raw) == 200 and len(_children(self.proc.pid)) >= self.workers:
                    conn.close()
                    return
                conn.close()
            except Exception:  # noqa: BLE001  (not up yet)
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not healthy after {timeout:.0f}s:\n{self.tail()}")

    def cpu(self) -> float:
        return _proc_cpu(self.proc.pid) + sum(_proc_cpu(p) for p in _children(self.proc.pid))

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass


# --------------------------------------------------------------------------------------------
# Databases

def create_pg_database() -> str:
    sys.path.insert(0, str(ROOT))
    from tests.dbs import create_postgres_database

    return create_postgres_database("kenduren_bench", PG_ADMIN_URL)


def drop_pg_database(url: str) -> None:
    from tests.dbs import drop_postgres_database

    drop_postgres_database(url, PG_ADMIN_URL)


def make_url_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def initialise_database(url: str) -> None:
    """What `python -m bot init` does: migrate, then load the reference data."""
    sys.path.insert(0, str(ROOT))
    from bot.cli.core import initialise
    from core.runtime import Runtime
    from core.settings import Settings

    rt = Runtime(Settings.from_env(environ={}, database_url=url, log_level="WARNING"))
    try:
        initialise(rt)
    finally:
        rt.dispose()


def app_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL", "PUBLIC_BASE_URL"))}
    env.update(DATABASE_URL=database_url, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               PUBLIC_BASE_URL=PUBLIC_BASE_URL, LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
    return env


# --------------------------------------------------------------------------------------------
# One server, all phases

def measure(label: str, server: Gunicorn, messages: Messages, args, database: str | None = None,
            processor=None) -> list[Result]:
    server.wait_healthy()
    # Warm-up: every worker builds its recogniser and fills its pools; not counted.
    warm = closed_loop(server.port, messages, max(args.threads * args.workers, 4), args.warmup, label, "warm")
    if warm.errors:
        print(f"  [{label}] warm-up errors: {warm.errors}\n{server.tail(10)}", file=sys.stderr)
    results = []
    _quiet(args, label)
    if processor is not None:
        _drain(processor, 120)  # the warm-up's messages
    cpu0 = _proc_cpu(processor[0].pid) if processor else 0.0
    with CpuMeter(server, database) as meter:
        res = open_loop(server.port, messages, args.rate, args.duration, args.senders, label)
    meter.apply(res)
    if processor is not None:
        res.processing = _drain(processor, 180, cpu0)
    results.append(res)
    _progress(res)
    if args.max_duration > 0:
        _quiet(args, label)
        cpu0 = _proc_cpu(processor[0].pid) if processor else 0.0
        with CpuMeter(server, database) as meter:
            res = closed_loop(server.port, messages, args.concurrency, args.max_duration, label)
        meter.apply(res)
        if processor is not None:
            res.processing = _drain(processor, 300, cpu0)
        results.append(res)
        _progress(res)
    if any(r.errors for r in results):
        print(f"  [{label}] server log tail:\n{server.tail(15)}", file=sys.stderr)
    return results


def _drain(processor, timeout: float, cpu0: float = 0.0) -> dict | None:
    """Wait until the processor has handled every stored message (or `timeout`); then the time from
    store to processed (received_at → processed_at, the replies committed) of the messages handled
    since the last drain, the backlog left, and the processor's CPU per message."""
    import sqlalchemy as sa

    proc, url, _ = processor
    sys.path.insert(0, str(ROOT))
    from storage.db import make_engine
    from storage.models import InboundMessage as M

    engine = make_engine(url)
    try:
        t0 = time.monotonic()
        with engine.connect() as c:
            while True:
                left = c.execute(sa.select(sa.func.count()).select_from(M).where(M.processed_at.is_(None))).scalar()
                if not left or time.monotonic() - t0 > timeout or proc.poll() is not None:
                    break
                time.sleep(0.2)
            drained = time.monotonic() - t0
            rows = c.execute(sa.select(M.id, M.received_at, M.processed_at)
                             .where(M.processed_at.is_not(None), M.id > processor[2])).all()
            lags = sorted((r[2] - r[1]).total_seconds() * 1000 for r in rows)
            processor[2] = max([processor[2], *(r[0] for r in rows)])
    finally:
        engine.dispose()
    if proc.poll() is not None:
        print(f"  processor exited: {Path(proc.log.name).read_text()[-2000:]}", file=sys.stderr)
    n = len(lags)
    pct = (lambda p: float(lags[min(n - 1, int(round(p / 100 * (n - 1))))]) if n else float("nan"))
    cpu = (_proc_cpu(proc.pid) - cpu0) * 1000 / n if n and cpu0 else None
    return {"n": n, "left": left, "drained_s": drained, "p50": pct(50), "p95": pct(95), "p99": pct(99), "cpu": cpu}


def _quiet(args, label: str) -> None:
    if args.wait_quiet <= 0:
        time.sleep(0.5)
        return
    t = time.monotonic()
    busy = wait_quiet(args.wait_quiet)
    waited = time.monotonic() - t
    if busy >= 0.3:
        print(f"  [{label}] machine still busy ({busy:.2f} cores used by others) after {waited:.0f}s; measuring anyway",
              file=sys.stderr, flush=True)
    elif waited > 2:
        print(f"  [{label}] waited {waited:.0f}s for other processes to go quiet", file=sys.stderr, flush=True)


def _progress(r: Result) -> None:
    print(f"  {r.label:<14} {r.mode:<4} {r.achieved:8.1f} msg/s  p50 {r.pct(50):7.1f} ms  p99 {r.pct(99):7.1f} ms"
          f"  errors {r.error_count}  other load {r.other_cores or 0:.2f} cores", file=sys.stderr, flush=True)


def start_processor(url: str, args, tmp: Path, name: str) -> subprocess.Popen:
    """The Procfile's `processor` (`python -m bot scheduler process-worker`), in its own process
    group; returns once it is listening (its recogniser built)."""
    cmd = [sys.executable, "-m", "bot", "scheduler", "process-worker", "--threads", str(args.processor_threads)]
    env = app_env(url)
    if args.processor_nice is not None:  # else PROCESSOR_NICE from the environment, as the Procfile's
        env["PROCESSOR_NICE"] = str(args.processor_nice)
    log = open(tmp / f"processor-{name}.log", "w+")
    proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 240
    while "Pemroses " not in (tmp / f"processor-{name}.log").read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"processor did not start: {(tmp / f'processor-{name}.log').read_text()[-2000:]}")
        time.sleep(0.1)
    said = [line for line in (tmp / f"processor-{name}.log").read_text(errors="replace").splitlines() if "Pemroses " in line]
    print(f"  [{name}] {said[0].strip()}", file=sys.stderr, flush=True)  # its threads and nice level
    return proc


def stop_processor(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        except ProcessLookupError:
            pass
    proc.log.close()  # type: ignore[attr-defined]


def run_backend(kind: str, messages: Messages, args, tmp: Path) -> list[Result]:
    label = f"{kind}-full"
    if kind == "bare":
        server = Gunicorn("webhook:bare_app()", dict(os.environ), args.workers, args.threads, tmp, "bare",
                          chdir=BENCH_DIR)
        try:
            return measure("bare", server, messages, args)
        finally:
            server.stop()
    if kind == "floor":
        url = create_pg_database()
        try:
            initialise_database(url)
            env = {**app_env(url), "BENCH_FLOOR_DSN": url.replace("postgresql+psycopg://", "postgresql://")}
            server = Gunicorn("webhook:floor_app()", env, args.workers, args.threads, tmp, "floor", chdir=BENCH_DIR)
            try:
                return measure("postgres-floor", server, messages, args, database=make_url_database(url))
            finally:
                server.stop()
        finally:
            drop_pg_database(url)
    pg_url = None
    try:
        if kind == "sqlite":
            url = f"sqlite:///{tmp / 'kenduren-bench.db'}"
        else:
            url = pg_url = create_pg_database()
        t = time.perf_counter()
        initialise_database(url)
        print(f"  {label}: database initialised in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        server = Gunicorn("bot:create_app()", app_env(url), args.workers, args.threads, tmp, kind)
        processor = start_processor(url, args, tmp, kind)
        try:
            return measure(label, server, messages, args, database=pg_url and make_url_database(pg_url),
                           processor=[processor, url, 0])
        finally:
            server.stop()
            stop_processor(processor)
    finally:
        if pg_url:
            drop_pg_database(pg_url)


# --------------------------------------------------------------------------------------------
# Report

def print_report(results: list[Result], args) -> None:
    print()
    print(f"Kenduren Mas webhook bench: gunicorn --workers {args.workers} --threads {args.threads} "
          f"(keep-alive), {os.cpu_count()} CPUs, client in-process on the same machine")
    print(f"open loop: {args.rate:g} msg/s target for {args.duration:g}s with {args.senders} sender threads; "
          f"max: closed loop, {args.concurrency} connections for {args.max_duration:g}s")
    print("load average at the end (1/5/15 min): " + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    header = (f"{'backend':<14} {'mode':<5} {'target':>7} {'achieved msg/s':>15} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'p99 sched':>10} {'errors':>7} {'srv cpu ms/msg':>15} {'pg cpu ms/msg':>14} {'other load':>11}")
    print(header)
    print("-" * len(header))
    for r in results:
        target = f"{r.target_rate:g}" if r.target_rate else "max"
        sched = f"{r.pct(99, sched=True):10.1f}" if r.sched_latencies else f"{'-':>10}"
        cpu = f"{r.cpu_ms_per_msg:15.2f}" if r.cpu_ms_per_msg is not None else f"{'-':>15}"
        db = f"{r.db_ms_per_msg:14.2f}" if r.db_ms_per_msg is not None else f"{'-':>14}"
        other = f"{r.other_cores:11.2f}" if r.other_cores is not None else f"{'-':>11}"
        print(f"{r.label:<14} {r.mode:<5} {target:>7} {r.achieved:15.1f} {r.pct(50):8.1f} {r.pct(99):8.1f} "
              f"{sched} {r.error_count:>7} {cpu} {db} {other}")
    print("(srv cpu = gunicorn processes; pg cpu = PostgreSQL backends of the bench database; other load = average"
          " cores busy with processes outside this bench, high values mean the figures are disturbed)")
    bad = [r for r in results if r.errors or r.not_sent]
    for r in bad:
        detail = dict(r.errors)
        if r.not_sent:
            detail["not sent (server too far behind)"] = r.not_sent
        print(f"  errors {r.label} {r.mode}: {detail}")
    if sum(r.reconnects for r in results):
        print(f"  (stale keep-alive connections re-opened: {sum(r.reconnects for r in results)})")
    by = {(r.label, r.mode): r for r in results}
    bare_max = by.get(("bare", "max"))
    print()
    print("ratio = max msg/s (closed loop) full path ÷ bare route; p99 = send→response at the fixed rate")
    floor_max = by.get(("postgres-floor", "max"))
    if floor_max and bare_max and bare_max.achieved:
        print(f"  floor     ratio {floor_max.achieved / bare_max.achieved:5.2f} ({floor_max.achieved:.0f} / "
              f"{bare_max.achieved:.0f} msg/s): signature + one INSERT + commit on PostgreSQL, nothing else")
    if floor_max and floor_max.achieved:
        print("webhook ÷ store-first floor (closed loop, same run); goal ≥ 0.5, and p99 ≤ 50 ms at 200 msg/s:")
        for label, what in (("postgres-full", "the route: store, empty TwiML; the processor process answers"),):
            mx, op = by.get((label, "max")), by.get((label, "open"))
            if not mx:
                continue
            ratio = mx.achieved / floor_max.achieved
            ok = ratio >= 0.5 and op is not None and op.pct(99) <= 50 and op.error_count == 0
            print(f"  {label:<14} {ratio:5.2f} ({mx.achieved:.0f} / {floor_max.achieved:.0f} msg/s), p99 at "
                  f"{args.rate:g} msg/s {op.pct(99) if op else float('nan'):.1f} ms: {'MET' if ok else 'NOT MET'} — {what}")
        for r in results:
            if r.processing:
                p = r.processing
                cpu = f", processor CPU {p['cpu']:.2f} ms/msg" if p["cpu"] is not None else ""
                print(f"  {r.label} {r.mode}: {p['n']} processed off the request, store → processed p50 "
                      f"{p['p50']:.0f} ms, p95 {p['p95']:.0f} ms, p99 {p['p99']:.0f} ms; backlog drained "
                      f"{p['drained_s']:.1f} s after the phase, {p['left']} left{cpu}")
    for kind in ("sqlite", "postgres"):
        full_open, full_max = by.get((f"{kind}-full", "open")), by.get((f"{kind}-full", "max"))
        if not full_open:
            continue
        line = f"  {kind:<9}"
        if full_max and bare_max and bare_max.achieved:
            line += f" ratio {full_max.achieved / bare_max.achieved:5.2f}"
            line += f" ({full_max.achieved:.0f} / {bare_max.achieved:.0f} msg/s)"
        else:
            line += " ratio   n/a (no max run)"
        line += f"   p99 at {args.rate:g} msg/s: {full_open.pct(99):.1f} ms (from schedule {full_open.pct(99, True):.1f} ms)"
        line += f", achieved {full_open.achieved:.0f} msg/s, errors {full_open.error_count}"
        if kind == "postgres":
            ok = (full_max and bare_max and full_max.achieved / bare_max.achieved >= 0.35
                  and full_open.pct(99) <= 50 and full_open.error_count == 0
                  and full_open.achieved >= 0.97 * args.rate)
            verdict = ("MET" if ok else "NOT MET") if full_max and bare_max else "n/a (needs the max run)"
            if args.rate != 200:
                verdict += f" (goal is at 200 msg/s; this ran at {args.rate:g})"
            line += f"   goal (ratio ≥ 0.35, p99 ≤ 50 ms at 200 msg/s): {verdict}"
        print(line)


# --------------------------------------------------------------------------------------------
# In-process profile of the full path (no HTTP server): where one message's time goes

def _count_sql(engine):
    """Statements, commits, rollbacks and pool checkouts on `engine` from now on (the profile's figures)."""
    import collections
    import re as _re

    from sqlalchemy import event

    counts = {"statements": 0, "commits": 0, "rollbacks": 0, "connects": 0, "by_sql": collections.Counter()}

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        counts["statements"] += 1
        counts["by_sql"][_re.sub(r"\s+", " ", statement)[:110]] += 1

    @event.listens_for(engine, "commit")
    def _commit(conn):
        counts["commits"] += 1

    @event.listens_for(engine, "rollback")
    def _rollback(conn):
        counts["rollbacks"] += 1

    @event.listens_for(engine.pool, "checkout")
    def _checkout(*_):
        counts["connects"] += 1

    return counts


def _print_profile(label: str, counts, n: int, prof, *, top: tuple[int, int, int]) -> None:
    """SQL per message (the most frequent statements first), then the profile by cumulative and by own time."""
    import pstats

    sql_top, cumulative, own = top
    print(f"{label}SQL per message: {counts['statements'] / n:.2f} statements, {counts['commits'] / n:.2f} commits, "
          f"{counts['rollbacks'] / n:.2f} rollbacks, {counts['connects'] / n:.2f} checkouts")
    for sql, times in counts["by_sql"].most_common(sql_top):
        print(f"  {times / n:6.2f}/msg  {sql}")
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(cumulative)
    stats.sort_stats("tottime").print_stats(own)


def profile(args, tmp: Path) -> None:
    import cProfile

    sys.path.insert(0, str(ROOT))
    kind = args.backends[0] if args.backends[0] != "bare" else "sqlite"
    pg_url = None
    try:
        url = f"sqlite:///{tmp / 'kenduren-profile.db'}" if kind == "sqlite" else (pg_url := create_pg_database())
        initialise_database(url)
        from bot import create_app

        app = create_app({"database_url": url, "twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
                          "public_base_url": PUBLIC_BASE_URL, "log_level": "WARNING"})
        client = app.test_client()
        messages = Messages()

        def post(raw: bytes):
            head, body = raw.split(b"\r\n\r\n", 1)
            sig = [h for h in head.decode().split("\r\n") if h.startswith("X-Twilio-Signature")][0].split(": ", 1)[1]
            r = client.post(PATH, data=body, base_url=PUBLIC_BASE_URL,
                            headers={"X-Twilio-Signature": sig,
                                     "Content-Type": "application/x-www-form-urlencoded"})
            assert r.status_code == 200, r.status_code

        for raw in messages.batch(50):  # warm-up
            post(raw)
        raws = messages.batch(args.profile)
        counts = _count_sql(app.extensions["kenduren"].engine)
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        for raw in raws:
            post(raw)
        prof.disable()
        wall = time.perf_counter() - t
        print(f"{kind}: {args.profile} messages in-process in {wall:.2f}s = {wall / args.profile * 1000:.2f} ms/msg "
              f"(under cProfile, which inflates)")
        _print_profile("", counts, args.profile, prof, top=(25, 45, 30))
        if args.profile_processor:
            profile_processor(app, messages, post, args.profile)
    finally:
        if pg_url:
            drop_pg_database(pg_url)


def profile_processor(app, messages, post, n: int) -> None:
    """The processor's side of N stored messages, in this thread: CPU per message without a profiler
    (process time: this process only, so other load on the machine does not count), then SQL per
    message and cProfile on another N."""
    import cProfile

    from handlers.processor import Processor

    runtime = app.extensions["kenduren"]
    processor = Processor(runtime)
    processor.drain()  # what the webhook profile stored: the recogniser and caches warm
    for round_ in (1, 2):
        for raw in messages.batch(n):
            post(raw)
        cpu, t = time.process_time(), time.perf_counter()
        done = processor.drain()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - t
        print(f"processor round {round_}: {done} messages, {cpu / done * 1000:.2f} ms CPU/msg, "
              f"{wall / done * 1000:.2f} ms wall/msg (no profiler)")
    for raw in messages.batch(n):
        post(raw)
    counts = _count_sql(runtime.engine)
    prof = cProfile.Profile(time.process_time)  # CPU, not wall: the waits for PostgreSQL and for a core drop out
    prof.enable()
    done = processor.drain()
    prof.disable()
    print(f"processor under cProfile (CPU time): {done} messages")
    _print_profile("processor ", counts, done, prof, top=(40, 70, 40))


# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default="bare,sqlite,postgres",
                   help="comma-separated, from bare,floor,sqlite,postgres (bare is always measured when another is)")
    p.add_argument("--processor-threads", type=int, default=4, help="the processor process's threads (default 4)")
    p.add_argument("--processor-nice", type=int, default=None,
                   help="the processor process's nice level (PROCESSOR_NICE; default: the environment's, else 0)")
    p.add_argument("--rate", type=float, default=200.0, help="open-loop messages/s (default 200)")
    p.add_argument("--duration", type=float, default=20.0, help="open-loop seconds (default 20)")
    p.add_argument("--max-duration", type=float, default=10.0, help="closed-loop seconds, 0 to skip (default 10)")
    p.add_argument("--concurrency", type=int, default=16, help="closed-loop connections (default 16)")
    p.add_argument("--senders", type=int, default=64, help="open-loop sender threads (default 64)")
    p.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per server, not counted")
    p.add_argument("--wait-quiet", type=float, default=20.0, metavar="S",
                   help="before each phase wait up to S seconds for the machine to be idle (0: don't)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--quick", action="store_true", help="smoke run: 3s open loop, 2s max, 1s warm-up")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="instead: cProfile N messages through the app in-process (first full backend)")
    p.add_argument("--profile-processor", action="store_true",
                   help="with --profile: also the processor's CPU per message, SQL and cProfile on N messages")
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.max_duration, args.warmup = 3.0, 2.0, 1.0
        args.wait_quiet = min(args.wait_quiet, 5.0)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - {"bare", "floor", "sqlite", "postgres"}
    if unknown:
        p.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    order = ["bare"] + [b for b in ("floor", "sqlite", "postgres") if b in args.backends]

    tmp = Path(tempfile.mkdtemp(prefix="kenduren-bench-"))
    try:
        if args.profile:
            profile(args, tmp)
            return 0
        messages = Messages()
        results: list[Result] = []
        failed = []
        t0 = time.perf_counter()
        for kind in order:
            print(f"[{kind}]", file=sys.stderr, flush=True)
            try:
                results += run_backend(kind, messages, args, tmp)
            except Exception as exc:  # noqa: BLE001  (report it, go on with the others)
                failed.append(f"{kind}: {type(exc).__name__}: {exc}")
                print(f"  {kind} FAILED: {exc}", file=sys.stderr)
        print_report(results, args)
        print(f"\n(total {time.perf_counter() - t0:.0f}s)")
        for f in failed:
            print(f"FAILED {f}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
