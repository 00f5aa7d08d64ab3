"""Drain the outbox: worker threads claim rows and send them at the account's rate.

SEND_RATE_PER_SECOND is the account's rate: every sending process (each `scheduler
send-worker`, the clock's drain, a `scheduler tick`) takes its slots from one pace kept in the
database (scheduler.pacing.SharedPace), so adding a worker adds resilience, not rate. With
several sender numbers, SEND_RATE_PER_SENDER gives a number its own pace as well.

Two lanes (handlers.outbox.kinds.Lane): residents' messages (replies, relays, login codes,
ticket news) and broadcasts. Residents' rows come first everywhere: `RESIDENT_THREADS` threads
per process claim only them, woken by the process's bell — rung by a web thread of this process
after its commit, or, on PostgreSQL, by a NOTIFY that every residents' row written by any process
sends at its commit (`ResidentListener`) — with a look every RESIDENT_POLL seconds as a safety
net; and every broadcast claim looks at the residents' lane first and takes its rows instead
(handlers.outbox.claim). The account's rate is drawn by residents' rows first: broadcasts only
reserve slots a little ahead (pacing.BULK_HORIZON), a reply takes the next free slot, and a
broadcast row that finds no slot before its lease runs short is handed back. How a row is sent
exactly once is in handlers.outbox; which clock decides what (due vs. held) in
handlers.outbox.claim.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Callable

from core.runtime import Runtime
from handlers.transport import Sender, build_sender, sender_of
from handlers.outbox import (PREFETCH, RESIDENT_NOTIFY_CHANNEL, Claimed, Deliverer, Lane, Lease, cancel_stale, claim,
                             count_sendable, resident_claimable, resident_waiting)
from handlers.quiet_hours import quiet_hours_of
from scheduler.pacing import SENDER_KEY, DatabaseClock, OffsetClock, SharedPace, sender_rates

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 60.0
DEFAULT_HTTP_TIMEOUT = 10.0
# A broadcast claim holds about this much of the account's rate per thread: short, so that the
# threads come back to claim (which looks at the residents' lane first) often.
BATCH_SECONDS = 1.0
# Residents' lane: threads per sending process, how often they look, how many rows a claim takes.
# Each thread sends one message at a time (a pace slot, the request, the record), so the lane's
# rate per process is about RESIDENT_THREADS ÷ that round. With replies over REST every resident's
# message goes through here (1.5 rows per inbound message in the storm bench): 2 threads per
# process carried ~20 rows/s on the loaded bench machine while 60 a second were written.
RESIDENT_THREADS = 8
RESIDENT_POLL = 0.1
RESIDENT_BATCH = 4
# Only the first RESIDENT_LOOKERS threads look every poll; the others look RESIDENT_HELPER_POLLS
# times less often and are woken when a claim comes back full (more waiting): an idle lane costs
# the database no more looks than two threads did, a busy one gets every thread at once.
RESIDENT_LOOKERS = 2
RESIDENT_HELPER_POLLS = 10
# While the process listens for NOTIFY outbox_resident (PostgreSQL), a ring says when to claim and
# the looks are only a safety net (a notification lost while the listener reconnected).
RESIDENT_POLL_LISTENING = 1.0
# A broadcast thread whose claim found a residents' row claimable but held by another claim
# tries again this soon (it takes no broadcast row meanwhile).
YIELD_SECONDS = 0.02


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def thread_count(rate: float, dialect: str) -> int:
    # One request takes a few ms on a good link, ~100-300 ms to Twilio from Indonesia: enough
    # threads to keep the pace busy, few enough for one connection pool.
    wanted = max(1, min(16, math.ceil(rate / 25)))
    return min(wanted, 4) if dialect == "sqlite" else wanted


def lower_cpu_priority(nice: int) -> int:
    """A sending process (SENDER_NICE) or the processor (PROCESSOR_NICE) runs at nice level `nice` at least, below the web: on a host
    they share, a resident's webhook gets the CPU before the next message of a broadcast, which
    only waits for its pace slot anyway. A level, not a step: calling again changes nothing.
    Returns the process's nice level."""
    try:
        current = os.nice(0)
        return os.nice(nice - current) if nice > current else current
    except (AttributeError, OSError):
        return 0


def now_utc() -> datetime:
    return datetime.now(UTC)


