"""POST /twilio/messages: signatures, storing once, bad input answered, never a 500."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import create_app
from storage.models import Conversation, InboundMessage, Resident
from tests.whatsapp import PUBLIC_BASE, Phone, add_visit, replies_of, sign


def stored(rt) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage))


def test_signed_message_is_answered_with_twiml(phone, rt):
    replies = phone.send("halo")
    assert "Kenduren Mas" in replies[0]
    assert any("1. Jadwal Kenduren Mas" in r for r in replies)
    assert stored(rt) == 1


def test_forged_signature_is_refused_and_nothing_stored(wa_client, rt):
    p = Phone(wa_client)
    form = p.form("halo")
    resp = wa_client.post("/twilio/messages", data=form, base_url=PUBLIC_BASE,
                          headers={"X-Twilio-Signature": sign("/twilio/messages", {**form, "Body": "lain"})})
    assert resp.status_code == 403
    resp = wa_client.post("/twilio/messages", data=form, base_url=PUBLIC_BASE)
    assert resp.status_code == 403
    assert stored(rt) == 0


def test_signature_uses_public_url_not_the_proxy_one(wa_client, rt):
    """Behind a proxy the app sees http://10.0.0.5:8000/…; Twilio signed the public https URL."""
    p = Phone(wa_client)
    form = p.form("halo")
    resp = wa_client.post("/twilio/messages", data=form, base_url="http://10.0.0.5:8000",
                          headers={"X-Twilio-Signature": sign("/twilio/messages", form)})
    assert resp.status_code == 200


def test_a_signature_over_the_url_with_its_port_is_accepted(wa_client, rt):
    """Twilio may sign https://host:443/…; checked only after the URL without the port did not match."""
    from twilio.request_validator import RequestValidator

    from tests.whatsapp import AUTH_TOKEN

    p = Phone(wa_client)
    form = p.form("halo")
    with_port = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE + ":443/twilio/messages", form)
    resp = wa_client.post("/twilio/messages", data=form, base_url=PUBLIC_BASE, headers={"X-Twilio-Signature": with_port})
    assert resp.status_code == 200 and stored(rt) == 1
    wrong_port = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE + ":8443/twilio/messages", form)
    resp = wa_client.post("/twilio/messages", data=p.form("halo"), base_url=PUBLIC_BASE,
                          headers={"X-Twilio-Signature": wrong_port})
    assert resp.status_code == 403 and stored(rt) == 1


def test_query_string_is_part_of_the_signed_url(wa_client, rt):
    p = Phone(wa_client)
    form = p.form("halo")
    resp = wa_client.post("/twilio/messages?src=wa", data=form, base_url=PUBLIC_BASE,
                          headers={"X-Twilio-Signature": sign("/twilio/messages?src=wa", form)})
    assert resp.status_code == 200
    resp = wa_client.post("/twilio/messages?src=other", data=form, base_url=PUBLIC_BASE,
                          headers={"X-Twilio-Signature": sign("/twilio/messages?src=wa", form)})
    assert resp.status_code == 403


def test_non_form_body_is_403_not_500(wa_client, rt):
    resp = wa_client.post("/twilio/messages", data='{"Body": "x"}', content_type="application/json",
                          base_url=PUBLIC_BASE, headers={"X-Twilio-Signature": "abc"})
    assert resp.status_code == 403


def test_duplicate_message_sid_is_processed_once_and_answered_the_same(phone, rt):
    add_visit(rt, "Gempol", 7)
    form = phone.form("1")
    phone.send("halo")  # the menu is shown: "1" would move the conversation on
    before = phone.last_reply_id()
    first = phone.post(form)
    written = [row.body for row in phone.reply_rows(before)]
    second = phone.post(form)
    # WhatsApp replies go through the outbox, written once with the message: Twilio's repeat of
    # the SID gets the same empty answer and writes nothing again.
    assert replies_of(first) == replies_of(second) == [] and written
    assert [row.body for row in phone.reply_rows(before)] == written
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 2
        conv = s.scalars(select(Conversation)).one()
        assert conv.flow == "jadwal"  # moved once, not twice


