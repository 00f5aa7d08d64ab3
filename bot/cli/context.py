"""Shared bits of the CLI: one Runtime per invocation, the Jakarta clock, and the one line an
operator reads when a setting or the database is not usable (never a traceback)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime
from typing import Iterator
from zoneinfo import ZoneInfo

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from core.runtime import Runtime
from core.settings import Settings, SettingsError, mask_url

# Said once, while the recogniser trains at the first start (it is kept for later starts).
PREPARING_NLU = "Menyiapkan pemahaman bahasa (sekali, ±10 detik)…"
URL_EXAMPLE = ("postgresql+psycopg://pengguna:sandi@host:5432/nama_db (PostgreSQL), atau kosongkan "
               "DATABASE_URL untuk SQLite bawaan")


def runtime() -> Runtime:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        from core.logging_setup import configure_logging

        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            fail(str(exc))
        configure_logging("WARNING")
        try:
            root.obj = Runtime(settings)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            fail(database_problem(settings.database_url, exc))
        root.call_on_close(root.obj.dispose)
        if ctx.command.name not in SETS_UP_SCHEMA:
            require_schema(root.obj)
    return root.obj


# Commands that create or upgrade the schema themselves; every other one needs `init` to have run.
SETS_UP_SCHEMA = frozenset({"init", "serve"})


def require_schema(rt) -> None:
    """A database that `init` never set up (or cannot be reached) gets a sentence, not a traceback."""
    from storage.migrate import current_revision

    try:
        revision = current_revision(rt.engine)
    except SQLAlchemyError as exc:
        fail(database_problem(rt.settings.database_url, exc))
    if revision is None:
        fail(f"Database {mask_url(rt.settings.database_url)} belum disiapkan: jalankan `python -m bot init` dulu.")


@contextmanager
def database_answers(rt: Runtime) -> Iterator[None]:
    """Around the first use of the database: one that cannot be reached or opened is one line."""
    try:
        yield
    except (DBAPIError, ArgumentError, NoSuchModuleError) as exc:
        if isinstance(exc, DBAPIError) and not exc.connection_invalidated and exc.statement is not None:
            raise  # the database answered and refused a statement: a fault of ours, shown in full
        fail(database_problem(rt.settings.database_url, exc))


def database_problem(url: str, exc: BaseException) -> str:
    """What is wrong with DATABASE_URL and how to fix it, in one line."""
    shown = mask_url(url)
    if isinstance(exc, NoSuchModuleError):  # (an ArgumentError too)
        scheme = shown.split(":", 1)[0]
        return (f"DATABASE_URL memakai jenis database yang tidak dikenal '{scheme}' ({shown}): "
                f"tulis seperti {URL_EXAMPLE}.")
    if isinstance(exc, ArgumentError):
        return f"DATABASE_URL tidak terbaca ({shown}): tulis seperti {URL_EXAMPLE}."
    if isinstance(exc, ImportError):
        return (f"DATABASE_URL meminta driver '{exc.name or exc}' yang tidak terpasang ({shown}): "
                f"tulis seperti {URL_EXAMPLE}.")
    return (f"Database {shown} tidak dapat dibuka: {_why(url, exc)}. Periksa DATABASE_URL di .env "
            "(host, port, nama database, pengguna, sandi) dan apakah server databasenya berjalan.")


def _why(url: str, exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    try:
        parsed = make_url(url)
        host, port, name = parsed.host or "localhost", parsed.port, parsed.database
    except ArgumentError:
        host, port, name = "?", None, None
    where = f"{host}:{port}" if port else host
    if "Connection refused" in text:
        return f"tidak ada server database yang menerima koneksi di {where}"
    if re.search(r"resolve host|translate host name|Name or service not known|nodename nor servname", text):
        return f"nama host '{host}' tidak dikenal (salah ketik?)"
    if re.search(r"timeout|timed out", text, re.IGNORECASE):
        return f"{where} tidak menjawab"
    if re.search(r'database "[^"]*" does not exist', text):
        return f"database '{name}' belum ada di server itu (buat dulu: createdb {name})"
    if re.search(r'password authentication failed|role "[^"]*" does not exist|no password supplied', text):
        return "pengguna atau sandinya ditolak server"
    if "unable to open database file" in text:
        return f"berkas SQLite {name} tidak dapat dibuka (foldernya ada dan boleh ditulis?)"
    return type(getattr(exc, "orig", None) or exc).__name__


def prepare_recogniser(rt: Runtime) -> None:
    """Build the recogniser now (not on the first resident's message); say so when it trains."""
    from core.nlu import cache_dir_of, is_built

    if not is_built(cache_dir_of(rt.settings)):
        click.echo(PREPARING_NLU, err=True)
    rt.recogniser


def today(rt: Runtime) -> date:
    return datetime.now(ZoneInfo(rt.settings.bot_timezone)).date()


def fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    raise SystemExit(code)
