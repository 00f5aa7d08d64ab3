"""Is this request really from Twilio? X-Twilio-Signature checked with twilio's RequestValidator.

Behind a proxy or TLS terminator the request's own URL is the internal one, so the URL Twilio
signed is rebuilt from PUBLIC_BASE_URL. In dry-run (no credentials) only loopback is trusted.
"""

from __future__ import annotations

import logging

from flask import Request
from twilio.request_validator import RequestValidator

from bot.settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def signed_url(settings: Settings, request: Request) -> str:
    if not settings.public_base_url:
        return request.url
    path = request.script_root + request.full_path
    return settings.public_base_url.rstrip("/") + (path[:-1] if path.endswith("?") else path)


def is_authentic(settings: Settings, request: Request) -> bool:
    if settings.dry_run:
        return (request.remote_addr or "") in LOOPBACK or (request.remote_addr or "").startswith("127.")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    try:
        return RequestValidator(settings.twilio_auth_token).validate(signed_url(settings, request), request.form, signature)
    except Exception as exc:  # a malformed request must be a 403, not a 500
        log.warning("signature check failed with %s", type(exc).__name__)
        return False
