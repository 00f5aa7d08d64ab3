"""Logging that never shows a full phone number, and message bodies only at DEBUG."""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(\+?62|0)(8\d{2})(\d{3,6})(\d{3})")


def mask_phone(text: str | None) -> str:
    """`+6281234567890` → `+62812****890`; works inside longer text too."""
    if not text:
        return ""
    return _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}{'*' * 4}{m.group(4)}", text)


class MaskPhonesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = mask_phone(str(record.msg))
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
