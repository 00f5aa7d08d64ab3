"""Status callbacks: forward only, once per (SID, status), early ones kept; 21610 and 63016."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bot import create_app
from handlers.outbox import enqueue
from handlers.status_callback import apply_status_callback
from scheduler.sender import drain_outbox
from storage.models import OutboxMessage, OutboxStatus, Resident, StatusCallback
from tests.sending import TEMPLATES, add_residents, fake_settings, phone


def one_message(trt, *, last_inbound_at=None, kind="ticket_update"):
    now = datetime.now(UTC)
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Gempol", 1, last_inbound_at=last_inbound_at or now - timedelta(hours=1))
        row = enqueue(s, kind=kind, channel="whatsapp", to_phone=phone(0), body="Tiket *KM-4821* diteruskan.",
                      resident_id=rid, template_vars={"1": "KM-4821"})
    return row.id, rid


def send(trt):
    return drain_outbox(trt, datetime.now(UTC))


def row_of(trt, row_id) -> OutboxMessage:
    with trt.sessions() as s:
        return s.get(OutboxMessage, row_id)


def callback(trt, sid, status, code=None) -> bool:
    with trt.sessions.begin() as s:
        return apply_status_callback(s, sid, status, code)


def test_statuses_only_move_forward_and_repeat_changes_nothing(trt, fake_twilio):
    row_id, _ = one_message(trt)
    assert send(trt)["sent"] == 1
    sid = row_of(trt, row_id).twilio_sid
    assert fake_twilio.find(sid).form["Body"] == "Tiket *KM-4821* diteruskan."
    assert callback(trt, sid, "delivered")
    assert row_of(trt, row_id).status == OutboxStatus.DELIVERED
    assert callback(trt, sid, "sent")  # late, older news
    assert row_of(trt, row_id).status == OutboxStatus.DELIVERED
    assert callback(trt, sid, "read")
    assert callback(trt, sid, "failed", "30008")  # a failure cannot undo a delivery
    assert callback(trt, sid, "read")
    assert row_of(trt, row_id).status == OutboxStatus.READ
    with trt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StatusCallback)) == 4


def test_failure_is_recorded_with_its_code(trt, fake_twilio):
    row_id, _ = one_message(trt)
    send(trt)
    sid = row_of(trt, row_id).twilio_sid
    callback(trt, sid, "sent")
    callback(trt, sid, "undelivered", "30008")
    row = row_of(trt, row_id)
    assert (row.status, row.error_code) == (OutboxStatus.UNDELIVERED, "30008")


def test_unknown_sid_is_acknowledged_and_applied_once_the_sid_is_recorded(trt, fake_twilio):
    row_id, _ = one_message(trt)
    first_sid = fake_twilio.nth_sid(1)  # the callback overtakes the sender's record of the SID
    assert callback(trt, first_sid, "delivered") is False
    send(trt)
    row = row_of(trt, row_id)
    assert (row.twilio_sid, row.status) == (first_sid, OutboxStatus.DELIVERED)


def test_21610_in_a_callback_opts_the_resident_out(trt, fake_twilio):
    row_id, rid = one_message(trt)
    send(trt)
    callback(trt, row_of(trt, row_id).twilio_sid, "failed", 21610)
    with trt.sessions() as s:
        assert s.get(Resident, rid).opted_out_at is not None
    assert row_of(trt, row_id).error_code == "21610"


def test_63016_in_a_callback_resends_by_template(trt, fake_twilio):
    row_id, _ = one_message(trt)
    send(trt)
    callback(trt, row_of(trt, row_id).twilio_sid, "failed", "63016")
    assert row_of(trt, row_id).status == OutboxStatus.PENDING
    trt.settings = trt.settings.with_overrides(templates={**TEMPLATES, "ticket_update": "HX" + "d" * 32})
    assert send(trt)["sent"] == 1
    forms = [m.form for m in fake_twilio.sent_to(phone(0))]
    assert ["Body" in f for f in forms] == [True, False]
    assert forms[1]["ContentSid"] == "HX" + "d" * 32 and forms[1]["ContentVariables"] == '{"1": "KM-4821"}'


@pytest.fixture
def live_app(trt, settings, fake_twilio):
    """The real Flask app on a loopback port, its PUBLIC_BASE_URL being that address."""
    from dataclasses import asdict

    app = create_app(asdict(fake_settings(settings, fake_twilio)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.extensions["kenduren"].settings = app.extensions["kenduren"].settings.with_overrides(public_base_url=base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    app.extensions["kenduren"].dispose()


def test_signed_callbacks_over_http_reach_the_row(trt, fake_twilio, live_app):
    row_id, _ = one_message(trt)
    send(trt)
    sid = row_of(trt, row_id).twilio_sid
    url = f"{live_app}/twilio/status"
    assert fake_twilio.send_status_callback(url, sid, "sent") == 204
    assert fake_twilio.send_status_callback(url, sid, "delivered") == 204
    assert fake_twilio.send_status_callback(url, sid, "delivered") == 204  # a repeat: acknowledged, no change
    assert row_of(trt, row_id).status == OutboxStatus.DELIVERED
    assert fake_twilio.send_status_callback(url, "SM" + "9" * 32, "read") == 204  # unknown SID
    # A forged signature is refused and changes nothing.
    fake_twilio.auth_token, real = "wrong-token", fake_twilio.auth_token
    assert fake_twilio.send_status_callback(url, sid, "read") == 403
    fake_twilio.auth_token = real
    assert row_of(trt, row_id).status == OutboxStatus.DELIVERED
