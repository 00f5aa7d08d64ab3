"""Dry-run: no Twilio credentials, so record and print what would be sent (phones masked)."""

from __future__ import annotations

import logging
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import TextIO

from core.logging_setup import mask_phone
from handlers.transport.interface import OutgoingMessage, SendResult, SentRecord

log = logging.getLogger(__name__)


class DryRunSender:
    def __init__(self, out: TextIO | None = None):
        self.out = out if out is not None else sys.stdout
        self.sent: list[tuple[str, OutgoingMessage, datetime]] = []
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> SendResult:
        sid = "DRY" + uuid.uuid4().hex
        what = (f"template {message.content_sid} {message.content_variables}" if message.content_sid
                else (message.body or "").splitlines()[0][:80] if message.body else "")
        line = f"[DRY-RUN] {message.channel} → {mask_phone(message.to_phone)}: {what}"
        with self._lock:
            self.sent.append((sid, message, datetime.now(UTC)))
            print(line, file=self.out, flush=True)
        log.info("%s", line)
        return SendResult(sid, "queued")

    def find_sent(self, channel: str, to_phone: str, since: datetime) -> list[SentRecord]:
        with self._lock:
            return [SentRecord(sid, m.body or "", "queued", "outbound-api", at)
                    for sid, m, at in reversed(self.sent)
                    if m.to_phone == to_phone and m.channel == channel and at >= since]
