"""Drain the outbox: worker threads claim rows and send them at SEND_RATE_PER_SECOND.

SEND_RATE_PER_SECOND is per sender process (one token bucket shared by its threads): with N
sender processes, set it to the account's budget divided by N. How a row is sent exactly once is
described in handlers.outbox.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import uuid
from collections import Counter
from datetime import datetime
from typing import Callable

from bot.runtime import Runtime
from bot.transport import Sender, build_sender
from handlers.outbox import PREFETCH, Deliverer, Lease, cancel_stale, claim, count_sendable
from handlers.quiet_hours import quiet_hours_of
from scheduler.pacing import OffsetClock, TokenBucket

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 60.0
# Requests leave evenly spaced but reach Twilio with jitter, which can bunch two of them into one
# window; pacing 1 % under the configured rate keeps every window at or under it.
PACING_HEADROOM = 0.99
WINDOW_SECONDS = 10.0


def pacing_burst(rate: float) -> int:
    """Slots a momentarily busy worker may catch up on: half of what the headroom leaves free in a
    10 s window, so a window never goes above the rate, and stalls (a claim, a slow commit) do
    not turn into a shortfall."""
    return max(1, int(rate * WINDOW_SECONDS * (1 - PACING_HEADROOM) / 2))
DEFAULT_HTTP_TIMEOUT = 10.0


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def thread_count(rate: float, dialect: str) -> int:
    # One request takes a few ms on a good link, ~100-300 ms to Twilio from Indonesia: enough
    # threads to keep the bucket busy, few enough for one connection pool.
    wanted = max(1, min(16, math.ceil(rate / 25)))
    return min(wanted, 4) if dialect == "sqlite" else wanted


class OutboxDrain:
    """One pass over the outbox: returns when nothing is sendable now (or `stop` is set)."""

    def __init__(self, runtime: Runtime, *, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 http_timeout: float = DEFAULT_HTTP_TIMEOUT, threads: int | None = None,
                 sender_factory: Callable[[], Sender] | None = None, worker: str | None = None,
                 bucket: TokenBucket | None = None):
        self.runtime = runtime
        settings = runtime.settings
        self.lease = Lease(worker or worker_name(), lease_seconds, http_timeout)
        if self.lease.send_margin.total_seconds() >= lease_seconds:
            raise ValueError(f"lease of {lease_seconds}s leaves no time to send (HTTP timeout {http_timeout}s)")
        self.rate = float(settings.send_rate_per_second)
        self.bucket = bucket or TokenBucket(self.rate * PACING_HEADROOM, burst=pacing_burst(self.rate))
        self.threads = threads or thread_count(self.rate, runtime.engine.dialect.name)
        if sender_factory is None:
            shared = build_sender(settings, http_timeout=http_timeout) if settings.dry_run else None
            sender_factory = (lambda: shared) if shared else (lambda: build_sender(settings, http_timeout=http_timeout))
        self.sender_factory = sender_factory
        # Each claim holds about half the usable lease of work for one thread.
        usable = lease_seconds - self.lease.send_margin.total_seconds()
        self.batch = max(1, min(200, math.floor(self.rate * usable / 2 / self.threads)))

    def first_batch(self, index: int) -> int:
        """Thread `index`'s first claim: staggered (1/threads, 2/threads, … of a batch), so that the
        threads run out of rows, and claim again, one after another. Claiming all at the same
        instant stalls every thread at once, which a broadcast at 400/s showed as a 30 % dip
        in one second every batch."""
        return max(1, math.ceil(self.batch * (index + 1) / self.threads))

    def run(self, now: datetime, *, stop: threading.Event | None = None,
            on_done: Callable[[str], None] | None = None) -> Counter:
        stop = stop or threading.Event()
        clock = OffsetClock(now)
        quiet = quiet_hours_of(self.runtime.settings)
        with self.runtime.sessions.begin() as session:
            stale = cancel_stale(session, now)
            waiting = count_sendable(session, now, quiet)
        counts: Counter = Counter({"stale": stale} if stale else {})
        if not waiting:
            return counts  # idle: no threads, no Twilio clients
        lock = threading.Lock()
        errors: list[BaseException] = []

        def work(index: int) -> None:
            deliverer = Deliverer(self.runtime.sessions, self.sender_factory(), lease=self.lease,
                                  templates=dict(self.runtime.settings.templates), clock=clock,
                                  pace=self.bucket.acquire)
            limit = self.first_batch(index)
            try:
                while not stop.is_set():
                    with self.runtime.sessions.begin() as session:
                        rows = claim(session, lease=self.lease, now=clock(), limit=limit, quiet=quiet)
                    if not rows:
                        return
                    limit = self.batch
                    for i, row in enumerate(rows):
                        if i % PREFETCH == 0:
                            deliverer.prefetch(rows[i:i + PREFETCH])
                        outcome = deliverer.release(row) if stop.is_set() else deliverer.deliver(row)
                        with lock:
                            counts[outcome] += 1
                        if on_done:
                            on_done(outcome)
            except BaseException as exc:  # noqa: BLE001  (reported after the other threads end)
                log.exception("sender thread failed")
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(i,), name=f"outbox-{i}", daemon=True) for i in range(self.threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        if errors:
            raise errors[0]
        return counts


def drain_outbox(runtime: Runtime, now: datetime, **options) -> Counter:
    """The clock's job: send everything sendable now."""
    counts = OutboxDrain(runtime, **options).run(now)
    if counts:
        log.info("outbox: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return counts
