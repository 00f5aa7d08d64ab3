"""Dry-run behind a reverse proxy on the same host: every request arrives from 127.0.0.1, so an
unsigned one that a proxy forwarded is refused unless a setting explicitly accepts it."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bot import create_app
from bot.cli.core import dry_run_banner
from tests.whatsapp import Phone

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture
def dry_client_of(rt, settings):
    apps = []

    def make(**overrides):
        app = create_app(asdict(settings.with_overrides(**overrides)))
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["kenduren"].dispose()


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host"])
def test_forwarded_unsigned_request_is_refused_by_default(dry_client_of, header):
    client = dry_client_of()
    form = Phone(client).form("halo")
    value = "for=203.0.113.9" if header == "Forwarded" else "203.0.113.9"
    assert client.post("/twilio/messages", data=form, environ_base=LOOPBACK, headers={header: value}).status_code == 403
    assert client.post("/twilio/messages", data=form, environ_base=LOOPBACK).status_code == 200  # direct: fine


def test_the_setting_accepts_forwarded_requests(dry_client_of):
    client = dry_client_of(dry_run_allow_forwarded=True)
    form = Phone(client).form("halo")
    assert client.post("/twilio/messages", data=form, environ_base=LOOPBACK,
                       headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200


def test_the_banner_says_which(settings):
    assert "ditolak" in dry_run_banner(settings)
    assert "DRY_RUN_ALLOW_FORWARDED aktif" in dry_run_banner(settings.with_overrides(dry_run_allow_forwarded=True))


def test_the_setting_is_read_from_the_environment():
    from core.settings import Settings

    assert Settings.from_env(environ={"DRY_RUN_ALLOW_FORWARDED": "1"}).dry_run_allow_forwarded is True
    assert Settings.from_env(environ={}).dry_run_allow_forwarded is False