class ResidentListener:
    """PostgreSQL: LISTEN outbox_resident on a connection of its own and ring the process's bell
    for each notification, so that a reply any process writes is claimed here at once (a residents'
    row notifies at its commit: the trigger of migration 0021). `listening` is set while the
    connection listens; the residents' threads look more often when it is not."""

    def __init__(self, engine, bell):
        self.engine, self.bell = engine, bell
        self.listening = threading.Event()
        self.notifications = 0
        self._thread: threading.Thread | None = None

    def start(self, *stops: threading.Event) -> "ResidentListener":
        """Listen until any of `stops` is set."""
        self._stops = stops
        self._thread = threading.Thread(target=self._run, name="outbox-listener", daemon=True)
        self._thread.start()
        return self

    def _stopped(self) -> bool:
        return any(e.is_set() for e in self._stops)

    def join(self, timeout: float = 1.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped():
            fairy = None
            try:
                fairy = self.engine.raw_connection()
                conn = fairy.driver_connection
                fairy.detach()  # its own connection for as long as it listens, not the pool's
                conn.rollback()
                conn.autocommit = True
                conn.execute(f"LISTEN {RESIDENT_NOTIFY_CHANNEL}")
                self.listening.set()
                self.bell.set()  # anything written before we listened
                while not self._stopped():
                    for _ in conn.notifies(timeout=0.5):
                        self.notifications += 1
                        self.bell.set()
                        if self._stopped():
                            break
            except Exception:  # noqa: BLE001  (the database away for a moment: the threads look meanwhile)
                self.listening.clear()
                log.warning("outbox listener lost its connection; listening again in 2 s", exc_info=True)
                time.sleep(2.0)
            finally:
                self.listening.clear()
                if fairy is not None:
                    try:
                        fairy.close()
                    except Exception:  # noqa: BLE001
                        pass


class OutboxDrain:
    """Sends the outbox: `run(now)` once until nothing is sendable (the clock, a tick), `serve()`
    until stopped (a send-worker)."""

    def __init__(self, runtime: Runtime, *, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 http_timeout: float = DEFAULT_HTTP_TIMEOUT, threads: int | None = None,
                 sender_factory: Callable[[], Sender] | None = None, worker: str | None = None):
        self.runtime = runtime
        settings = runtime.settings
        self.lease = Lease(worker or worker_name(), lease_seconds, http_timeout)
        if self.lease.send_margin.total_seconds() >= lease_seconds:
            raise ValueError(f"lease of {lease_seconds}s leaves no time to send (HTTP timeout {http_timeout}s)")
        self.rate = float(settings.send_rate_per_second)
        self.bulk_pace = SharedPace.bulk(runtime.engine, self.rate)
        self.resident_pace = SharedPace.resident(runtime.engine, self.rate)
        self.sender_rates = sender_rates(settings.send_rate_per_sender)
        self._sender_paces: dict[tuple[Lane, str], SharedPace] = {}
        self._paces_lock = threading.Lock()
        self.threads = threads or thread_count(self.rate, runtime.engine.dialect.name)
        if sender_factory is None:
            shared = build_sender(settings, http_timeout=http_timeout) if settings.dry_run else None
            sender_factory = (lambda: shared) if shared else (lambda: build_sender(settings, http_timeout=http_timeout))
        self.sender_factory = sender_factory
        self.listener: ResidentListener | None = None
        # Each claim holds about BATCH_SECONDS of work at the account's full rate (at most a
        # quarter of the usable lease: other senders sharing the rate slow a thread down), so
        # that several senders share a broadcast instead of the first one holding most of it.
        usable = lease_seconds - self.lease.send_margin.total_seconds()
        self.batch = max(1, min(200, math.floor(self.rate * min(BATCH_SECONDS, usable / 4) / self.threads)))

    def first_batch(self, index: int) -> int:
        """Thread `index`'s first claim: staggered (1/threads, 2/threads, … of a batch), so that the
        threads run out of rows, and claim again, one after another. Claiming all at the same
        instant stalls every thread at once, which a broadcast at 400/s showed as a 30 % dip
        in one second every batch."""
        return max(1, math.ceil(self.batch * (index + 1) / self.threads))

    # -- one pass (the clock's job, a tick) ----------------------------------------------------
    def run(self, now: datetime, *, stop: threading.Event | None = None,
            on_done: Callable[[str], None] | None = None) -> Counter:
        """Send everything due at `now` (a tick may simulate it; leases stay on the database's
        clock) and return the outcomes."""
        stop = stop or threading.Event()
        due = OffsetClock(now)
        quiet = quiet_hours_of(self.runtime.settings)
        with self.runtime.sessions.begin() as session:
            stale = cancel_stale(session, now)
            waiting = count_sendable(session, now, quiet)
        counts: Counter = Counter({"stale": stale} if stale else {})
        listening = self._listen(stop) if waiting else None
        try:
            self._run_passes(due, quiet, waiting, stop, counts, on_done)
        finally:
            self._unlisten(listening)
        return counts

    def _run_passes(self, due, quiet, waiting, stop, counts, on_done) -> None:
        while waiting and not stop.is_set():
            before = sum(counts.values())
            self._pass(due, stop, counts, on_done, bulk_done=threading.Event())
            if sum(counts.values()) == before:
                break
            # Again while the pass got somewhere: a broadcast row that waited for an older
            # residents' row to the same person (order per recipient) is sendable now.
            with self.runtime.sessions() as session:
                waiting = count_sendable(session, due(), quiet)

    def _listen(self, stop: threading.Event) -> threading.Event | None:
        """Start listening for residents' rows (PostgreSQL); returns the event that stops it."""
        if self.runtime.engine.dialect.name != "postgresql":
            return None
        done = threading.Event()
        self.listener = ResidentListener(self.runtime.engine, self.runtime.outbox_bell).start(stop, done)
        return done

    def _unlisten(self, done: threading.Event | None) -> None:
        if done is not None:
            done.set()
            if self.listener is not None:
                self.listener.join()

    # -- until stopped (a send-worker) ---------------------------------------------------------
    def serve(self, stop: threading.Event, *, idle: float = 1.0, resident_poll: float = RESIDENT_POLL,
              on_pass: Callable[[Counter], None] | None = None) -> Counter:
        """Send until `stop` is set: residents' lane always watched (every `resident_poll` s, and at
        once when this process rings `runtime.outbox_bell` after writing a reply), the bulk lane
        drained pass after pass, `idle` seconds apart when there is nothing."""
        total: Counter = Counter()
        lock = threading.Lock()
        listening = self._listen(stop)
        residents = self._start_resident_lane(now_utc, stop, total, lock, None, stop, poll=resident_poll)
        try:
            while not stop.is_set():
                counts = self._bulk_pass(now_utc, stop, total, lock, None)
                if on_pass and counts:
                    on_pass(counts)
                if not counts:
                    stop.wait(idle)
        finally:
            stop.set()
            self._wake(residents)
            for t in residents:
                t.join()
            self._unlisten(listening)
        return total

    # -- the threads ----------------------------------------------------------------------------
    def _pass(self, due, stop, counts, on_done, *, bulk_done: threading.Event) -> None:
        lock = threading.Lock()
        residents = self._start_resident_lane(due, stop, counts, lock, on_done, bulk_done)
        try:
            self._bulk_pass(due, stop, counts, lock, on_done)
        finally:
            bulk_done.set()
            self._wake(residents)
            for t in residents:
                t.join()

    def _wake(self, threads: list[threading.Thread]) -> None:
        """Ring once per residents' thread, so that each sees at once that it is to end (a helper
        otherwise noticed only at its next look, seconds later: a stopped worker outlived its
        platform's grace period)."""
        for _ in threads:
            self.runtime.outbox_bell.set()

    def pace(self) -> Callable[[Claimed, float], bool]:
        """What a thread waits on before each request, at most `within` seconds: the account's
        rate (a residents' row draws first, a broadcast row only a little ahead), and the sender
        number's own too if it has one (SEND_RATE_PER_SENDER), as one slot that fits both."""

        def acquire(row: Claimed, within: float) -> bool:
            lane = Lane(row.lane)
            account = self.bulk_pace if lane == Lane.BULK else self.resident_pace
            sender = sender_of(self.runtime.settings, row.channel) if self.sender_rates else None
            rate = self.sender_rates.get(sender or "") if sender else None
            if not rate:
                return account.acquire(within)
            with self._paces_lock:
                both = self._sender_paces.get((lane, sender))
                if both is None:
                    make = SharedPace.bulk if lane == Lane.BULK else SharedPace.resident
                    both = self._sender_paces[(lane, sender)] = make(self.runtime.engine, self.rate,
                                                                     also=(SENDER_KEY.format(sender), rate))
            return both.acquire(within)

        return acquire

    def _deliverer(self, due, lease_clock) -> Deliverer:
        return Deliverer(self.runtime.sessions, self.sender_factory(), lease=self.lease,
                         templates=dict(self.runtime.settings.templates), clock=due, lease_clock=lease_clock,
                         pace=self.pace())

    def _send(self, deliverer: Deliverer, rows, stop, counts, lock, on_done) -> None:
        for i, row in enumerate(rows):
            if i % PREFETCH == 0:
                deliverer.prefetch(rows[i:i + PREFETCH])
            outcome = deliverer.release(row) if stop.is_set() else deliverer.deliver(row)
            with lock:
                counts[outcome] += 1
            if on_done:
                on_done(outcome)

    def _bulk_pass(self, due, stop, counts, lock, on_done) -> Counter:
        """Bulk threads until the bulk lane has nothing due; returns this pass's outcomes."""
        lease_clock = DatabaseClock(self.runtime.engine)
        quiet = quiet_hours_of(self.runtime.settings)
        mine: Counter = Counter()
        errors: list[BaseException] = []

        def work(index: int) -> None:
            deliverer = self._deliverer(due, lease_clock)
            limit = self.first_batch(index)
            try:
                while not stop.is_set():
                    # Residents' rows first (claim looks at their lane before any broadcast row).
                    with self.runtime.sessions.begin() as session:
                        now = due()
                        rows = claim(session, lease=self.lease, now=now, limit=limit, quiet=quiet, lane=Lane.BULK,
                                     resident_limit=RESIDENT_BATCH)
                        held_back = not rows and resident_claimable(session, now, quiet)
                    if held_back:  # a reply another claim is taking right now: no broadcast row meanwhile
                        stop.wait(YIELD_SECONDS)
                        continue
                    if not rows:
                        return
                    if rows[0].lane == Lane.BULK:
                        limit = self.batch
                    here: Counter = Counter()
                    self._send(deliverer, rows, stop, here, threading.Lock(), on_done)
                    with lock:
                        counts.update(here)
                        mine.update(here)
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
        return mine

    def _start_resident_lane(self, due, stop, counts, lock, on_done, until: threading.Event, *,
                             poll: float = RESIDENT_POLL) -> list[threading.Thread]:
        """Threads that send residents' rows as soon as they are due; they return once `until` is
        set and nothing of their lane is left (or at once when `stop` is set). Between looks they
        wait `poll` seconds, or less: the process's bell (a reply just committed here) wakes them."""
        quiet = quiet_hours_of(self.runtime.settings)
        errors: list[BaseException] = []
        bell = self.runtime.outbox_bell

        engine = self.runtime.engine
        # PostgreSQL: each look is one statement on an autocommit connection, and a claim's
        # transaction is opened only when a row waits. Three senders' residents' threads look
        # sixty times a second in all; as transactions, those looks cost the database more
        # than a broadcast's sends.
        look = engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else None

        def waiting() -> bool:
            with look.connect() as conn:
                return resident_waiting(conn, due())

        def work(index: int) -> None:
            lease_clock = DatabaseClock(self.runtime.engine)
            deliverer = self._deliverer(due, lease_clock)
            rung = True  # look at once
            try:
                while not stop.is_set():
                    if not rung and look is not None and not waiting():
                        rows = []
                    else:
                        with self.runtime.sessions.begin() as session:
                            rows = (claim(session, lease=self.lease, now=due(), limit=RESIDENT_BATCH, quiet=quiet,
                                          lane=Lane.RESIDENT)
                                    if rung or look is not None or resident_waiting(session, due()) else [])
                    if rows:
                        if len(rows) == RESIDENT_BATCH:
                            bell.set()  # more may wait: another thread claims too
                        self._send(deliverer, rows, stop, counts, lock, on_done)
                        rung = True  # look again at once: replies come in bursts
                        continue
                    if until.is_set():
                        return
                    listening = self.listener is not None and self.listener.listening.is_set()
                    wait = RESIDENT_POLL_LISTENING if listening else poll
                    rung = bell.wait(wait if index < RESIDENT_LOOKERS else wait * RESIDENT_HELPER_POLLS)
            except BaseException as exc:  # noqa: BLE001
                log.exception("residents' sender thread failed")
                errors.append(exc)

        pool = [threading.Thread(target=work, args=(i,), name=f"outbox-resident-{i}", daemon=True)
                for i in range(RESIDENT_THREADS)]
        for t in pool:
            t.start()
        return pool


class SendLoop:
    """The sender inside `python -m bot serve`: one OutboxDrain serving until stopped, in a thread
    of the web process. Replies are sent as soon as the webhook commits them (the bell), the rest
    within RESIDENT_POLL_SERVE / `idle` seconds."""

    def __init__(self, runtime: Runtime, *, idle: float = 1.0, resident_poll: float = 1.0):
        self.drain = OutboxDrain(runtime)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(idle, resident_poll), name="outbox-sender",
                                       daemon=True)

    def _run(self, idle: float, resident_poll: float) -> None:
        while not self.stop.is_set():
            try:
                self.drain.serve(self.stop, idle=idle, resident_poll=resident_poll)
            except Exception:  # noqa: BLE001  (the database away for a moment: keep the process sending)
                log.exception("outbox sender stopped by an error; starting again in 5 s")
                self.stop.wait(5)

    def start(self) -> "SendLoop":
        self.thread.start()
        return self

    def close(self, timeout: float = 15.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


def drain_outbox(runtime: Runtime, now: datetime, **options) -> Counter:
    """The clock's job: send everything sendable now."""
    counts = OutboxDrain(runtime, **options).run(now)
    if counts:
        log.info("outbox: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return counts
