"""The limits under real concurrent HTTP requests, spread over two web instances on one database (the
check-then-act version let 12 concurrent wrong passwords all be checked on PostgreSQL, limit 5, and
queued 12 codes, cap 5); and the outbox row that carried a login code scrubbed once Twilio has it."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot import create_app
from bot.console.limits import MAX_CODES_PER_PHONE_PER_DAY, MAX_FAILURES_PER_PAIR
from scheduler.sender import drain_outbox
from storage.db import utcnow
from storage.models import OutboxMessage
from tests.console.conftest import PASSWORD, RINA, Console
from tests.whatsapp import signed_settings

CONCURRENT = 12


class Served:
    """One web instance on a real loopback port (werkzeug's threaded server, as `bot serve` runs it)."""

    def __init__(self, settings):
        self.app = create_app({**asdict(settings), "console_secret_key": "shared-key-of-all-instances"})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()
        self.thread.join(10)
        self.app.extensions["kenduren"].dispose()


@pytest.fixture
def instances(rt, settings, world):
    served = [Served(settings), Served(settings)]
    yield served
    for one in served:
        one.close()


def _ready_browser(url: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    page = browser.get(url + "/console/login", timeout=30).text
    return browser, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _all_at_once(instances, path: str, form: dict) -> list[int]:
    """CONCURRENT browsers, each with its session and csrf_token, posting at the same moment,
    alternating between the two instances."""
    ready = [_ready_browser(instances[i % 2].url) + (instances[i % 2].url,) for i in range(CONCURRENT)]
    start = threading.Barrier(CONCURRENT)

    def post(browser_token_url):
        browser, token, url = browser_token_url
        start.wait(30)
        response = browser.post(url + path, data={**form, "csrf_token": token}, allow_redirects=False, timeout=60)
        browser.close()
        return response.status_code

    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(pool.map(post, ready))


def test_concurrent_wrong_passwords_are_checked_only_up_to_the_limit(instances):
    statuses = _all_at_once(instances, "/console/login", {"phone": RINA, "password": "tebakan-salah"})
    assert sorted(statuses) == [401] * MAX_FAILURES_PER_PAIR + [429] * (CONCURRENT - MAX_FAILURES_PER_PAIR)
    browser, token = _ready_browser(instances[0].url)
    limited = browser.post(instances[0].url + "/console/login", data={"phone": RINA, "password": PASSWORD,
                                                                     "csrf_token": token}, allow_redirects=False)
    assert limited.status_code == 429  # from this address the pair stays closed


def test_concurrent_code_requests_send_no_more_than_the_cap(instances, rt):
    statuses = _all_at_once(instances, "/console/login/kode", {"phone": RINA})
    sent = MAX_CODES_PER_PHONE_PER_DAY
    assert sorted(statuses) == [200] * sent + [429] * (CONCURRENT - sent)
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "login_code")) == sent


def test_the_code_leaves_the_outbox_once_sent(rt, settings, world, signed_twilio):
    from storage.models import Staff

    live = signed_settings(settings).with_overrides(
        twilio_account_sid=signed_twilio.account_sid, twilio_api_base_url=signed_twilio.base_url,
        console_secret_key="k",
        templates={"login_code": "HX" + "c" * 32})
    app = create_app(asdict(live))
    try:
        with rt.sessions.begin() as s:  # inside the 24-hour window or not, the code goes out
            s.scalars(select(Staff).where(Staff.phone == RINA)).one().last_inbound_at = utcnow()
        c = Console(app.test_client())
        c.get("/console/login")
        assert c.post("/console/login/kode", {"phone": RINA}).status_code == 200
        drain_outbox(app.extensions["kenduren"], utcnow())
        received = signed_twilio.sent_to(RINA)[-1].form
        code = re.search(r"\d{6}", received.get("Body") or received.get("ContentVariables", "")).group(0)
        with rt.sessions() as s:
            row = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "login_code")).one()
            assert row.twilio_sid and code not in row.body and not row.template_vars
            assert "dihapus" in row.body
        assert c.post("/console/login", {"phone": RINA, "password": code}).status_code == 302  # the hash still opens
    finally:
        app.extensions["kenduren"].dispose()
