"""GET /healthz: 200 when the app and its database answer, with the number of stored messages waiting
for the processor (`waiting`: a processor that is down or behind shows here); the inbound spool's depth
either way."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from handlers.processor import waiting

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    runtime = current_app.extensions["kenduren"]
    spooled = runtime.spool.depth()
    try:
        with runtime.sessions() as session:
            waiting_now = waiting(session)  # the database's answer is the check
    except Exception as exc:  # any database failure means "not healthy"
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return jsonify(status="error", database="unavailable", spool=spooled), 503
    if spooled:
        runtime.spool.kick(runtime)  # the database answers again: replay what waited
    return jsonify(status="ok", database="ok", dry_run=runtime.settings.dry_run, spool=spooled, waiting=waiting_now)
