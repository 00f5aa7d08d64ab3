"""Shared bits of the CLI: one Runtime per invocation, and the Jakarta clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from bot.runtime import Runtime
from bot.settings import Settings


def runtime() -> Runtime:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        from bot.logging_setup import configure_logging

        settings = Settings.from_env()
        configure_logging("WARNING")
        root.obj = Runtime(settings)
        root.call_on_close(root.obj.dispose)
        if ctx.command.name not in SETS_UP_SCHEMA:
            from bot.cli.core import require_schema

            require_schema(root.obj)
    return root.obj


# Commands that create or upgrade the schema themselves; every other one needs `init` to have run.
SETS_UP_SCHEMA = frozenset({"init", "serve"})


def today(rt: Runtime) -> date:
    return datetime.now(ZoneInfo(rt.settings.bot_timezone)).date()


def fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    raise SystemExit(code)
