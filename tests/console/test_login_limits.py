"""Login limits that hold and that a stranger cannot turn against a staff member; code requests that
lock nobody out, are capped per number per day and answer alike for any number; failed logins and
lockouts in the log with the masked number and the client address."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict

from sqlalchemy import func, select

from bot import create_app
from bot.console import auth
from bot.console.limits import (
    MAX_CODES_PER_PHONE_PER_DAY, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_PAIR, PHONE_UNDER_ATTACK,
)
from storage.models import ConsoleLoginCode, OutboxMessage
from tests.console.conftest import ADMIN, PASSWORD, RINA, Console

STRANGER = "203.0.113.66"
RINAS_OFFICE = "198.51.100.10"


def at(address: str) -> dict:
    return {"environ_overrides": {"REMOTE_ADDR": address}}


def fresh(app) -> Console:
    c = Console(app.test_client())
    c.get("/console/login")
    return c


def guess(c: Console, phone: str = RINA, address: str = STRANGER, password: str = "tebakan-salah"):
    status = c.post("/console/login", {"phone": phone, "password": password}, **at(address)).status_code
    if status == 302:
        c.get("/console/", **at(address))  # a login gives the session a new csrf_token
    return status


def codes_sent(rt, phone: str = RINA) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "login_code", OutboxMessage.to_phone == phone))


def test_a_strangers_guesses_lock_only_the_stranger(app, world):
    stranger = fresh(app)
    assert [guess(stranger) for _ in range(MAX_FAILURES_PER_PAIR)] == [401] * MAX_FAILURES_PER_PAIR
    assert guess(stranger) == 429
    assert guess(stranger, password=PASSWORD) == 429  # even the right password, from the stranger's address
    # Rina from her office (no failures there) logs in at once.
    assert guess(fresh(app), address=RINAS_OFFICE, password=PASSWORD) == 302


def test_a_known_device_logs_in_whoever_guesses_from_its_address(app, world):
    """Rina's phone and a stranger share an address (a mobile carrier's NAT): her device keeps its own
    allowance once it has logged in there before."""
    rina = fresh(app)
    assert guess(rina, address=STRANGER, password=PASSWORD) == 302
    rina.post("/console/logout", **at(STRANGER))
    stranger = fresh(app)
    results = [guess(stranger) for _ in range(MAX_FAILURES_PER_ADDRESS + 3)]
    assert results.count(401) == MAX_FAILURES_PER_PAIR and results[-1] == 429
    assert [guess(stranger, phone=ADMIN) for _ in range(3)] == [429] * 3  # the address is closed for all
    rina.get("/console/login", **at(STRANGER))
    assert guess(rina, address=STRANGER, password=PASSWORD) == 302  # the device cookie: her own allowance


def test_a_forged_device_cookie_gets_no_allowance(app, world):
    stranger = fresh(app)
    stranger.client.set_cookie("km_device", "eyJwIjoiYWJjIiwiZCI6Inh4eHh4eHh4In0.forged.sig", path="/console/login")
    for _ in range(MAX_FAILURES_PER_PAIR):
        assert guess(stranger) == 401
    assert guess(stranger) == 429
    # Rina's genuine cookie is for her phone only: it opens no allowance for another number.
    rina = fresh(app)
    assert guess(rina, address=STRANGER, password=PASSWORD) == 429
    assert guess(rina, address=RINAS_OFFICE, password=PASSWORD) == 302
    for _ in range(MAX_FAILURES_PER_PAIR):
        guess(rina, phone=ADMIN, address=STRANGER)
    assert guess(rina, phone=ADMIN, address=STRANGER, password=PASSWORD) == 429


def test_guessing_from_many_addresses_is_slowed_but_a_fresh_address_still_gets_in(app, world):
    attacker = fresh(app)
    for n in range(PHONE_UNDER_ATTACK):  # one guess from each of many addresses
        assert guess(attacker, address=f"192.0.2.{n + 1}") == 401
    # Under attack: each further address gets a single try, not five.
    assert guess(attacker, address="192.0.2.200") == 401
    assert guess(attacker, address="192.0.2.200") == 429
    assert guess(attacker, address="192.0.2.201") == 401
    assert guess(attacker, address="192.0.2.201") == 429
    # Rina on a fresh address with the right password: in.
    assert guess(fresh(app), address=RINAS_OFFICE, password=PASSWORD) == 302


def test_code_requests_lock_nobody_out_and_are_capped_per_day(app, world, rt):
    stranger = fresh(app)
    for _ in range(MAX_CODES_PER_PHONE_PER_DAY):
        assert stranger.post("/console/login/kode", {"phone": RINA}, **at(STRANGER)).status_code == 200
    assert codes_sent(rt) == MAX_CODES_PER_PHONE_PER_DAY
    # Rina's password from the stranger's own address still works: code requests are no failed logins.
    assert guess(fresh(app), address=STRANGER, password=PASSWORD) == 302
    # The day's cap holds from any other address too.
    other = fresh(app)
    assert other.post("/console/login/kode", {"phone": RINA}, **at("192.0.2.55")).status_code == 429
    assert codes_sent(rt) == MAX_CODES_PER_PHONE_PER_DAY


def test_the_code_sender_answers_alike_for_any_number(app, world, rt, monkeypatch):
    monkeypatch.setattr(auth, "CODE_SENDER_SECONDS", 0.3)
    answers = {}
    for phone in (RINA, "+6281311111111"):
        c = fresh(app)
        started = time.monotonic()
        response = c.post("/console/login/kode", {"phone": phone}, **at(STRANGER))
        took = time.monotonic() - started
        html = response.get_data(as_text=True).replace(phone, "").replace("0812-9876-5432", "")
        answers[phone] = (response.status_code, html.split('name="csrf_token" value="')[0])
        assert took >= 0.3  # padded: the ~110 ms of a real send no longer tells a staff number
    assert answers[RINA] == answers["+6281311111111"]
    assert codes_sent(rt) == 1 and codes_sent(rt, "+6281311111111") == 0


def test_login_codes_are_kept_only_as_hashes(app, world, rt):
    fresh(app).post("/console/login/kode", {"phone": RINA})
    with rt.sessions() as s:
        body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "login_code")).one()
        code = body.split("*")[1]
        stored = s.scalars(select(ConsoleLoginCode.code_hash)).one()
    assert code not in stored and stored.startswith("scrypt:")


def test_failed_logins_and_lockouts_are_logged_with_masked_number_and_address(app, world, caplog):
    caplog.set_level(logging.INFO, logger="bot.console.auth")
    stranger = fresh(app)
    for _ in range(MAX_FAILURES_PER_PAIR + 1):
        guess(stranger)
    failed = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(failed) == MAX_FAILURES_PER_PAIR and len(refused) == 1
    for line in failed + refused:
        assert STRANGER in line
    from core.logging_setup import mask_log_text

    for line in failed + refused:
        masked = mask_log_text(line)
        assert "+62812****432" in masked and "98765432" not in masked and STRANGER in masked


def test_behind_a_trusted_proxy_the_client_address_counts(rt, settings, world):
    """TRUSTED_PROXIES=1: X-Forwarded-For's last hop is the client; without it a forged header changes nothing."""
    proxied = create_app({**asdict(settings), "console_secret_key": "k", "trusted_proxies": 1})
    try:
        stranger = fresh(proxied)
        fwd = {"X-Forwarded-For": STRANGER}
        for _ in range(MAX_FAILURES_PER_PAIR):
            assert stranger.post("/console/login", {"phone": RINA, "password": "x" * 12}, headers=fwd,
                                 **at("127.0.0.1")).status_code == 401
        assert stranger.post("/console/login", {"phone": RINA, "password": PASSWORD}, headers=fwd,
                             **at("127.0.0.1")).status_code == 429
        # Rina through the same proxy, from her own address: in.
        rina = fresh(proxied)
        assert rina.post("/console/login", {"phone": RINA, "password": PASSWORD},
                         headers={"X-Forwarded-For": f"10.9.9.9, {RINAS_OFFICE}"}, **at("127.0.0.1")).status_code == 302
    finally:
        proxied.extensions["kenduren"].dispose()


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(app, world):
    stranger = fresh(app)
    for n in range(MAX_FAILURES_PER_PAIR):
        assert stranger.post("/console/login", {"phone": RINA, "password": "x" * 12},
                             headers={"X-Forwarded-For": f"192.0.2.{n}"}, **at(STRANGER)).status_code == 401
    assert stranger.post("/console/login", {"phone": RINA, "password": "x" * 12},
                         headers={"X-Forwarded-For": "192.0.2.99"}, **at(STRANGER)).status_code == 429


def test_an_ipv6_host_counts_as_its_64(app, world):
    """Rotating through one's own /64 (2**64 addresses) gets no fresh allowance."""
    from bot.console.limits import address_bucket

    assert address_bucket("2001:db8:1:2::1") == address_bucket("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_bucket("203.0.113.5") == "203.0.113.5" and address_bucket("::ffff:203.0.113.5") == "203.0.113.5"
    stranger = fresh(app)
    for n in range(MAX_FAILURES_PER_PAIR):
        assert guess(stranger, address=f"2001:db8:1:2::{n + 1:x}") == 401
    assert guess(stranger, address="2001:db8:1:2::abcd") == 429
    assert guess(fresh(app), address="2001:db8:9:9::1", password=PASSWORD) == 302
