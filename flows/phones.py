"""Phone numbers in E.164 (+62…), from the forms residents and Twilio use."""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str | None, region: str = "ID") -> str | None:
    """`whatsapp:+6281…`, `0812-3456-7890`, `62812…` → `+62812…`; None when not a valid number."""
    if not raw:
        return None
    text = raw.strip()
    for prefix in ("whatsapp:", "sms:", "tel:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    if text.isdigit() and text.startswith("62"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(e164: str) -> str:
    """`+6281234567890` → `0812-3456-7890`, the way residents write and read numbers."""
    digits = e164.removeprefix("+62")
    local = "0" + digits
    return "-".join([local[:4], local[4:8], local[8:]]) if len(local) > 8 else local
