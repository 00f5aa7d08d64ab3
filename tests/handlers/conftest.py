from dataclasses import asdict

import pytest

from sqlalchemy import select

from bot import create_app
from storage.models import Opd, Staff, StaffRole
from tests.sending import fake_twilio, signed_twilio, trt  # noqa: F401 (fixtures: sending through the fake Twilio)
from tests.whatsapp import BUDI, RINA, Phone, signed_settings


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


@pytest.fixture
def staff(rt):
    """Bu Rina (Dispendukcapil) and Pak Budi (Dinas Sosial), petugas on their phones."""
    with rt.sessions.begin() as s:
        capil = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        dinsos = s.scalars(select(Opd).where(Opd.key == "dinsos")).one()
        s.add_all([Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=capil.id),
                   Staff(phone=BUDI, name="Pak Budi", role=StaffRole.PETUGAS, opd_id=dinsos.id)])
