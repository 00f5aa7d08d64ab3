"""Logging that never shows a full phone number (of any country) or a NIK, and message bodies
only at DEBUG. The filter masks the message, its arguments and any traceback text."""

from __future__ import annotations

import ipaddress
import logging
import re

from flows.phones import mask_personal

# What a log line needs readable and is no personal data: client addresses (IPv4/IPv6, with a port),
# timestamps, and the names and numbers of the bot's own parts: a sender's name (host:pid:tag,
# scheduler.sender.worker_name), a thread's or process's (`send-worker-2`, `outbox-resident-1`), an
# outbox row or a visit by its id (`outbox 20417`). The phone matcher would take `203.0.113.45`,
# `11:10:54,719`, a pid of six digits or a row id for a number.
_KEEP = re.compile(r"""
    (?P<when>\d{4}-\d{2}-\d{2}(?:[T\x20]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?)  # ISO date/time
  | (?P<access>\d{1,2}/[A-Z][a-z]{2}/\d{4}(?::\d{2}:\d{2}:\d{2})?(?:\x20[+-]\d{4})?)                      # access-log time
  | (?P<worker>(?<![\w.:+-])[A-Za-z0-9][\w.-]{0,29}:\d{1,7}:[0-9a-f]{6}(?![\w:]))                             # a sender's name
  | (?P<time>(?<![\d:])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?![\d:]))                                    # time of day
  | (?P<ipv4>(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]))                                                    # IPv4
  | (?P<ipv6>(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:]))                                   # IPv6
  | (?P<part>(?<![\w+-])[A-Za-z][A-Za-z_]*(?:-[A-Za-z][A-Za-z_]*)*-\d{1,3}(?![\w-]|[\s.]*\d))                   # send-worker-2
  | (?P<row>(?<![\w-])(?:outbox|visit|broadcast)\x20\#?\d{1,9}(?![\w-]|[\s.]*\d))                        # outbox 20417
""", re.VERBOSE)


def _kept(match: re.Match) -> bool:
    token = match.group(0)
    if match.lastgroup == "ipv4" and token[:1].isdigit():
        try:  # 081.234.567.890 is a phone number written with dots, not an address
            ipaddress.IPv4Address(token)
        except ValueError:
            return False
    elif match.lastgroup == "ipv6" and not any(c in token for c in "-/ ") and token.count(":") >= 2 \
            and "." not in token:
        try:
            ipaddress.IPv6Address(token)
        except ValueError:
            return bool(re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", token))
    return True


def mask_log_text(text: str) -> str:
    """Phone numbers and NIKs masked; IP addresses and timestamps left as they are."""
    if not text:
        return text
    out, last = [], 0
    for match in _KEEP.finditer(text):
        if not _kept(match):
            continue
        out.append(mask_personal(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(mask_personal(text[last:]))
    return "".join(out)


def mask_phone(text: str | None) -> str:
    """`+6281234567890` → `+62812****890`, NIKs → `3514********0001`; works inside longer text."""
    return mask_personal(text) if text else ""


class MaskPhonesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = mask_log_text(str(record.msg))
        if record.exc_info and not record.exc_text:
            # A driver's error text quotes the failing values: format it once, masked.
            record.exc_text = mask_log_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
        return True


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(isinstance(f, MaskPhonesFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(MaskPhonesFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    # APScheduler narrates every job run at INFO; its warnings and errors are what operators need.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
