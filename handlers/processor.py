"""The processor: stored inbound messages answered off the webhook's request, in order per resident.

The webhook only stores a message (handlers.inbound.store_inbound) and answers Twilio at once;
everything else happens here, with the same walk the webhook used to do in its request
(handlers.inbound.answer_stored):

- **Claim.** A processor takes, in one short transaction, the oldest waiting message of each of a
  few residents whose earlier messages are all processed (`_heads`): it writes its name and a
  lease (`lease_until`, on the database's clock) on them. A resident's next message is not
  claimable while an earlier one waits, so one resident's messages are answered one after the
  other in the order they were stored, while different residents' run in parallel (several
  threads or processes). On PostgreSQL the claim skips rows another claim is locking (SKIP
  LOCKED); SQLite runs one write transaction at a time (BEGIN IMMEDIATE).
- **Process.** One transaction per message: its first statement re-checks that the message is
  still waiting and still ours (renewing the lease; on PostgreSQL it row-locks it), then the
  flows run and the conversation/ticket changes, the outbox reply rows and the processed mark are
  committed together. A crash before that commit leaves nothing of the processing behind and a
  lease that runs out (`LEASE_SECONDS`): another processor takes the message again. After the
  commit nothing is done twice: the message is no longer waiting. Exactly once per MessageSid.
- **Failure.** A message whose processing raises (a bug) is marked processed with the apology
  (handlers.inbound.record_apology), as the webhook did; when the database itself fails the
  message keeps waiting and its lease runs out.

Who runs it: threads inside `python -m bot serve` (woken by `runtime.inbound_bell`, which the
webhook rings after its commit), the `processor` process of the Procfile (`python -m bot scheduler
process-worker`, woken by PostgreSQL's NOTIFY), the clock's `process_inbound` job and `scheduler
tick` (`process_pending`), and the spool's replay after it stored what waited on the disk.
scheduler.processor holds the loops.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from handlers.inbound import Incoming, _STORED_FIELDS, answer_stored, record_apology
from storage.db import UTCDateTime, retry_on_disconnect, utcnow
from storage.models import InboundMessage, Staff

log = logging.getLogger(__name__)

# How long a claimed message is a processor's own: processing takes milliseconds; a processor
# that died is replaced after this long (the message waits that long, nothing is lost).
LEASE_SECONDS = 30.0
# Residents' messages one claim takes (each processed in its own transaction right after).
CLAIM_BATCH = 4

_M = InboundMessage.__table__


def owner_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _now_sql(dialect: str):
    """The database's clock inside a statement (a SQLite file has its machine's, read by _params)."""
    return func.clock_timestamp() if dialect == "postgresql" else bindparam("now", type_=UTCDateTime())


def _until_sql(dialect: str, lease: timedelta):
    if dialect == "postgresql":
        return func.clock_timestamp() + lease
    return bindparam("until", type_=UTCDateTime())  # the SQLite file's clock, read per execution (_params)


def _params(dialect: str, lease: timedelta, **params) -> dict:
    """A claim's or take's parameters: on SQLite the clock is read here, so the statements are built once."""
    if dialect != "postgresql":
        now = utcnow()
        params.update(now=now, until=now + lease)
    return params


def _free(now):
    return or_(_M.c.lease_until.is_(None), _M.c.lease_until <= now)


def _heads(dialect: str, now, limit: int):
    """Each resident's oldest waiting message that no live lease holds, oldest first."""
    older = _M.alias("older")
    earlier_waiting = (select(older.c.id).where(older.c.from_phone == _M.c.from_phone, older.c.processed_at.is_(None),
                                                older.c.id < _M.c.id).exists())
    heads = (select(_M.c.id).where(_M.c.processed_at.is_(None), _free(now), ~earlier_waiting)
             .order_by(_M.c.id).limit(limit))
    return heads.with_for_update(skip_locked=True, of=_M) if dialect == "postgresql" else heads


@cache
def _claim_statement(dialect: str, lease: timedelta, limit: int):
    now = _now_sql(dialect)
    return (update(_M).where(_M.c.id.in_(_heads(dialect, now, limit).scalar_subquery()), _M.c.processed_at.is_(None),
                             _free(now))
            .values(lease_owner=bindparam("owner"), lease_until=_until_sql(dialect, lease))
            .returning(_M.c.id))


