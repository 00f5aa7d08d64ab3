"""POST /twilio/messages (inbound SMS/WhatsApp → TwiML reply) and POST /twilio/status (callbacks)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.logging_setup import mask_phone
from bot.twilio_signature import is_authentic
from flows.phones import to_e164
from handlers.inbound import Incoming, handle_inbound

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
log = logging.getLogger(__name__)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def parse_incoming(form) -> Incoming | None:
    sid = form.get("MessageSid") or form.get("SmsMessageSid")
    sender = form.get("From", "")
    phone = to_e164(sender) or to_e164(form.get("WaId"))
    if not sid or not phone:
        return None
    return Incoming(
        message_sid=sid[:64],
        channel="whatsapp" if sender.lower().startswith("whatsapp:") else "sms",
        from_phone=phone,
        # PostgreSQL text cannot hold NUL; nothing a resident means is lost with it.
        body=form.get("Body", "").replace("\x00", ""),
        profile_name=(form.get("ProfileName") or None),
        num_media=_int(form.get("NumMedia")),
        media_url=form.get("MediaUrl0") or None,
        latitude=_float(form.get("Latitude")),
        longitude=_float(form.get("Longitude")),
        button_payload=form.get("ButtonPayload") or None,
    )


def twiml(replies: list[str]) -> Response:
    response = MessagingResponse()
    for text in replies:
        response.message(text)
    return Response(str(response), mimetype="text/xml")


@bp.post("/messages")
def messages():
    runtime = current_app.extensions["kenduren"]
    if not is_authentic(runtime.settings, request):
        log.warning("rejected unsigned or forged webhook from %s", request.remote_addr)
        return Response("forbidden", status=403, mimetype="text/plain")
    incoming = parse_incoming(request.form)
    if incoming is None:
        return Response("not a Twilio message: MessageSid and From are required", status=400, mimetype="text/plain")
    log.info("inbound %s from %s (%s)", incoming.message_sid, mask_phone(incoming.from_phone), incoming.channel)
    log.debug("inbound body: %r", incoming.body)
    return twiml(handle_inbound(runtime, runtime.registry, incoming))


@bp.post("/status")
def status():
    from handlers.status_callback import apply_status_callback

    runtime = current_app.extensions["kenduren"]
    if not is_authentic(runtime.settings, request):
        return Response("forbidden", status=403, mimetype="text/plain")
    sid, status_value = request.form.get("MessageSid"), request.form.get("MessageStatus")
    if not sid or not status_value:
        return Response("MessageSid and MessageStatus are required", status=400, mimetype="text/plain")
    with runtime.sessions.begin() as session:
        known = apply_status_callback(session, sid, status_value, request.form.get("ErrorCode") or None,
                                      request.form.get("ErrorMessage") or None)
    if not known:
        log.info("status callback for unknown message %s (%s) acknowledged", sid, status_value)
    return Response(status=204)
