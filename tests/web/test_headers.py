"""Security headers on every response of the app, HSTS behind https, no versions in `Server`, and
the console cookie Secure everywhere but a local dry-run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path

import pytest

from bot import create_app

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _make(settings, **overrides):
    app = create_app({**asdict(settings), "console_secret_key": "k", **overrides})
    app.config["TESTING"] = True
    return app


def _requests(client):
    """A response of each kind: JSON, TwiML webhook refusals, 404/405 pages, console pages and static."""
    yield "healthz", client.get("/healthz")
    yield "webhook forged", client.post("/twilio/messages", data={"From": "whatsapp:+6281234567890", "Body": "x"},
                                        environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    yield "webhook GET", client.get("/twilio/messages")
    yield "status forged", client.post("/twilio/status", data={}, environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    yield "404", client.get("/tidak-ada")
    yield "console 404", client.get("/console/tidak-ada")
    yield "root", client.get("/")
    yield "login", client.get("/console/login")
    yield "console redirect", client.get("/console/")


def test_every_kind_of_response_carries_the_headers(rt, settings):
    app = _make(settings)
    try:
        client = app.test_client()
        seen = set()
        for name, response in _requests(client):
            seen.add(response.status_code)
            for header, value in EXPECTED.items():
                assert response.headers.get(header) == value, (name, response.status_code, dict(response.headers))
            csp = response.headers.get("Content-Security-Policy", "")
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, name
            assert response.headers.get("Cache-Control") == "no-store", name
            assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS
            response.close()
        assert {200, 302, 403, 404, 405} <= seen
    finally:
        app.extensions["kenduren"].dispose()


def test_hsts_when_the_public_address_is_https(rt, settings):
    app = _make(settings, public_base_url="https://bot.example.go.id")
    try:
        client = app.test_client()
        for name, response in _requests(client):
            assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=31536000"), name
            response.close()
    finally:
        app.extensions["kenduren"].dispose()


@pytest.mark.parametrize(("overrides", "secure"), [
    ({}, False),                                                        # dry-run, no public address
    ({"public_base_url": "http://127.0.0.1:5000"}, False),              # dry-run on loopback over http
    ({"public_base_url": "https://bot.example.go.id"}, True),           # dry-run behind https
    ({"public_base_url": "http://bot.example.go.id"}, True),            # dry-run on a plain-http host
    ({"public_base_url": "http://127.0.0.1:5000", "twilio_account_sid": "AC" + "0" * 32,
      "twilio_auth_token": "t" * 32}, True),                            # live, even on loopback
])
def test_the_console_cookie_is_secure_unless_local_dry_run(rt, settings, world, overrides, secure):
    from tests.console.conftest import RINA, Console, session_cookie

    app = _make(settings, **overrides)
    try:
        c = Console(app.test_client())
        response = c.login(RINA)
        assert response.status_code == 302
        assert ("Secure" in session_cookie(response)) is secure
    finally:
        app.extensions["kenduren"].dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bot_serve_names_no_versions(database_url, tmp_path):
    """`python -m bot serve` for real: `Server` says what it is, not Werkzeug's and Python's versions."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), CONSOLE_SECRET_KEY="k",
               INBOUND_SPOOL_DIR=str(tmp_path / "spool"))
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
                                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    server = response.headers["Server"]
                    assert response.headers["X-Content-Type-Options"] == "nosniff"
                break
            except urllib.error.URLError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("bot serve did not start: " + log.read_text()[-2000:])
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/tidak-ada", timeout=5)
        assert missing.value.code == 404 and missing.value.headers["Server"] == server
        missing.value.close()
        assert server == "kenduren-mas"
        assert "Werkzeug" not in server and "Python" not in server and not any(c.isdigit() for c in server)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def test_a_500_page_carries_the_headers_too(rt, settings):
    app = _make(settings)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    try:
        response = app.test_client().get("/boom-for-test")
        assert response.status_code == 500
        for header, value in EXPECTED.items():
            assert response.headers.get(header) == value
        assert "Traceback" not in response.get_data(as_text=True)
    finally:
        app.extensions["kenduren"].dispose()
