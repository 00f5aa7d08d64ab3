"""POST /twilio/messages (inbound SMS/WhatsApp → TwiML reply) and POST /twilio/status (callbacks).

Every field is bounded and cleaned at the edge (bot.webhook_form) before a handler sees it.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.logging_setup import mask_phone
from bot.twilio_signature import is_authentic
from bot.webhook_form import parse_incoming, parse_status, xml_safe
from handlers.inbound import handle_inbound

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
log = logging.getLogger(__name__)

__all__ = ["bp", "parse_incoming", "twiml"]


def twiml(replies: list[str]) -> Response:
    response = MessagingResponse()
    for text in replies:
        # Replies may echo what a resident wrote (a name, a description): XML must carry it.
        response.message(xml_safe(text))
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
    update = parse_status(request.form)
    if update is None:
        return Response("MessageSid and MessageStatus are required", status=400, mimetype="text/plain")
    with runtime.sessions.begin() as session:
        known = apply_status_callback(session, update.message_sid, update.status, update.error_code,
                                      update.error_message)
    if not known:
        log.info("status callback for unknown message %s (%s) acknowledged", update.message_sid, update.status)
    return Response(status=204)
