"""Pacing: a token bucket shared by a worker's threads, and a clock that can start at any instant."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta


class TokenBucket:
    """At most `rate` acquisitions per second, `burst` at once (default 1: strict pacing).

    Implemented as its equivalent virtual-scheduling form (GCRA): each caller reserves the next
    free slot under a lock and sleeps until it. With burst 1, any two acquisitions are at least
    1/rate apart, so no window of any length ever holds more than rate × length (+ burst − 1).
    """

    def __init__(self, rate: float, burst: int = 1, *, monotonic=time.monotonic, sleep=time.sleep):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self._monotonic, self._sleep = monotonic, sleep
        self._lock = threading.Lock()
        self._next = monotonic()  # theoretical arrival time of the next acquisition

    def acquire(self) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next - self.tolerance)
            self._next = max(now, self._next) + self.interval
        if slot > now:
            self._sleep(slot - now)


class OffsetClock:
    """Now, as seen from a given starting instant: `scheduler tick --now …` runs its jobs as if the
    wall clock were there, while time still flows (leases and backoff stay meaningful)."""

    def __init__(self, start: datetime):
        self.start = start
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._t0)
