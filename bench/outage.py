"""Benchmark: a database outage under a steady inbound stream, against the real web server.

    .venv/bin/python bench/outage.py [--rate 5] [--seconds 45] [--outage-from 10] [--outage 22] [--backend postgres]

Starts gunicorn (`bot:create_app()`, 2 workers × 2 threads) on a fresh database (PostgreSQL:
CREATE DATABASE kenduren_bench_…, dropped afterwards; SQLite: a temp file) with its own
INBOUND_SPOOL_DIR, sends signed Twilio-shaped messages from 50 residents at `--rate` per second,
and takes the database away for `--outage` seconds (PostgreSQL: ALLOW_CONNECTIONS false and our
connections terminated; SQLite: the file replaced by a directory — gunicorn's pooled
connections still hold the old file, so on SQLite only new connections fail). Prints: sent,
answered 200 (of which "kept" replies), other statuses, stored and processed once the database is
back, spool depth at the end, and outbox replies for the spooled messages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from core.settings import PROJECT_DIR  # noqa: E402
from catalogue import render  # noqa: E402
from storage.models import InboundMessage, OutboxMessage  # noqa: E402
from tests import dbs  # noqa: E402
from tests.conftest import initialised  # noqa: E402

TOKEN = "bench-auth-token"
BODIES = ["halo", "jadwal", "kpn kenduren mas nang gempol?", "mau daftar ktp", "1", "status KM-1234", "menu"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=45.0)
    ap.add_argument("--outage-from", type=float, default=10.0)
    ap.add_argument("--outage", type=float, default=22.0)
    ap.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kenduren-outage-"))
    url = dbs.create_postgres_database("kenduren_bench") if args.backend == "postgres" else f"sqlite:///{tmp / 'b.db'}"
    initialised(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL"))},
           "DATABASE_URL": url, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_WHATSAPP_FROM": "whatsapp:+6281100000000", "PUBLIC_BASE_URL": base,
           "INBOUND_SPOOL_DIR": str(tmp / "spool"), "LOG_LEVEL": "WARNING", "PYTHONPATH": str(PROJECT_DIR)}
    log = open(tmp / "gunicorn.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--threads", "2", "--timeout", "15", "bot:create_app()"], cwd=PROJECT_DIR, env=env,
                              stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start; see " + str(tmp / "gunicorn.log"))
                time.sleep(0.3)

        kept_text = render("spool.kept")
        results: list[tuple[int, bool]] = []
        lock = threading.Lock()
        validator = RequestValidator(TOKEN)

        def send(n: int) -> None:
            phone = f"+62812{n % 50:07d}"
            form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                    "From": f"whatsapp:{phone}", "To": "whatsapp:+6281100000000", "Body": BODIES[n % len(BODIES)],
                    "NumMedia": "0", "WaId": phone.lstrip("+")}
            data = urllib.parse.urlencode(form).encode()
            req = urllib.request.Request(base + "/twilio/messages", data=data, method="POST", headers={
                "X-Twilio-Signature": validator.compute_signature(base + "/twilio/messages", form)})
            try:
                with urllib.request.urlopen(req, timeout=20) as resp:
                    body = resp.read().decode()
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status, body = exc.code, ""
            except Exception:
                status, body = 0, ""
            with lock:
                results.append((status, kept_text in body))

        name = make_url(url).database
        admin = create_engine(dbs.PG_ADMIN_URL, isolation_level="AUTOCOMMIT") if args.backend == "postgres" else None

        def outage(on: bool) -> None:
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if not on else "true"}'))
                    if not on:
                        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                                          "AND pid <> pg_backend_pid()"), {"d": name})
            elif not on:
                shutil.move(name, name + ".away")
                Path(name).mkdir()
            else:
                Path(name).rmdir()
                shutil.move(name + ".away", name)

        threads, start, n = [], time.monotonic(), 0
        down = up = None
        while (elapsed := time.monotonic() - start) < args.seconds:
            if down is None and elapsed >= args.outage_from:
                outage(False)
                down = time.monotonic()
            if down is not None and up is None and time.monotonic() - down >= args.outage:
                outage(True)
                up = time.monotonic()
            due = start + n / args.rate
            if time.monotonic() >= due:
                t = threading.Thread(target=send, args=(n,))
                t.start()
                threads.append(t)
                n += 1
            time.sleep(0.005)
        for t in threads:
            t.join()
        if up is None:
            outage(True)
            up = time.monotonic()
        # The web process replays as soon as the database answers (the next message, /healthz).
        urllib.request.urlopen(base + "/healthz", timeout=10).read()
        engine = create_engine(url)
        settle = time.monotonic() + 30
        while time.monotonic() < settle and any((tmp / "spool").glob("*.json")):
            time.sleep(0.2)
            try:
                urllib.request.urlopen(base + "/healthz", timeout=10).read()
            except Exception:
                pass
        with engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(InboundMessage))
            processed = conn.scalar(select(func.count()).select_from(InboundMessage)
                                    .where(InboundMessage.processed_at.is_not(None)))
            replayed = conn.scalar(select(func.count()).select_from(InboundMessage)
                                   .where(InboundMessage.spool_replied_at.is_not(None)))
            replies = conn.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reply"))
        engine.dispose()
        ok = sum(1 for s, _ in results if s == 200)
        kept = sum(1 for s, k in results if s == 200 and k)
        other = sorted({s for s, _ in results if s != 200})
        print(f"backend {args.backend}: outage {up - down:.1f} s under {args.rate:g} msg/s for {args.seconds:g} s")
        print(f"sent {len(results)} / answered 200 {ok} (of which 'kept' {kept}) / other statuses {other or '-'}")
        print(f"stored {stored} / processed {processed} / replayed from the spool {replayed} "
              f"/ outbox replies for them {replies} / spool left {len(list((tmp / 'spool').glob('*.json')))}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        if args.backend == "postgres":
            dbs.drop_postgres_database(url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