@pytest.mark.parametrize("form, expect", [
    ({"Body": ""}, "kosong"),
    ({"Body": "", "NumMedia": "1", "MediaUrl0": "https://api.twilio.com/media/ME1", "MediaContentType0": "image/jpeg"},
     "fotonya sudah saya terima"),
    ({"Body": "", "Latitude": "-7.6", "Longitude": "112.7"}, "Kecamatan"),
    ({"Body": "x" * 5000}, "panjang"),
    ({"Body": "🙏🙏🙏 😀"}, "MENU"),
    ({"Body": "مرحبا 你好 こんにちは"}, "MENU"),
    ({"Body": "halo\x00\x07\x1b dunia"}, "Kenduren Mas"),
    ({"Body": "<script>alert(1)</script>'; DROP TABLE resident;--"}, "MENU"),
    ({"Body": "halo", "SomethingNew": "x", "ChannelMetadata": "{\"type\": \"whatsapp\"}"}, "Kenduren Mas"),
    ({"Body": "Jadwal", "ButtonText": "Jadwal", "ButtonPayload": "1"}, None),
])
def test_bad_input_gets_a_friendly_answer_and_is_stored(phone, rt, form, expect):
    form = dict(form)
    body = form.pop("Body")
    replies = phone.send(body, **form)
    assert replies, "every message gets an answer"
    text = "\n".join(replies)
    if expect:
        assert expect in text
    assert all(len(r) <= 1600 for r in replies)
    assert stored(rt) == 1


def test_long_replies_are_split_below_1600(phone, rt):
    from catalogue import split_body

    pieces = split_body("kata " * 900)
    assert len(pieces) == 3 and all(len(p) <= 1600 for p in pieces)


def test_not_twilio_shaped_is_400(phone, wa_client, rt):
    form = phone.form("halo")
    del form["MessageSid"]
    assert phone.post(form).status_code == 400
    form = phone.form("halo")
    del form["From"], form["WaId"]
    assert phone.post(form).status_code == 400
    assert stored(rt) == 0


def test_flood_gets_one_slow_down_and_everything_is_stored(phone, rt):
    answers = [phone.send(f"halo {i}") for i in range(23)]
    slow = [i for i, a in enumerate(answers) if any("banyak sekali" in r for r in a)]
    assert slow == [20]
    assert answers[21] == [] and answers[22] == []
    assert stored(rt) == 23


def test_phone_numbers_are_e164_and_profile_name_remembered(wa_client, rt):
    Phone(wa_client, "+6281234567890", "Bu Sumarti").send("halo")
    with rt.sessions() as s:
        r = s.scalars(select(Resident)).one()
        assert r.phone == "+6281234567890" and r.name == "Bu Sumarti"


def test_idle_conversation_starts_fresh_and_says_where_it_was(phone, rt):
    phone.send("mau daftar layanan")
    with rt.sessions.begin() as s:
        conv = s.scalars(select(Conversation)).one()
        conv.updated_at -= timedelta(minutes=31)
    text = phone.say("1")
    assert "sudah lewat 30 menit" in text and "pendaftaran layanan" in text


def test_logs_mask_phones_and_hide_bodies(phone, rt, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        phone.send("rahasia pribadi saya")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "+6281234567890" not in logged
    assert "rahasia pribadi" not in logged


def test_dry_run_accepts_unsigned_only_from_loopback(rt, settings):
    app = create_app(asdict(settings))  # no credentials: dry-run
    client = app.test_client()
    form = Phone(client).form("halo")
    assert client.post("/twilio/messages", data=form, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.post("/twilio/messages", data=form | {"MessageSid": "SMx2"},
                       environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    app.extensions["kenduren"].dispose()