@cache
def _take_statement(dialect: str, lease: timedelta):
    """The first statement of a message's processing: still waiting, still ours (the lease renewed),
    returning the message and, in the same round trip, the active staff member writing from its number."""
    staff = Staff.__table__
    staff_id = (select(staff.c.id).where(staff.c.phone == _M.c.from_phone, staff.c.active.is_(True))
                .limit(1).scalar_subquery())
    return (update(_M).where(_M.c.id == bindparam("row_id"), _M.c.processed_at.is_(None),
                             _M.c.lease_owner == bindparam("owner"))
            .values(lease_until=_until_sql(dialect, lease))
            .returning(*[_M.c[name] for name in _STORED_FIELDS], _M.c.as_written, _M.c.received_at,
                       staff_id.label("staff_id")))


class Processor:
    """Claims and processes waiting messages; safe to run in any number of threads and processes."""

    def __init__(self, runtime, *, lease_seconds: float = LEASE_SECONDS, owner: str | None = None):
        self.runtime = runtime
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = owner or owner_name()
        self.dialect = runtime.engine.dialect.name

    def claim(self, limit: int = CLAIM_BATCH) -> list[int]:
        """Lease up to `limit` residents' next messages; their row ids, oldest first."""
        def unit_of_work() -> list[int]:
            with self.runtime.sessions.begin() as session:
                statement = _claim_statement(self.dialect, self.lease, limit)
                params = _params(self.dialect, self.lease, owner=self.owner)
                return sorted(session.execute(statement, params).scalars())

        return retry_on_disconnect(unit_of_work)

    def process(self, row_id: int) -> bool:
        """Answer one claimed message in one transaction; False when it is not ours any more
        (processed already, or its lease ran out and another processor took it)."""
        runtime = self.runtime

        def unit_of_work() -> bool:
            with runtime.sessions.begin() as session:
                msg, received_at, staff_id = self._take(session, row_id)
                if msg is None:
                    return False
                # As of its arrival: idle timeouts, floods and "today" read the time it was sent.
                answer_stored(session, runtime, runtime.registry, msg, received_at, row_id, staff_id, via_outbox=True)
                return True

        try:
            done = retry_on_disconnect(unit_of_work)
        except Exception:
            log.exception("inbound message %s failed in the processor; answering with an apology", row_id)
            with runtime.sessions.begin() as session:  # raises when the database is away: it waits
                msg, received_at, _ = self._take(session, row_id)
                if msg is None:
                    return False
                record_apology(session, msg, row_id, received_at, via_outbox=True)
            done = True
        if done:
            runtime.outbox_bell.set()  # committed: a sender in this process sends the replies now
        return done

    def _take(self, session: Session, row_id: int) -> tuple[Incoming | None, object, int | None]:
        """The message, its arrival and the writer's staff id (None: not active staff)."""
        params = _params(self.dialect, self.lease, row_id=row_id, owner=self.owner)
        row = session.execute(_take_statement(self.dialect, self.lease), params).first()
        if row is None:
            return None, None, None
        values = row._mapping
        return (Incoming(**{name: values[name] for name in _STORED_FIELDS}, as_written=values["as_written"]),
                values["received_at"], values["staff_id"])

    def run_once(self, limit: int = CLAIM_BATCH) -> int:
        """One claim and its messages processed; how many were answered."""
        return sum(self.process(row_id) for row_id in self.claim(limit))

    def drain(self, max_rounds: int | None = None) -> int:
        """Process until nothing claimable waits (messages leased by a live processor are left to
        it); how many were answered."""
        total, rounds = 0, 0
        while max_rounds is None or rounds < max_rounds:
            rounds += 1
            claimed = self.claim()
            if not claimed:
                break
            total += sum(self.process(row_id) for row_id in claimed)
        return total


def process_pending(runtime, now=None) -> dict[str, int]:
    """Every waiting message processed now, in this thread (the clock's job, `scheduler tick`, the
    spool's replay; the tests after each webhook)."""
    done = Processor(runtime).drain()
    return {"processed": done} if done else {}


def waiting(session: Session) -> int:
    """Messages stored and not processed yet."""
    return session.scalar(select(func.count()).select_from(_M).where(_M.c.processed_at.is_(None))) or 0
