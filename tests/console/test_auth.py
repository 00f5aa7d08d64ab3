"""Console login: password and one-time code, cookies, expiry, rate limit, CSRF, fail-closed routes."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.console.security import secret_key
from storage.models import ConsoleLoginCounter, OutboxMessage
from tests.console.conftest import ADMIN, PASSWORD, RINA, session_cookie
from tests.conftest import BASE_SETTINGS


def test_anonymous_is_sent_to_login(console, world):
    for path in ("/console/", "/console/tiket", f"/console/tiket/{world.capil_ticket}"):
        response = console.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/console/login?next=")


def test_login_with_password_redirects_home_and_sets_safe_cookie(console, world):
    page = console.get("/console/login")
    html = page.get_data(as_text=True)
    for field in ('name="phone"', 'name="password"', 'name="csrf_token"', 'for="phone"', 'for="password"'):
        assert field in html
    response = console.post("/console/login", {"phone": "0812-9876-5432", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # PUBLIC_BASE_URL is not https in this app
    home = console.get("/console/")
    assert home.status_code == 200 and "Bu Rina" in home.get_data(as_text=True)


def test_cookie_is_secure_behind_https(rt, settings, world):
    from dataclasses import asdict

    from bot import create_app
    from tests.console.conftest import Console

    app = create_app({**asdict(settings), "console_secret_key": "k", "public_base_url": "https://bot.example.go.id"})
    try:
        c = Console(app.test_client())
        response = c.login(RINA)
        assert "Secure" in session_cookie(response)
    finally:
        app.extensions["kenduren"].dispose()


def test_wrong_password_and_unknown_phone_get_the_same_answer(console, world):
    wrong = console.post("/console/login", {"phone": RINA, "password": "salah-sekali"})
    unknown = console.post("/console/login", {"phone": "+6281311111111", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert "Nomor atau kata sandi/kode salah" in wrong.get_data(as_text=True)
    assert console.get("/console/").status_code == 302


def test_login_attempts_are_limited_in_the_database(console, world, rt):
    for _ in range(5):
        assert console.post("/console/login", {"phone": RINA, "password": "salah-sekali"}).status_code == 401
    limited = console.post("/console/login", {"phone": RINA, "password": PASSWORD})
    assert limited.status_code == 429 and "Terlalu banyak percobaan" in limited.get_data(as_text=True)
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ConsoleLoginCounter)) >= 3
        # Attempts are kept by hash only: no phone number in the table.
        assert not any("628" in k for k in s.scalars(select(ConsoleLoginCounter.key)))
    # Another staff member on another address is not locked out by Rina's typos.
    from tests.console.conftest import Console
    other = Console(console.client.application.test_client())
    other.get("/console/login")
    response = other.post("/console/login", {"phone": ADMIN, "password": PASSWORD},
                          environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_post_without_csrf_token_is_refused(console, world, as_role):
    assert console.post("/console/login", {"phone": RINA, "password": PASSWORD}, csrf=False).status_code == 400
    rina = as_role(RINA)
    refused = rina.post(f"/console/tiket/{world.capil_ticket}", {"action": "ambil"}, csrf=False)
    assert refused.status_code == 400
    forged = rina.post(f"/console/tiket/{world.capil_ticket}", {"action": "ambil", "csrf_token": "forged"})
    assert forged.status_code == 400


def test_session_expires(app, world, as_role, monkeypatch):
    rina = as_role(RINA)
    assert rina.get("/console/").status_code == 200
    lifetime = app.extensions["kenduren"].settings.console_session_minutes * 60
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + lifetime + 1)
    response = rina.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_logout_ends_the_session(world, as_role):
    rina = as_role(RINA)
    assert rina.post("/console/logout").status_code == 302
    assert rina.get("/console/").status_code == 302


def test_one_time_code_over_whatsapp(console, world, rt):
    response = console.post("/console/login/kode", {"phone": RINA})
    assert response.status_code == 200 and "kode masuk sudah dikirim" in response.get_data(as_text=True)
    with rt.sessions() as s:
        body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == RINA,
                                                          OutboxMessage.kind == "login_code")).one()
    code = body.split("*")[1]
    assert code.isdigit() and len(code) == 6
    assert console.post("/console/login", {"phone": RINA, "password": code}).status_code == 302
    # Used once: the same code does not open a second session.
    from tests.console.conftest import Console
    again = Console(console.client.application.test_client())
    again.get("/console/login")
    assert again.post("/console/login", {"phone": RINA, "password": code}).status_code == 401


def test_code_request_for_unknown_number_says_the_same_and_sends_nothing(console, world, rt):
    response = console.post("/console/login/kode", {"phone": "+6281311111111"})
    assert "kode masuk sudah dikirim" in response.get_data(as_text=True)
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "login_code")) == 0


def test_next_only_inside_the_console(console, world):
    console.get("/console/login")
    response = console.post("/console/login", {"phone": RINA, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/console/"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    path = tmp_path / "instance" / "console_secret_key"
    first = secret_key(BASE_SETTINGS, path)
    assert len(first) == 64 and secret_key(BASE_SETTINGS, path) == first
    assert (path.stat().st_mode & 0o777) == 0o600
    assert secret_key(BASE_SETTINGS.with_overrides(console_secret_key="given"), path) == "given"


def test_every_console_route_declares_who_may_open_it(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint == "console.static":
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "console_roles", None) or getattr(view, "console_public", False), rule.rule


def test_static_assets_are_served_by_the_app(console):
    response = console.get("/console/static/console.css")
    assert response.status_code == 200 and "text/css" in response.content_type


def test_bare_address_leads_to_the_console(console):
    response = console.client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
