"""Kenduren Mas bot: the WhatsApp/SMS assistant of Pemkab Pasuruan's mobile public-service caravan."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from core.runtime import Runtime
from core.settings import Settings


def create_app(overrides: Mapping[str, Any] | None = None, *, announce_dry_run: bool = True) -> Flask:
    """Flask app factory. `overrides` replace settings by name (e.g. {"database_url": …}).
    `announce_dry_run=False`: the caller says DRY-RUN itself (`serve`'s banner), so it is said once."""
    from core.logging_setup import configure_logging
    from bot.routes import health, twilio_webhooks

    settings = Settings.from_env(**dict(overrides or {}))
    configure_logging(settings.log_level)
    app = Flask(__name__, instance_relative_config=False)
    from bot.console.forms import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route: no id beyond the database's
    runtime = Runtime(settings)
    runtime.registry  # the flow declarations are checked at start-up, not on the first message
    app.extensions["kenduren"] = runtime
    app.register_blueprint(health.bp)
    app.register_blueprint(twilio_webhooks.bp)
    from bot.console import init_console
    from bot.web_security import install

    install(app, settings)
    init_console(app, runtime)
    if announce_dry_run:
        warn_if_dry_run(settings)
    return app


def warn_if_dry_run(settings: Settings) -> None:
    """The DRY-RUN warning, once per server: by create_app, or by gunicorn's master before its
    workers (gunicorn.conf.py), whose apps are made with announce_dry_run=False (Procfile)."""
    if settings.dry_run:
        import logging

        logging.getLogger("bot").warning(
            "DRY-RUN: no Twilio credentials; nothing is sent, and unsigned webhooks are accepted from loopback only, %s",
            "forwarded ones included (DRY_RUN_ALLOW_FORWARDED)" if settings.dry_run_allow_forwarded
            else "not when a proxy forwarded them (X-Forwarded-For …; DRY_RUN_ALLOW_FORWARDED=1 accepts them)")


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["kenduren"]
