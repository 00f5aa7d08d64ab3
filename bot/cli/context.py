"""Shared bits of the CLI: one Runtime per invocation, and the Jakarta clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from core.runtime import Runtime
from core.settings import Settings, mask_url


def runtime() -> Runtime:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        from core.logging_setup import configure_logging

        settings = Settings.from_env()
        configure_logging("WARNING")
        root.obj = Runtime(settings)
        root.call_on_close(root.obj.dispose)
        if ctx.command.name not in SETS_UP_SCHEMA:
            require_schema(root.obj)
    return root.obj


# Commands that create or upgrade the schema themselves; every other one needs `init` to have run.
SETS_UP_SCHEMA = frozenset({"init", "serve"})


def require_schema(rt) -> None:
    """A database that `init` never set up (or cannot be reached) gets a sentence, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.migrate import current_revision

    try:
        revision = current_revision(rt.engine)
    except SQLAlchemyError as exc:
        fail(f"Database {mask_url(rt.settings.database_url)} tidak dapat dibuka ({type(exc).__name__}). "
             "Periksa DATABASE_URL dan apakah server database berjalan.")
    if revision is None:
        fail(f"Database {mask_url(rt.settings.database_url)} belum disiapkan: jalankan `python -m bot init` dulu.")


def today(rt: Runtime) -> date:
    return datetime.now(ZoneInfo(rt.settings.bot_timezone)).date()


def fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    raise SystemExit(code)
