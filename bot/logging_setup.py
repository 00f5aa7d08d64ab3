"""Logging that never shows a full phone number (of any country) or a NIK, and message bodies
only at DEBUG. The filter masks the message, its arguments and any traceback text."""

from __future__ import annotations

import logging

from flows.phones import mask_personal


def mask_phone(text: str | None) -> str:
    """`+6281234567890` → `+62812****890`, NIKs → `3514********0001`; works inside longer text."""
    return mask_personal(text) if text else ""


class MaskPhonesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = mask_personal(str(record.msg))
        if record.exc_info and not record.exc_text:
            # A driver's error text quotes the failing values: format it once, masked.
            record.exc_text = mask_personal(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
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
