"""Is this request really from Twilio? X-Twilio-Signature checked with twilio's RequestValidator.

Behind a proxy or TLS terminator the request's own URL is the internal one, so the URL Twilio
signed is rebuilt from PUBLIC_BASE_URL. In dry-run (no credentials) only loopback is trusted,
and not a request a proxy forwarded (it arrives from loopback whoever sent it), unless
DRY_RUN_ALLOW_FORWARDED says so.
"""

from __future__ import annotations

import logging

from flask import Request
from functools import lru_cache
from urllib.parse import urlparse

from twilio.request_validator import RequestValidator, add_port, compare, remove_port

from core.settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# Headers a reverse proxy adds: their presence means the loopback address is the proxy's.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP",
                      "X-Client-IP", "CF-Connecting-IP", "True-Client-IP")


def forwarded(request: Request) -> bool:
    return any(h in request.headers for h in FORWARDING_HEADERS)


def from_loopback(request: Request) -> bool:
    addr = request.remote_addr or ""
    return addr in LOOPBACK or addr.startswith("127.")


def signed_url(settings: Settings, request: Request) -> str:
    if not settings.public_base_url:
        return request.url
    path = request.script_root + request.full_path
    return settings.public_base_url.rstrip("/") + (path[:-1] if path.endswith("?") else path)


def is_authentic(settings: Settings, request: Request) -> bool:
    if settings.dry_run:
        if not from_loopback(request):
            return False
        if forwarded(request) and not settings.dry_run_allow_forwarded:
            log.warning("dry-run: refused an unsigned request forwarded by a proxy (set DRY_RUN_ALLOW_FORWARDED=1 "
                        "to accept)")
            return False
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    try:
        return signature_matches(settings.twilio_auth_token, signed_url(settings, request), request.form, signature)
    except Exception as exc:  # a malformed request must be a 403, not a 500
        log.warning("signature check failed with %s", type(exc).__name__)
        return False


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def signature_matches(token: str, url: str, form, signature: str) -> bool:
    """What RequestValidator.validate answers for a form (Twilio signs the URL with or without the
    port, so both are accepted), with the second HMAC computed only when the first does not match
    (validate always computes both)."""
    validator = _validator(token)
    parsed = urlparse(url)
    return (compare(validator.compute_signature(remove_port(parsed), form), signature)
            or compare(validator.compute_signature(add_port(parsed), form), signature))
