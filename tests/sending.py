"""Sending through the fake Twilio on loopback: the fixtures `fake_twilio` and `trt` (a runtime pointed at
it; a folder's conftest imports them), and the visits, subscribers and kepala desa a clock or visit test
starts from."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.runtime import Runtime
from scheduler.jobs import JOBS
from storage.models import Desa, Kecamatan, Opd, Resident, Staff, StaffRole, Subscription, Visit, VisitStatus
from tests.fake_twilio import FakeTwilio
from tests.whatsapp import AUTH_TOKEN

BOT_NUMBER = "+6281100000000"
VISIT_DAY = date(2026, 12, 9)  # a Wednesday: the reminders', corrections' and edits' Gempol visit
TEMPLATES = {"reminder": "HX" + "a" * 32, "kades_reminder": "HX" + "b" * 32, "correction": "HX" + "c" * 32}


@pytest.fixture
def fake_twilio():
    fake = FakeTwilio()
    yield fake
    fake.close()


@pytest.fixture
def signed_twilio():
    """The fake Twilio with the webhook's auth token (tests.whatsapp), so one account signs and sends."""
    fake = FakeTwilio(auth_token=AUTH_TOKEN)
    yield fake
    fake.close()


def fake_settings(settings, fake: FakeTwilio, **overrides):
    return settings.with_overrides(
        twilio_account_sid=fake.account_sid, twilio_auth_token=fake.auth_token,
        twilio_whatsapp_from=f"whatsapp:{BOT_NUMBER}", twilio_sms_from="KENDURENMAS",
        twilio_api_base_url=fake.base_url, bot_whatsapp_number=BOT_NUMBER, send_rate_per_second=200.0,
        templates=dict(TEMPLATES), public_base_url="https://bot.example.go.id", **overrides)


@pytest.fixture
def trt(rt, settings, fake_twilio):
    """A Runtime on the clean test database whose Twilio is the fake."""
    runtime = Runtime(fake_settings(settings, fake_twilio))
    yield runtime
    runtime.dispose()


def jkt(text: str) -> datetime:
    """"2026-12-01T07:00" in WIB → an aware UTC instant."""
    return datetime.fromisoformat(text + "+07:00").astimezone(UTC)


def kecamatan_id(session, nama: str) -> int:
    return session.scalar(select(Kecamatan.id).where(Kecamatan.nama == nama))


def add_visit(session, nama: str, day: date, *, mulai=time(8), selesai=time(13)) -> int:
    visit = Visit(tanggal=day, mulai=mulai, selesai=selesai, kecamatan_id=kecamatan_id(session, nama),
                  lokasi=f"Kantor Kecamatan {nama}", status=VisitStatus.PLANNED,
                  opd=list(session.scalars(select(Opd).order_by(Opd.id))))
    session.add(visit)
    session.flush()
    return visit.id


def phone(n: int) -> str:
    return f"+62812{n:07d}"


def add_residents(session, nama: str, count: int, *, start: int = 0, last_inbound_at: datetime | None = None,
                  **fields) -> list[int]:
    kid = kecamatan_id(session, nama)
    rows = [Resident(phone=phone(start + i), channel="whatsapp",
                     subscriptions=[Subscription(kecamatan_id=kid, created_at=datetime(2026, 11, 1, tzinfo=UTC))],
                     subscribed_at=datetime(2026, 11, 1, tzinfo=UTC), last_inbound_at=last_inbound_at, **fields)
            for i in range(count)]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def kades_phone(n: int) -> str:
    return f"+62813{n:07d}"


def add_kades(session, desa_nama: str, kecamatan_nama: str, n: int, last_inbound_at: datetime | None = None) -> int:
    desa = session.scalar(select(Desa).join(Kecamatan).where(Desa.nama == desa_nama, Kecamatan.nama == kecamatan_nama))
    staff = Staff(phone=kades_phone(n), name=f"Kades {desa_nama}", role=StaffRole.KADES, desa_id=desa.id,
                  kecamatan_id=desa.kecamatan_id, last_inbound_at=last_inbound_at)
    session.add(staff)
    session.flush()
    return staff.id


def recently() -> datetime:
    """A last inbound message inside WhatsApp's 24-hour window when the test's messages are sent:
    two hours before the real now. Meta counts the window in real time, and so does the sender
    (handlers.outbox.deliver), whatever instant a test's tick simulates."""
    return datetime.now(UTC) - timedelta(hours=2)


def tick(runtime, instant):
    """One run of every clock job at `instant`, as the clock process would: {job id: its result}."""
    return {job.id: job.run(runtime, instant) for job in JOBS}
