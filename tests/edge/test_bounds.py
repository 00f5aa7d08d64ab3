"""The inputs that broke the webhook before, one by one, on both backends."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from storage.models import InboundMessage, Resident
from tests.whatsapp import Phone, replies_of


def stored(rt) -> InboundMessage:
    with rt.sessions() as s:
        return s.scalars(select(InboundMessage)).one()


@pytest.mark.parametrize("extra", [
    {"NumMedia": str(2 ** 31)},
    {"NumMedia": "9" * 30},
    {"ButtonPayload": "1\x00"},
    {"MediaUrl0": "https://api.twilio.com/media/ME1\x00", "NumMedia": "1"},
    {"ButtonPayload": "p" * 300},
    {"Latitude": "inf", "Longitude": "112.7"},
    {"Latitude": "nan", "Longitude": "nan"},
    {"Latitude": "-7.6", "Longitude": "1e400"},
])
def test_out_of_bounds_fields_are_answered_and_stored(phone, rt, extra):
    replies = phone.send("halo", **extra)
    assert replies
    row = stored(rt)
    assert row.processed_at is not None, "processed, not left with an apology"
    assert 0 <= row.num_media <= 10
    assert row.button_payload is None or (len(row.button_payload) <= 256 and "\x00" not in row.button_payload)
    assert row.media_url is None or "\x00" not in row.media_url
    assert (row.latitude, row.longitude) in ((None, None),) or all(abs(v) < 1000 for v in (row.latitude, row.longitude))


def test_a_name_xml_cannot_carry_is_cleaned_before_it_is_echoed(wa_client, rt):
    phone = Phone(wa_client, profile_name="Sum\ufffeart\uffffi\x01")
    response = phone.post(phone.form("halo"))
    assert response.status_code == 200
    ET.fromstring(response.get_data())  # parses
    with rt.sessions() as s:
        assert s.scalars(select(Resident.name)).one() == "Sumarti"
    replies = [row.body for row in phone.reply_rows()]  # WhatsApp: the replies go over REST
    assert replies and not any(c in "".join(replies) for c in "\ufffe\uffff\x01")


@pytest.mark.parametrize("form", [
    {"MessageSid": "SM1", "MessageStatus": "delivered" * 5},
    {"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "6301600000000000000000"},
    {"MessageSid": "SM1\x00", "MessageStatus": "sent"},
    {"MessageSid": "SM1", "MessageStatus": "sent", "ErrorMessage": "\x00" * 10},
])
def test_status_callbacks_out_of_bounds_are_4xx_or_acknowledged(wa_client, rt, form):
    from tests.whatsapp import PUBLIC_BASE, sign

    response = wa_client.post("/twilio/status", data=form, base_url=PUBLIC_BASE,
                              headers={"X-Twilio-Signature": sign("/twilio/status", form)})
    assert response.status_code in (204, 400)
