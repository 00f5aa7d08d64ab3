"""A real database outage while residents write: every message is answered (kept), spooled
durably, replayed in arrival order exactly once when the database is back, and its replies go out
through the outbox. PostgreSQL: the database refuses connections and ours are terminated. SQLite:
the file is made unopenable (a directory in its place) and the process's connections to it are
gone (as they would be with the disk)."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot import create_app
from catalogue import render
from handlers.webhook_form import parse_incoming
from storage.models import InboundMessage, OutboxMessage
from tests import dbs
from tests.conftest import BASE_SETTINGS, Cli, initialised, new_database
from tests.whatsapp import Phone, replies_of, signed_settings

KEPT = render("spool.kept")


class Outage:
    def __init__(self, url: str):
        self.url = url
        self.backend = make_url(url).get_backend_name()

    def _pg(self, *statements: str) -> None:
        admin = create_engine(dbs.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for statement in statements:
                    conn.execute(text(statement), {"db": make_url(self.url).database})
        finally:
            admin.dispose()

    def begin(self, app) -> None:
        name = make_url(self.url).database
        if self.backend == "postgresql":
            self._pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db "
                     "AND pid <> pg_backend_pid()")
        else:
            app.extensions["kenduren"].engine.dispose()
            path = Path(name)
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{path}{suffix}").exists():
                    shutil.move(f"{path}{suffix}", f"{path}{suffix}.away")
            path.mkdir()  # "unable to open database file"

    def end(self) -> None:
        name = make_url(self.url).database
        if self.backend == "postgresql":
            self._pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        else:
            Path(name).rmdir()
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{name}{suffix}.away").exists():
                    shutil.move(f"{name}{suffix}.away", f"{name}{suffix}")


@pytest.fixture
def own_database(backend, tmp_path_factory):
    url = initialised(new_database(backend, tmp_path_factory))
    yield url
    if backend == "postgresql":
        Outage(url).end()
        dbs.drop_postgres_database(url)


@pytest.fixture
def outage_app(own_database, tmp_path):
    settings = signed_settings(BASE_SETTINGS.with_overrides(database_url=own_database,
                                                            inbound_spool_dir=str(tmp_path / "spool")))
    app = create_app(asdict(settings))
    yield app
    app.extensions["kenduren"].spool.settle()
    app.extensions["kenduren"].dispose()


def counts(runtime) -> tuple[int, int, int]:
    with runtime.sessions() as s:
        stored = s.scalar(select(func.count()).select_from(InboundMessage))
        processed = s.scalar(select(func.count()).select_from(InboundMessage)
                             .where(InboundMessage.processed_at.is_not(None)))
        replies = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reply"))
    return stored, processed, replies


def test_messages_during_an_outage_are_kept_and_answered_once_in_order(outage_app, own_database):
    runtime = outage_app.extensions["kenduren"]
    client = outage_app.test_client()
    sumarti, darto = Phone(client, "+6281234567890", "Sumarti"), Phone(client, "+6281311112222", "Darto")
    assert "Kenduren Mas" in sumarti.say("halo")

    outage = Outage(own_database)
    outage.begin(outage_app)
    try:
        sent = [sumarti.form("jadwal"), darto.form("halo"), sumarti.form("gempol"), darto.form("mau daftar ktp")]
        for form in sent:
            response = sumarti.post(form)
            assert response.status_code == 200 and replies_of(response) == [KEPT]
        assert replies_of(sumarti.post(sent[1])) == [KEPT]  # Twilio's repeat of one SID: kept too, once replayed
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["spool"] == 5
    finally:
        outage.end()

    health = client.get("/healthz")  # the database answers again: the web process replays
    assert health.status_code == 200
    runtime.spool.settle()
    runtime.spool.replay(runtime)
    assert runtime.spool.depth() == 0
    stored, processed, replies = counts(runtime)
    assert (stored, processed) == (5, 5)
    with runtime.sessions() as s:
        order = list(s.scalars(select(InboundMessage.message_sid).order_by(InboundMessage.id)))
        to_sumarti = list(s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == sumarti.number)
                                    .order_by(OutboxMessage.id)))
    assert order[1:] == [f["MessageSid"] for f in sent]  # arrival order
    assert replies > 0 and any("Gempol" in body for body in to_sumarti)  # "jadwal" then "gempol", in that order

    # A replay cut short after its commit (the file not yet removed) adds nothing when run again.
    again = runtime.spool.put(parse_incoming(sent[2]), __import__("storage.db", fromlist=["utcnow"]).utcnow())
    assert runtime.spool.replay(runtime).replayed == 1 and not again.exists()
    assert counts(runtime) == (stored, processed, replies)


def test_scheduler_tick_replays_the_spool(outage_app, own_database, tmp_path):
    runtime = outage_app.extensions["kenduren"]
    client = outage_app.test_client()
    phone = Phone(client)
    outage = Outage(own_database)
    outage.begin(outage_app)
    try:
        assert phone.send("halo") == [KEPT]
    finally:
        outage.end()
    cli = Cli(own_database)
    cli.env["INBOUND_SPOOL_DIR"] = runtime.settings.inbound_spool_dir
    result = cli("scheduler", "tick")
    assert result.exit_code == 0, result.output
    assert "replay_spool" in result.output and runtime.spool.depth() == 0
    assert counts(runtime)[:2] == (1, 1)
    assert counts(runtime)[2] >= 1
    assert "Outbox: sent" in result.output or "Outbox:" in result.output


def test_a_message_spooled_by_another_process_is_seen_after_the_spool_was_found_empty(tmp_path):
    """The webhook lists the spool only when its directory changed since it was found empty: a file
    another worker spools (or a replay removes) changes the directory's mtime."""
    import os
    from datetime import UTC, datetime

    from handlers.inbound import Incoming
    from handlers.inbound_spool import InboundSpool

    web, other = InboundSpool(tmp_path / "spool"), InboundSpool(tmp_path / "spool")
    assert not web.holds_any()  # no directory yet
    (tmp_path / "spool").mkdir()
    os.utime(tmp_path / "spool", ns=(0, 1_000_000_000))  # settled long ago: the empty listing is remembered
    assert not web.holds_any() and not web.holds_any()
    path = other.put(Incoming("SM" + "e" * 32, "whatsapp", "+6281234567890", body="halo"), datetime.now(UTC))
    assert web.holds_any()
    other.remove(path)
    assert not web.holds_any()
