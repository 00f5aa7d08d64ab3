"""What every response of the app carries, and who the client is behind the README's reverse proxy.

Security headers are set app-wide (the console, /healthz, /twilio/*, 404/405/500 pages alike); HSTS
when PUBLIC_BASE_URL is https. TRUSTED_PROXIES=n trusts the last n X-Forwarded-For/-Proto hops
(werkzeug's ProxyFix), so `request.remote_addr` is the client's, not the proxy's; with 0 a forged
X-Forwarded-For changes nothing.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

from core.settings import Settings

# Everything is served by the app itself: no other origin is needed, and no inline script runs.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
                           "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
HSTS = "max-age=31536000; includeSubDomains"
SERVER_NAME = "kenduren-mas"


def is_https(settings: Settings) -> bool:
    return settings.public_base_url.lower().startswith("https://")


def is_local_dry_run(settings: Settings) -> bool:
    """Dry-run on this machine over plain http (no PUBLIC_BASE_URL, or an http://127.0.0.1/localhost one)."""
    url = settings.public_base_url.lower().rstrip("/")
    local = not url or any(url == base or url.startswith(base + ":") or url.startswith(base + "/")
                           for base in ("http://127.0.0.1", "http://localhost", "http://[::1]"))
    return settings.dry_run and local


def cookie_secure(settings: Settings) -> bool:
    """The session cookie is Secure everywhere but a local dry-run on plain http."""
    return not is_local_dry_run(settings)


def install(app: Flask, settings: Settings) -> None:
    if settings.trusted_proxies > 0:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    defaults = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "same-origin"), ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                ("Cross-Origin-Opener-Policy", "same-origin"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")]
    if is_https(settings):
        defaults.append(("Strict-Transport-Security", HSTS))
    no_store = ("Cache-Control", "no-store")

    @app.after_request
    def _security_headers(response):
        # Each header only where the view set none of its own (setdefault), with the names the
        # response has read once: on every webhook this ran ~8 look-ups of werkzeug's Headers.
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        for name, value in (*defaults, no_store) if request.endpoint != "console.static" else defaults:
            if name.lower() not in present:
                headers.add(name, value)
        return response


class QuietRequestHandler(WSGIRequestHandler):
    """`bot serve`'s handler: `Server: kenduren-mas`, not `Werkzeug/3.x Python/3.x`."""

    def version_string(self) -> str:
        return SERVER_NAME
