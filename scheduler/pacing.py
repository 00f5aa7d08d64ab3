"""Pacing: the account's rate shared by every sending process, and the clocks a sender keeps.

`SharedPace` keeps one rate in the database (table send_pace: the theoretical arrival time of
the next free slot, GCRA, in the database's clock). A process reserves a few slots at a time in
one UPDATE … RETURNING and sends at those instants, so all senders together (send-workers, the
clock's drain, a `scheduler tick`) stay under SEND_RATE_PER_SECOND: a second worker adds
resilience, not rate. Residents' messages reserve one slot at a time with no horizon; bulk rows
may only reserve while the next free slot is less than `BULK_HORIZON` ahead, so a reply waits
behind at most that much of a broadcast, never behind the broadcast.

A sender number with a rate of its own (SEND_RATE_PER_SENDER) is paced on both keys at once: each
of its slots is one instant that the number's pace and the account's both allow, reserved on both
in one transaction. (Taken one after the other, the number's slots ran out while its threads
waited for the account's, and its messages then left back to back.)

`DatabaseClock` is the database's clock as seen from a process (leases); `OffsetClock` is a
simulated now that flows (what is *due*).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from storage.db import database_now
from storage.dialect import insert_for
from storage.models import SendPace

# Pace this much under the configured rate: requests leave at their slots but reach Twilio with
# jitter (a loaded machine, the network), which can bunch a few into one window.
PACING_HEADROOM = 0.93
# A bulk slot found more than this late (the process was busy) is skipped, not used: sending late
# on several slots at once would bunch them. Bounds a window's overshoot to rate × LATE_SLOT.
# Residents' slots are always used, however late: a starved process would otherwise skip slot
# after slot while a reply waits, and they bunch at most one per residents' thread.
LATE_SLOT = 0.05
# Bulk (broadcast) slots are reserved about this much ahead at a time, and only while the
# account's next free slot is at most BULK_HORIZON away.
BULK_CHUNK_SECONDS = 0.05
BULK_HORIZON = 0.05
ACCOUNT_KEY = "account"
SENDER_KEY = "sender:{}"  # a sender number's own rate (SEND_RATE_PER_SENDER)

# One statement, one round trip, on an autocommit connection (a lost slot is harmless: no wait for
# the disk at its commit). Busy, it answers the next free slot as it was, so the lane knows how
# long to wait without asking again. A broadcast's three senders each reserve tens of times a
# second: BEGIN, SET LOCAL, UPDATE, COMMIT and a look when busy were five round trips each.
_RESERVE_PG = text("""
    WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true) AS v),
         cur AS (SELECT tat, extract(epoch FROM statement_timestamp()) AS now FROM send_pace WHERE key = :key),
         upd AS (UPDATE send_pace SET tat = GREATEST(send_pace.tat, cur.now) + :span FROM cur
                 WHERE send_pace.key = :key AND (CAST(:horizon AS double precision) IS NULL
                                                 OR send_pace.tat <= cur.now + :horizon)
                 RETURNING send_pace.tat)
    SELECT (SELECT tat FROM upd), cur.now, cur.tat, (SELECT v FROM cfg) FROM cur""")
_RESERVE_SQLITE = text("""
    UPDATE send_pace SET tat = max(tat, :now) + :span
    WHERE key = :key AND (:horizon IS NULL OR tat <= :now + :horizon)
    RETURNING tat, :now""")  # in a transaction of its own (BEGIN IMMEDIATE)
# A joint reservation (the account's key and a sender number's): both rows, locked in key order.
_LOCK_BOTH_PG = text("""
    SELECT key, tat, extract(epoch FROM statement_timestamp()) FROM send_pace WHERE key IN (:key, :own)
    ORDER BY key FOR UPDATE""")
_LOCK_BOTH_SQLITE = text("SELECT key, tat, :now FROM send_pace WHERE key IN (:key, :own)")  # BEGIN IMMEDIATE
_SET_TAT = text("UPDATE send_pace SET tat = :tat WHERE key = :key")
# A number's next slot is reserved jointly once it is at most this share of the number's interval
# ahead: the account's pace, pushed to that instant, loses at most this share of it (while the
# number's rate binds), and the number loses little to the round trips of reserving just in time.
JOINT_SLACK = 0.1
_PEEK_PG = text("SELECT tat, extract(epoch FROM clock_timestamp()) FROM send_pace WHERE key = :key")
_PEEK_SQLITE = text("SELECT tat, :now FROM send_pace WHERE key = :key")


def sender_rates(text: str) -> dict[str, float]:
    """SEND_RATE_PER_SENDER: "whatsapp:+6281100000000=80,KENDURENMAS=10" → {sender: rate}."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        sender, sep, rate = part.rpartition("=")
        try:
            value = float(rate)
        except ValueError:
            value = 0.0
        if not sep or not sender.strip() or value <= 0:
            raise ValueError(f"SEND_RATE_PER_SENDER: {part!r} is not sender=rate (e.g. whatsapp:+6281100000000=80)")
        rates[sender.strip()] = value
    return rates


