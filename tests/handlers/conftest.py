from dataclasses import asdict

import pytest

from bot import create_app
from tests.whatsapp import Phone, signed_settings


@pytest.fixture
def wa_app(rt, settings):
    application = create_app(asdict(signed_settings(settings)))
    yield application
    application.extensions["kenduren"].dispose()


@pytest.fixture
def wa_client(wa_app):
    return wa_app.test_client()


@pytest.fixture
def phone(wa_client):
    return Phone(wa_client)
