"""The operators' web console under /console/: server-rendered pages for admins, petugas and kepala desa.

Each page group is one module that adds its routes to `bot.console.blueprint.bp`; a new page group
is one more module listed in PAGES. Every route declares the roles that may open it
(`bot.console.access.allow`), and row ownership is checked in the route itself.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from flask import Flask, redirect, url_for

PAGES = ("auth", "home", "tickets", "schedule", "proposals", "reports", "antrean", "kecamatan", "persiapan", "poster", "evaluasi")


def init_console(app: Flask, runtime) -> None:
    from bot.console import access, formatting  # noqa: F401  (guards and filters join the blueprint)
    from bot.console.blueprint import bp
    from bot.console.security import secret_key
    from bot.web_security import cookie_secure

    settings = runtime.settings
    app.secret_key = secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME="km_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure(settings),
        SESSION_COOKIE_PATH="/console",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.console_session_minutes),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # a schedule CSV is a few kilobytes
    )
    for name in PAGES:
        import_module(f"bot.console.{name}")
    app.register_blueprint(bp)
    # `/` used to be a 404: an operator who types the bare address lands on the console.
    app.add_url_rule("/", "root", lambda: redirect(url_for("console.home")))