class SharedPace:
    """Slots of one shared rate for one lane of one process (thread-safe)."""

    def __init__(self, engine: Engine, rate: float, *, key: str = ACCOUNT_KEY, chunk: int = 1,
                 horizon: float | None = None, late: float | None = LATE_SLOT, headroom: float = PACING_HEADROOM,
                 also: tuple[str, float] | None = None, monotonic=time.monotonic, sleep=time.sleep):
        """`also`: (key, rate) of a sender number's own pace, which every slot must fit as well
        (reserved one at a time, on both keys at once)."""
        if rate <= 0 or (also is not None and also[1] <= 0):
            raise ValueError("rate must be positive")
        self.engine, self.key, self.chunk, self.horizon, self.late = engine, key, max(1, chunk), horizon, late
        self.interval = 1.0 / (rate * headroom)
        self.also_key, self.also_interval = (also[0], 1.0 / (also[1] * headroom)) if also else (None, 0.0)
        if also:
            self.chunk = 1
        self._monotonic, self._sleep = monotonic, sleep
        self._lock = threading.Lock()
        self._slots: deque[float] = deque()  # local monotonic instants reserved for this lane
        self.reservations = self.skipped = 0
        self._pg = engine.dialect.name == "postgresql"
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT") if self._pg else None
        self._busy_until: float | None = None  # the next free slot a refused reservation saw
        with engine.begin() as conn:
            for k in filter(None, (key, self.also_key)):
                conn.execute(insert_for(engine.dialect.name, SendPace).values(key=k, tat=0.0)
                             .on_conflict_do_nothing(index_elements=["key"]))

    @classmethod
    def bulk(cls, engine: Engine, rate: float, **kw) -> SharedPace:
        return cls(engine, rate, chunk=math.ceil(rate * BULK_CHUNK_SECONDS), horizon=BULK_HORIZON, **kw)

    @classmethod
    def resident(cls, engine: Engine, rate: float, **kw) -> SharedPace:
        return cls(engine, rate, chunk=1, horizon=None, late=None, **kw)

    def acquire(self, within: float | None = None) -> bool:
        """Block until this process may make one more request under the shared rate; True then.
        With `within` (seconds), give up instead when no slot comes that soon (False): a sender
        holding claimed rows must not wait for a slot past the time its lease lets it send (the
        residents' lane may take every slot for a while, and it comes first)."""
        deadline = None if within is None else self._monotonic() + max(0.0, within)
        if not self._lock.acquire(timeout=-1 if within is None else max(0.0, within)):
            return False
        try:
            while True:
                if not self._slots and not self._reserve(deadline):
                    return False
                slot = self._slots.popleft()
                now = self._monotonic()
                if deadline is not None and slot > deadline:
                    self._slots.appendleft(slot)  # another request of this lane may still use it
                    return False
                if self.late is None or slot >= now - self.late:
                    break
                self.skipped += 1
        finally:
            self._lock.release()
        if slot > now:
            self._sleep(slot - now)
        return True

    def _reserve(self, deadline: float | None = None) -> bool:
        while True:
            reserved = self.try_reserve()
            if reserved is not None:
                first, db_now, answered = reserved
                start = answered + (first - db_now)  # this process's monotonic instant of the first slot
                self._slots.extend(start + i * self.interval for i in range(self.chunk))
                self.reservations += 1
                return True
            # Busy: the account's next free slot is further ahead than this lane may reserve
            # (or the number's, beyond JOINT_SLACK).
            wait = max(0.001, min(1.0, self.wait_hint()))
            if deadline is not None and self._monotonic() + wait > deadline:
                return False
            self._sleep(wait)

    def _params(self) -> dict:
        return {"key": self.key, "span": self.chunk * self.interval, "horizon": self.horizon, "now": time.time()}

    def try_reserve(self) -> tuple[float, float, float] | None:
        """Reserve `chunk` slots: (the first slot, the database's now — both epoch seconds in the
        database's clock — and this process's monotonic instant when it answered), or None when
        this lane may not reserve that far ahead now."""
        if self.also_key is not None:
            return self._try_reserve_both()
        if self._pg:
            with self._autocommit.connect() as conn:
                row = conn.execute(_RESERVE_PG, self._params()).first()
                answered = self._monotonic()
            if row[0] is None:
                self._busy_until = float(row[2]) - float(row[1])
                return None
        else:
            with self.engine.begin() as conn:
                row = conn.execute(_RESERVE_SQLITE, self._params()).first()
                answered = self._monotonic()
            if row is None:
                return None
        tat, db_now = float(row[0]), float(row[1])
        return tat - self.chunk * self.interval, db_now, answered

    def _try_reserve_both(self) -> tuple[float, float, float] | None:
        """One slot at the first instant both the account's pace and the number's allow."""
        with self.engine.begin() as conn:
            if self._pg:
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            rows = conn.execute(_LOCK_BOTH_PG if self._pg else _LOCK_BOTH_SQLITE,
                                {**self._params(), "own": self.also_key}).all()
            tats = {r[0]: float(r[1]) for r in rows}
            db_now = float(rows[0][2])
            account, own = tats[self.key], tats[self.also_key]
            if own > db_now + JOINT_SLACK * self.also_interval or (
                    self.horizon is not None and account > db_now + self.horizon):
                return None
            slot = max(db_now, account, own)
            conn.execute(_SET_TAT, [{"key": self.key, "tat": slot + self.interval},
                                    {"key": self.also_key, "tat": slot + self.also_interval}])
            answered = self._monotonic()
        return slot, db_now, answered

    def wait_hint(self) -> float:
        """Seconds until this lane may try to reserve again."""
        ahead, self._busy_until = self._busy_until, None
        if ahead is None or self.also_key is not None:
            tat, db_now = self.peek()
            ahead = tat - db_now
        wait = ahead - self.horizon if self.horizon is not None else 0.0
        if self.also_key is not None:
            own, db_now = self.peek(self.also_key)
            wait = max(wait, own - db_now - JOINT_SLACK * self.also_interval)
        return wait

    def peek(self, key: str | None = None) -> tuple[float, float]:
        """(the next free slot of `key`, by default the account's; the database's now), epoch seconds."""
        with self.engine.connect() as conn:
            row = conn.execute(_PEEK_PG if self._pg else _PEEK_SQLITE, {**self._params(), "key": key or self.key}).first()
        return float(row[0]), float(row[1])


class DatabaseClock:
    """The database's clock, read once and carried on by this process's monotonic clock: what a
    lease is measured in (handlers.outbox.claim), whatever `--now` a tick simulates."""

    def __init__(self, engine: Engine):
        with engine.connect() as conn:
            self._start = database_now(conn)
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


class OffsetClock:
    """Now, as seen from a given starting instant: `scheduler tick --now …` decides what is due as
    if the wall clock were there, while time still flows."""

    def __init__(self, start: datetime):
        self.start = start
        self._t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._t0)
