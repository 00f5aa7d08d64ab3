"""Twilio's webhook forms, bounded and cleaned at the edge, before anything else reads them.

Every field a handler, the database or a TwiML reply sees has passed through here: text without
characters XML 1.0 cannot carry (NUL, other C0 controls, U+FFFE/U+FFFF, lone surrogates) and no
longer than its column; integers in range; coordinates finite and on the globe. Fields Twilio
itself never sends out of these bounds only arrive so from a fuzzer or a forger, and a clean
value (or none) is the friendly answer to both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flows.phones import mask_niks, to_e164
from handlers.inbound import Incoming

# Characters outside XML 1.0's Char production (tab, LF and CR are allowed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Column and protocol limits (storage/models.py; Twilio allows 10 media per message).
SID_MAX = 64
PHONE_FIELD_MAX = 64
BODY_MAX = 5000
PROFILE_NAME_MAX = 120
MEDIA_TYPE_MAX = 100
URL_MAX = 2048
BUTTON_PAYLOAD_MAX = 256
NUM_MEDIA_MAX = 10
STATUS_MAX = 24
ERROR_CODE_MAX = 16
ERROR_MESSAGE_MAX = 1000
_SID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_STATUS = re.compile(r"[a-z_]{1,24}")
_DIGITS = re.compile(r"\d{1,16}")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (and PostgreSQL text cannot hold NUL)."""
    return _NOT_XML.sub("", text)


def clean_text(value: str | None, limit: int) -> str:
    return xml_safe(value or "")[:limit]


def optional_text(value: str | None, limit: int) -> str | None:
    return clean_text(value, limit).strip() or None


def sid(value: str | None) -> str | None:
    """A Twilio SID: letters, digits, '_' or '-', at most 64 characters (SM…, MM…); else None."""
    text = (value or "").strip()
    return text if _SID.fullmatch(text) else None


def bounded_int(value: str | None, low: int, high: int) -> int:
    """A count from a form field, clamped to [low, high]; anything not an integer is `low`."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return low
    if len(text) > 6:  # far beyond any bound here; int() of a huge string costs
        return high
    return max(low, min(high, int(text)))


def coordinate(value: str | None, bound: float) -> float | None:
    try:
        number = float((value or "").strip()[:32])
    except ValueError:
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


def http_url(value: str | None) -> str | None:
    text = clean_text(value, URL_MAX).strip()
    return text if text.lower().startswith(("https://", "http://")) and " " not in text else None


def parse_incoming(form) -> Incoming | None:
    """The message of an inbound webhook; None when it is not Twilio-shaped (no SID or sender)."""
    message_sid = sid(form.get("MessageSid") or form.get("SmsMessageSid"))
    sender = clean_text(form.get("From"), PHONE_FIELD_MAX)
    phone = to_e164(sender) or to_e164(clean_text(form.get("WaId"), PHONE_FIELD_MAX))
    if not message_sid or not phone:
        return None
    latitude, longitude = coordinate(form.get("Latitude"), 90.0), coordinate(form.get("Longitude"), 180.0)
    if latitude is None or longitude is None:  # half a location is no location
        latitude = longitude = None
    return Incoming(
        message_sid=message_sid,
        channel="whatsapp" if sender.lower().startswith("whatsapp:") else "sms",
        from_phone=phone,
        **typed_body(form.get("Body")),
        profile_name=optional_text(form.get("ProfileName"), PROFILE_NAME_MAX),
        num_media=bounded_int(form.get("NumMedia"), 0, NUM_MEDIA_MAX),
        media_url=http_url(form.get("MediaUrl0")),
        media_type=optional_text(form.get("MediaContentType0"), MEDIA_TYPE_MAX),
        latitude=latitude,
        longitude=longitude,
        # A tap: a quick-reply button's id (ButtonPayload) or a list item's (ListId).
        button_payload=_masked(optional_text(form.get("ButtonPayload") or form.get("ListId"), BUTTON_PAYLOAD_MAX)),
    )


def typed_body(raw) -> dict[str, str | None]:
    """A message's text as every path receives it (the webhook and `bot chat` alike): a NIK is masked
    before it is stored, logged, put into a proposal another resident may read or shown to anyone but
    the petugas holding the chat (who may ask for it: `as_written`, never stored)."""
    text = clean_text(raw, BODY_MAX)
    return {"body": mask_niks(text), "as_written": text or None}


def _masked(text: str | None) -> str | None:
    return mask_niks(text) if text else text


@dataclass(frozen=True)
class StatusUpdate:
    message_sid: str
    status: str
    error_code: str | None
    error_message: str | None


def parse_status(form) -> StatusUpdate | None:
    """A status callback; None without a SID or a status of Twilio's shape."""
    message_sid = sid(form.get("MessageSid") or form.get("SmsSid"))
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not message_sid or not _STATUS.fullmatch(status):
        return None
    code = (form.get("ErrorCode") or "").strip()
    return StatusUpdate(message_sid, status, code if _DIGITS.fullmatch(code) else None,
                        optional_text(form.get("ErrorMessage"), ERROR_MESSAGE_MAX))
