"""Fixtures: real databases (SQLite and PostgreSQL), the app, its client and the CLI runner."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from bot import create_app
from core.runtime import Runtime
from core.settings import PROJECT_DIR, Settings
from storage.db import Base
from storage.loader import load_reference_data
from storage.migrate import upgrade
from tests import dbs
from tests.processing_client import ProcessingClient

# Every app's test client processes the waiting inbound messages after each webhook (see there).
Flask.test_client_class = ProcessingClient


def _reuse_url_builders() -> None:
    """Werkzeug compiles two URL builders per route (Python source → `compile`) each time an app is
    made: ~14 of the ~19 ms of CPU that `create_app` takes, for 40 routes, and the suite makes an app
    for ~1,300 tests. A builder is a function of the route's parsed parts, its defaults and whether it
    appends unknown arguments, never of the app: within one test process it is compiled once per
    route and shared by every app. Servers started by the tests compile theirs as usual."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built: dict = {}

    def _compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        key = (self.rule, tuple(self._trace), append_unknown,
               tuple(sorted((k, repr(v), type(self._converters.get(k)).__name__) for k, v in defaults.items())))
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = _compile_builder


_reuse_url_builders()

BACKENDS = ["sqlite", "postgresql"]
REFERENCE_TABLES = {"kecamatan", "desa", "opd", "layanan"}
# Settings for tests: nothing from the developer's .env or environment leaks in.
BASE_SETTINGS = Settings.from_env(environ={})


def initialised(url: str) -> str:
    """What `python -m bot init` does: migrate and load the reference data."""
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=url))
    upgrade(rt.engine)
    with rt.sessions.begin() as s:
        load_reference_data(s)
    rt.dispose()
    return url


# SQLite files go to memory (tmpfs) where the machine has it: every commit of SQLite's WAL waits for
# the disk (fsync): 3–6 ms on this machine's disk against 0.1–0.3 ms on tmpfs, and a webhook commits
# about three times (test_every_place alone: ~7,500 commits). Same SQLite, same WAL, same files;
# only where they lie.
MEMORY_DIR = Path("/dev/shm")


def _sqlite_dir(tmp_path_factory) -> Path:
    if MEMORY_DIR.is_dir() and os.access(MEMORY_DIR, os.W_OK):
        path = Path(tempfile.mkdtemp(prefix=f"kenduren-test-{dbs.worker()}-", dir=MEMORY_DIR))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        return path
    return tmp_path_factory.mktemp(f"db-{dbs.worker()}")


def new_database(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{_sqlite_dir(tmp_path_factory) / 'test.db'}"
    dbs.require_postgres()
    return dbs.create_postgres_database()


# Tests that drive a real process of their own (a browser, the Rasa action server) are `slow`;
# the sender's kill tests say so themselves. `-m "not slow"` leaves them out of a quick loop.
SLOW_FIXTURES = frozenset({"browser", "action_server"})


_NLU_TRAINER = pytest.StashKey()


def pytest_configure(config):
    """With xdist, train the recogniser once, in a process of its own started before the workers,
    when no artefact is on disk yet (a fresh clone): the workers import and collect meanwhile, run
    the tests that need no recogniser, and load the artefact when they need it (core.nlu's lock
    makes them wait for it rather than train the same model beside it)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None) or config.option.collectonly:
        return
    from core.nlu import is_built

    if not is_built():
        config.stash[_NLU_TRAINER] = subprocess.Popen(
            [sys.executable, "-c", "from core.nlu import build_recogniser; build_recogniser()"],
            cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def pytest_unconfigure(config):
    trainer = config.stash.get(_NLU_TRAINER, None)
    if trainer is not None:
        if trainer.poll() is None:
            trainer.terminate()
        trainer.wait()


# Tests that take seconds each (a real process, hundreds of messages): they start first, so that no
# worker is left running one of them alone at the end while the other has finished (with
# `--dist worksteal`, pyproject's addopts, an idle worker takes the other's queued short tests).
LONG_TESTS = (
    "tests/handlers/test_every_place.py",
    "tests/cli/test_chat_inbox.py",
    "tests/cli/test_newcomer.py",
    "tests/scheduler/test_sending_under_pressure.py",
    "tests/scheduler/test_exactly_once.py::test_killed_sender",
    "tests/scheduler/test_exactly_once.py::test_two_senders",
    "tests/handlers/test_own_affairs.py::test_outside_the_regency",
)


def _runs_long(item) -> bool:
    return item.get_closest_marker("slow") is not None or item.nodeid.startswith(LONG_TESTS)


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their fixtures' parameters
def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: not _runs_long(item))  # stable: the order is kept within each group


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def _databases(tmp_path_factory):
    """{backend: url}, each made on first use and kept to the end of the session: the long tests run
    first (pytest_collection_modifyitems), so the tests switch backends more than once, and a
    parametrised session fixture alone would drop and create its database again at each switch."""
    urls: dict[str, str] = {}
    yield urls
    if "postgresql" in urls:
        dbs.drop_postgres_database(urls["postgresql"])


@pytest.fixture(scope="session")
def database_url(backend, _databases, tmp_path_factory):
    """One migrated database per backend for the whole session, with reference data loaded."""
    if backend not in _databases:
        _databases[backend] = initialised(new_database(backend, tmp_path_factory))
    return _databases[backend]


@pytest.fixture
def fresh_database_url(backend, tmp_path_factory):
    """An empty database of its own, for tests of the schema itself."""
    url = new_database(backend, tmp_path_factory)
    yield url
    if backend == "postgresql":
        dbs.drop_postgres_database(url)


def _clear(rt: Runtime) -> None:
    """Empty every table but the reference data, children first, and start ids again at 1.

    DELETE, not TRUNCATE: a test leaves a few rows, and PostgreSQL's TRUNCATE of ~30 tables
    (new files for each) took 0.7 s per test, a third of the suite."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name != "postgresql":  # SQLite starts again at 1 in an empty table
            for t in tables:
                conn.execute(t.delete())
            return
        # PostgreSQL: one round trip for every table and sequence (31 took ~30 ms per test).
        names = ", ".join(f"'{t.name}'" for t in tables if "id" in t.c)
        conn.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in tables)
                             + "; SELECT setval(seq, 1, false) FROM (SELECT pg_get_serial_sequence(quote_ident(n), 'id')"
                             f" AS seq FROM unnest(ARRAY[{names}]::text[]) AS n) AS s WHERE seq IS NOT NULL")


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    # A spool of its own per test: a message one test spooled must not queue another's.
    return BASE_SETTINGS.with_overrides(database_url=database_url, inbound_spool_dir=str(tmp_path / "spool"))


@pytest.fixture
def rt(settings):
    """A Runtime on a clean database (reference data kept, everything else emptied)."""
    runtime = Runtime(settings)
    _clear(runtime)
    yield runtime
    runtime.dispose()


@pytest.fixture
def app(rt, settings):
    from dataclasses import asdict

    application = create_app(asdict(settings))
    application.config["TESTING"] = True
    yield application
    application.extensions["kenduren"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Cli:
    """Runs `python -m bot …` in-process against the test database."""

    def __init__(self, database_url: str):
        # In-process: a tick or send-worker must not lower the test process's own CPU priority.
        self.env = {"DATABASE_URL": database_url, "SENDER_NICE": "0"}

    def __call__(self, *args: str, input: str | None = None):
        from bot.cli import cli

        return CliRunner().invoke(cli, list(args), env=self.env, input=input, catch_exceptions=False)


@pytest.fixture
def cli(rt, database_url) -> Cli:
    return Cli(database_url)
