"""The real sender: Twilio's Messages REST API through twilio-python."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from handlers.transport.interface import OutgoingMessage, SendError, SendResult, SentRecord, sender_of

# twilio-python logs every request URL (phone numbers in list queries) at INFO.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def address(channel: str, phone: str) -> str:
    return f"whatsapp:{phone}" if channel == "whatsapp" else phone


def _reached_twilio(exc: requests.RequestException) -> bool:
    """Whether the request may have been received: only a refused/unmade connection is safe."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        return not ("NewConnectionError" in text or "Connection refused" in text)
    return True


class TwilioSender:
    def __init__(self, settings, *, http_timeout: float = 10.0):
        # twilio-python has no default timeout: without one a stalled request hangs a worker.
        http_client = TwilioHttpClient(timeout=http_timeout, proxy=requests.utils.getproxies() or None)
        # Proxies (HTTPS_PROXY, as on a government network) are read once above; otherwise
        # requests re-reads the environment and ~/.netrc on every message, a third of a send's CPU.
        http_client.session.trust_env = False
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)
        if settings.twilio_api_base_url:
            # Domain.base_url is read on every request (twilio/base/domain.py), so message
            # create/list go to the fake or staging host.
            self.client.api.base_url = settings.twilio_api_base_url.rstrip("/")
            # … and so do the Content API's (content.twilio.com/v1/Content: interactive questions).
            self.client.content.base_url = settings.twilio_api_base_url.rstrip("/")
        self.settings = settings
        self.status_callback = (settings.public_base_url.rstrip("/") + "/twilio/status"
                                if settings.public_base_url else None)

    def _sender_fields(self, channel: str) -> dict[str, str]:
        sender = sender_of(self.settings, channel)
        if sender and sender == self.settings.twilio_messaging_service_sid:
            return {"messaging_service_sid": sender}
        if sender:
            return {"from_": sender}
        raise SendError(f"no Twilio sender configured for {channel} "
                        "(TWILIO_WHATSAPP_FROM / TWILIO_SMS_FROM / TWILIO_MESSAGING_SERVICE_SID)")

    def send(self, message: OutgoingMessage) -> SendResult:
        fields: dict[str, object] = {"to": address(message.channel, message.to_phone),
                                     **self._sender_fields(message.channel)}
        if message.content_sid:
            fields["content_sid"] = message.content_sid
            # A JSON string, not a dict: twilio-python would send a dict as repeated fields.
            fields["content_variables"] = json.dumps(message.content_variables or {})
        else:
            fields["body"] = message.body
        if self.status_callback:
            fields["status_callback"] = self.status_callback
        try:
            created = self.client.messages.create(**fields)
        except TwilioRestException as exc:
            raise SendError(str(exc.msg), http_status=exc.status, code=exc.code,
                            ambiguous=exc.status >= 500) from exc
        except requests.RequestException as exc:
            raise SendError(f"{type(exc).__name__}: {exc}", ambiguous=_reached_twilio(exc)) from exc
        return SendResult(created.sid, created.status or "queued")

    def find_sent(self, channel: str, to_phone: str, since: datetime) -> list[SentRecord]:
        """Outbound messages to this number created since `since`, newest first.

        Filtered by To only, not DateSent: a message still queued at Twilio has no date_sent
        yet, and that is exactly the one a crashed worker may have left behind.
        """
        found: list[SentRecord] = []
        try:
            for m in self.client.messages.stream(to=address(channel, to_phone), page_size=50):
                if m.date_created is not None and m.date_created < since:
                    break  # newest first: everything further is older
                found.append(SentRecord(m.sid, m.body or "", str(m.status or ""), m.direction or "",
                                        m.date_created))
        except TwilioRestException as exc:
            raise SendError(str(exc.msg), http_status=exc.status, code=exc.code, ambiguous=True) from exc
        except requests.RequestException as exc:
            raise SendError(f"{type(exc).__name__}: {exc}", ambiguous=True) from exc
        return found
