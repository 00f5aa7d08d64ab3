"""Outbound transport: what the outbox hands to Twilio, and what comes back.

`build_sender(settings)` gives a `TwilioSender` (REST through twilio-python) or, without Twilio
credentials, a `DryRunSender` that only records and prints. One sender per worker thread: the
Twilio HTTP client is not documented as thread-safe.
"""

from __future__ import annotations

from handlers.transport.interface import OutgoingMessage, SendError, Sender, SendResult, SentRecord, sender_of


def build_sender(settings, *, http_timeout: float = 10.0) -> Sender:
    if settings.dry_run:
        from handlers.transport.dry_run import DryRunSender

        return DryRunSender()
    from handlers.transport.twilio_rest import TwilioSender

    return TwilioSender(settings, http_timeout=http_timeout)


def sender_for(runtime, *, http_timeout: float = 10.0) -> Sender:
    return build_sender(runtime.settings, http_timeout=http_timeout)


__all__ = ["OutgoingMessage", "SendResult", "SentRecord", "SendError", "Sender", "build_sender", "sender_for", "sender_of"]
