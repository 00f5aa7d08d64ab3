"""The handoff end to end: signed webhooks in, the outbox drained to a fake Twilio REST API on
loopback, and what each phone really received read back from the fake."""

from dataclasses import asdict

import pytest
from sqlalchemy import select

from bot import create_app
from scheduler.sender import drain_outbox
from storage.db import utcnow
from storage.models import Opd, Staff, StaffRole, Ticket
from tests.whatsapp import Phone, add_visit, signed_settings

RINA = "+6281298765432"
NOTICE_TEMPLATE = "HX" + "e" * 32


@pytest.fixture
def live_app(rt, settings, signed_twilio):
    app_settings = signed_settings(settings).with_overrides(
        twilio_account_sid=signed_twilio.account_sid, twilio_api_base_url=signed_twilio.base_url,
        templates={"handoff_notice": NOTICE_TEMPLATE})
    application = create_app(asdict(app_settings))
    with rt.sessions.begin() as s:
        opd = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        s.add(Staff(phone=RINA, name="Bu Rina", role=StaffRole.PETUGAS, opd_id=opd.id))
    yield application
    application.extensions["kenduren"].dispose()


def deliver(app) -> None:
    drain_outbox(app.extensions["kenduren"], utcnow())


def replies_sent(rt, phone: str) -> int:
    from sqlalchemy import func

    from storage.models import OutboxMessage

    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.to_phone == phone, OutboxMessage.kind == "reply", OutboxMessage.twilio_sid.is_not(None)))


def test_resident_to_petugas_and_back_through_twilio(live_app, signed_twilio, rt):
    client = live_app.test_client()
    resident, rina = Phone(client), Phone(client, RINA, "Rina")
    add_visit(rt, "Gempol", 10)
    for line in ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1"):
        resident.send(line)
    with rt.sessions() as s:
        kode = s.scalars(select(Ticket.kode)).one()

    assert "saya sambungkan ke petugas" in resident.say("mau ngomong karo petugas wae")
    deliver(live_app)
    # Rina never wrote to the bot: outside the 24-hour window the notice goes by approved template.
    notice = signed_twilio.sent_to(RINA)[-1]
    assert notice.form["ContentSid"] == NOTICE_TEMPLATE and kode in notice.body

    rina.send(f"#{kode} Bu, KTP-el sudah jadi, bisa diambil di kantor desa besok")
    deliver(live_app)
    assert signed_twilio.sent_to(resident.number)[-1].body == (
        "👤 Bu Rina (Dispendukcapil): Bu, KTP-el sudah jadi, bisa diambil di kantor desa besok")

    assert "diteruskan ke petugas" in resident.say("suwun bu, jam piro?")  # one short note it went on
    deliver(live_app)
    relayed = signed_twilio.sent_to(RINA)[-1]
    assert "ContentSid" not in relayed.form  # she wrote just now: free text inside the window
    assert "Sumarti: suwun bu, jam piro?" in relayed.body

    rina.send(f"#{kode} selesai ya")
    deliver(live_app)
    last_two = [m.body for m in signed_twilio.sent_to(resident.number)[-2:]]
    assert "sudah *selesai* ditangani" in last_two[0] and "Balas 1 (buruk) sampai 5" in last_two[1]
    assert "Ada saran" in resident.say("5")
    assert "Balas dengan angka" in resident.say("menu")
    # Beyond the replies to their own messages (over REST too): Rina got the notice and the
    # relay, the resident the petugas' words, the ticket's end and the survey.
    deliver(live_app)
    assert signed_twilio.per_recipient() == {RINA: 2 + replies_sent(rt, RINA),
                                            resident.number: 3 + replies_sent(rt, resident.number)}
