"""GET /healthz: 200 when the app and its database answer; the inbound spool's depth either way."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    runtime = current_app.extensions["kenduren"]
    spooled = runtime.spool.depth()
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy"
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return jsonify(status="error", database="unavailable", spool=spooled), 503
    if spooled:
        runtime.spool.kick(runtime)  # the database answers again: replay what waited
    return jsonify(status="ok", database="ok", dry_run=runtime.settings.dry_run, spool=spooled)
