"""Test databases: a SQLite file, or a PostgreSQL database created and dropped by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001  (any failure means: no PostgreSQL here)
        return f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).render_as_string(hide_password=True)} ({type(exc).__name__})"


def require_postgres() -> None:
    import pytest  # here, so that the benchmarks can borrow this module without pytest

    reason = postgres_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must test on PostgreSQL")
    pytest.skip(f"{reason}; PostgreSQL tests skipped on this machine (set TEST_POSTGRES_URL)")


def _admin(statement: str, admin_url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def worker() -> str:
    """The pytest-xdist worker this process is ("gw0", "gw1" …), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def create_postgres_database(prefix: str = "kenduren_test", admin_url: str = PG_ADMIN_URL) -> str:
    """A database of its own, named after the xdist worker that made it (a leftover tells whose)."""
    name = f"{prefix}_{worker()}_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"', admin_url)
    # A test database is thrown away: its commits need not wait for the WAL to reach the disk
    # (the shared server's other databases keep their durability).
    _admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off', admin_url)
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str, admin_url: str = PG_ADMIN_URL, *, wait: bool = False) -> None:
    """Drop a test database. PostgreSQL checkpoints for every DROP DATABASE, which on a busy server
    took 3–13 s; so unless `wait`, a detached process of its own does it while the tests go on (it
    ends by itself; a leftover's name says which xdist worker made it)."""
    statement = f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
    if wait:
        _admin(statement, admin_url)
        return
    code = ("import sys; from sqlalchemy import create_engine, text; "
            "engine = create_engine(sys.argv[1], isolation_level='AUTOCOMMIT'); "
            "conn = engine.connect(); conn.execute(text(sys.argv[2])); conn.close(); engine.dispose()")
    # Started in the background by a shell that exits at once: the dropper is nobody's child here.
    subprocess.run(["/bin/sh", "-c", '"$@" </dev/null >/dev/null 2>&1 &', "drop", sys.executable, "-c", code,
                    admin_url, statement], check=True)
