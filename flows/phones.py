"""Phone numbers in E.164 (+62…), from the forms residents and Twilio use."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers


@lru_cache(maxsize=4096)  # every webhook parses its sender, and residents write again and again
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


# -- masking: what logs, staff and other residents may see of personal data -------------------
# A NIK (16-digit national ID), typed raw or already masked (so masking twice changes nothing).
NIK_PATTERN = re.compile(r"(?:\bNIK\b\s*:?\s*)?(?<![\d*])(\d{4}(?:\d{8}|\*{8})\d{4})(?![\d*])", re.IGNORECASE)
# A cheap test before the matcher: text with fewer than six digits in a row (allowing the
# separators people type) holds no phone number.
_MAYBE_NUMBER = re.compile(r"\d(?:[\s().\-/]*\d){5}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
REDACTED = "***"


def as_written_to(masked: str, original: str) -> str:
    """`masked` with each NIK of `original` put back where it was masked: what the petugas holding a chat
    reads (they asked for it); logs and stored rows keep the masked text."""
    for m in NIK_PATTERN.finditer(original):
        nik = m.group(1)
        if "*" not in nik:
            masked = masked.replace(mask_nik(nik), nik, 1)
    return masked


def mask_nik(nik: str) -> str:
    """`3514010101010001` → `3514********0001`."""
    return nik[:4] + "*" * 8 + nik[-4:]


def mask_niks(text: str) -> str:
    """Every NIK in `text` masked; the word "NIK" before it kept."""
    return NIK_PATTERN.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + mask_nik(m.group(1)), text)


def _masked_number(raw: str) -> str:
    digits = "".join(c for c in raw if c.isdigit())
    plus = "+" if raw.lstrip().startswith("+") else ""
    keep = 5 if plus else 4
    if len(digits) < keep + 5:
        return plus + digits[:2] + "****" + digits[-2:]
    return plus + digits[:keep] + "****" + digits[-3:]


def _replace_phones(text: str, replacement, region: str = "ID") -> str:
    if not text or not _MAYBE_NUMBER.search(text):
        return text
    out, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        if _DATE.fullmatch(match.raw_string):
            continue  # 2026-12-01 is a possible number too
        out.append(text[last:match.start])
        out.append(replacement(match.raw_string))
        last = match.end
    out.append(text[last:])
    return "".join(out)


def mask_phones(text: str, region: str = "ID") -> str:
    """Every phone number of any country in `text` masked (`+6281234567890` → `+62812****890`,
    `0343 123456` → `0343****456`), found by libphonenumber's matcher, not by a pattern of our own."""
    return _replace_phones(text, _masked_number, region)


def mask_personal(text: str) -> str:
    """NIKs first (the matcher would take a NIK for a phone number), then phone numbers."""
    return mask_phones(mask_niks(text)) if text else text


def redact_for_others(text: str) -> str:
    """What one resident may see of another's text: no NIK, no phone number, not even masked, and
    no run of six or more digits (a number cut short by an excerpt escapes the matcher)."""
    if not text:
        return text
    text = _replace_phones(NIK_PATTERN.sub(REDACTED, text), lambda _raw: REDACTED)
    return _MAYBE_NUMBER.sub(REDACTED, text)
