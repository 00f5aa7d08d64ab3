"""Engine and session set-up. Nothing connects at import: callers build an engine from a URL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def database_now(connection) -> datetime:
    """The database's clock: the instant every process agrees on, whatever its own clock or a
    simulated `--now` says. Leases (who holds an outbox row, until when) and the shared send pace
    are kept on it. A SQLite file lives on one machine, whose clock it is."""
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SELECT clock_timestamp()").scalar_one().astimezone(UTC)
    return utcnow()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite keeps no zone, so values are stored as naive UTC there and made aware again on load;
    PostgreSQL stores `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, **kwargs) -> Engine:
    # Error messages and logs never carry bound values: they are residents' numbers and words.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite's default deferred transactions let two writers deadlock on upgrade from read
        # to write lock; BEGIN IMMEDIATE serialises a unit of work from its start instead.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    # No pre-ping: it costs a round trip on every checkout (a fifth of the webhook's CPU). A
    # connection found dead is invalidated on first use and the caller retries (see
    # storage.db.retry_on_disconnect); recycling keeps idle connections from going stale.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    # Connections kept open for reuse. A send-worker runs up to 16 broadcast threads and 8
    # residents' threads, each holding a connection now and then: with SQLAlchemy's default of 5,
    # the others were opened and closed per use (1.3 new PostgreSQL connections per reply sent,
    # bench/sender_profile.py). Connections are only opened when threads use them at once, so a
    # web process with 4 threads still holds about 4.
    kwargs.setdefault("pool_size", 16)
    if url.startswith("postgresql"):
        # A database host that does not answer must fail a webhook well inside Twilio's 15 s,
        # so the message can still be spooled (handlers.inbound_spool) and answered.
        connect_args = dict(kwargs.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", 5)
        kwargs["connect_args"] = connect_args
    return create_engine(url, **kwargs)


def retry_on_disconnect(work, attempts: int = 2):
    """Run `work()` again when the database connection turned out to be dead (server restart,
    idle timeout): the pool has already thrown the connection away, the next try gets a new one."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if not exc.connection_invalidated or attempt == attempts - 1:
                raise


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN; pysqlite's own would come too late.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
