"""What the outbox hands to a transport, and what comes back: the interface every sender keeps
(handlers.transport.twilio_rest, handlers.transport.dry_run, the tests' fakes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # whatsapp | sms
    to_phone: str  # E.164
    body: str | None = None  # free-form text …
    content_sid: str | None = None  # … or an approved WhatsApp template
    content_variables: dict[str, str] | None = None


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str  # Twilio's initial status: queued | accepted | …


@dataclass(frozen=True)
class SentRecord:
    """A message Twilio knows of, as listed by GET …/Messages.json (used by lease recovery)."""

    sid: str
    body: str
    status: str
    direction: str
    date_created: datetime | None


class SendError(Exception):
    """Twilio refused the message, or we could not tell whether it arrived.

    `ambiguous` is True when the request may have reached Twilio (read timeout, connection cut
    mid-response, 5xx): retrying blindly could send twice, so the outbox first asks Twilio.
    """

    def __init__(self, message: str, *, http_status: int | None = None, code: int | None = None,
                 ambiguous: bool = False):
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.code = code
        self.ambiguous = ambiguous


class Sender(Protocol):
    def send(self, message: OutgoingMessage) -> SendResult: ...

    def find_sent(self, channel: str, to_phone: str, since: datetime) -> list[SentRecord]: ...


def sender_of(settings, channel: str) -> str | None:
    """The Twilio sender a message of `channel` goes from: our number, or the Messaging Service."""
    if channel == "whatsapp" and settings.twilio_whatsapp_from:
        return settings.twilio_whatsapp_from
    if channel == "sms" and settings.twilio_sms_from:
        return settings.twilio_sms_from
    return settings.twilio_messaging_service_sid or None
