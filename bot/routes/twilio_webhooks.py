"""POST /twilio/messages (inbound SMS/WhatsApp) and POST /twilio/status (callbacks).

Acknowledge fast: the webhook checks the signature, bounds the form (handlers.webhook_form),
stores the message keyed by MessageSid (one INSERT, one transaction: the store is the dedupe, a
repeat stores nothing) and answers an empty <Response/> at once. The processor
(handlers.processor) answers it off the request, in each resident's order, and its replies go
over REST through the outbox, on WhatsApp and SMS alike (a question with choices can then be
buttons or a list: TwiML's <Message> carries only text). `runtime.inbound_bell` wakes a processor
in this process (`python -m bot serve`); on PostgreSQL the insert's NOTIFY wakes one in another
(the Procfile's `processor`).

A message the database cannot store goes to the inbound spool (handlers.inbound_spool) and the
resident is told it is kept (in the TwiML: the only reply that does not wait for the database);
while the spool holds anything, new messages queue behind it, so each resident's messages are
handled in the order they came.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from catalogue import for_channel, render
from core.logging_setup import mask_phone
from bot.twilio_signature import is_authentic
from handlers.webhook_form import parse_incoming, parse_status, xml_safe
from handlers.inbound import store_inbound
from storage.db import retry_on_disconnect, utcnow

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
log = logging.getLogger(__name__)

__all__ = ["bp", "parse_incoming", "twiml"]


_EMPTY_TWIML = str(MessagingResponse())  # every stored message's answer: built once


def twiml(replies: list[str]) -> Response:
    if not replies:
        return Response(_EMPTY_TWIML, mimetype="text/xml")
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
    if log.isEnabledFor(logging.INFO):  # masking a number runs libphonenumber's matcher: only when it is logged
        log.info("inbound %s from %s (%s)", incoming.message_sid, mask_phone(incoming.from_phone), incoming.channel)
        log.debug("inbound body: %r", incoming.body)
    spool = runtime.spool
    if spool.holds_any():
        spool.kick(runtime)
        return _spooled(runtime, incoming, "older messages are still waiting in the spool")
    def store() -> None:
        with runtime.engine.begin() as conn:  # one INSERT: a Core connection, no ORM session
            store_inbound(conn, incoming, runtime.clock())

    try:
        retry_on_disconnect(store)  # a connection the server dropped is replaced once
    except Exception as exc:  # the database could not store it: keep it, or Twilio's copy is all there was
        return _spooled(runtime, incoming, f"could not be stored ({type(exc).__name__})")
    runtime.inbound_bell.set()  # committed: a processor in this process takes it now
    return twiml([])


def _spooled(runtime, incoming, why: str) -> Response:
    received_at = utcnow()
    try:
        path = runtime.spool.put(incoming, received_at, request.headers.get("X-Twilio-Signature", ""))
    except OSError as exc:
        log.error("inbound %s from %s %s, and the spool could not keep it (%s): LOST",
                  incoming.message_sid, mask_phone(incoming.from_phone), why, exc)
        return Response("temporarily unavailable", status=503, mimetype="text/plain")
    log.warning("inbound %s from %s %s: spooled as %s", incoming.message_sid, mask_phone(incoming.from_phone),
                why, path.name)
    return twiml([for_channel(render("spool.kept"), incoming.channel)])


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
