"""Residents first: a broadcast claim looks at the residents' lane before any broadcast row, and a
broadcast row that gets no slot of the account's rate in time is handed back (issue #28).

Claims are made here directly, in the order the test chooses: which rows a claim takes is decided
by the database's state, not by a clock. The same rule with real processes and a late tick is in
test_sending_under_pressure.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from handlers.outbox import Lane, Lease, claim, enqueue, resident_claimable
from handlers.quiet_hours import QuietHours
from scheduler.pacing import DatabaseClock
from scheduler.sender import OutboxDrain
from storage.models import OutboxMessage, OutboxStatus
from tests.scheduler.test_exactly_once import broadcast_now
from tests.sending import add_residents, phone

QUIET = QuietHours.parse("", "Asia/Jakarta")
LEASE = Lease("sender:1", seconds=60, http_timeout=10)


def claim_now(session, lane: Lane, limit: int = 10, lease: Lease = LEASE):
    return claim(session, lease=lease, now=datetime.now(UTC), limit=limit, quiet=QUIET, lane=lane, resident_limit=4)


def reply_to_a_new_resident(trt, n: int, body: str = "Jadwal Kenduren Mas: Rabu 9 Desember di Gempol.") -> int:
    with trt.sessions.begin() as s:
        [rid] = add_residents(s, "Bangil", 1, start=5_000 + n, last_inbound_at=datetime.now(UTC))
        return enqueue(s, kind="reply", channel="whatsapp", to_phone=phone(5_000 + n), resident_id=rid, body=body).id


def test_a_broadcast_claim_takes_a_waiting_reply_instead_of_broadcast_rows(trt):
    broadcast_now(trt, 30)
    with trt.sessions.begin() as s:
        first = claim_now(s, Lane.BULK)
    assert len(first) == 10 and {c.lane for c in first} == {int(Lane.BULK)}

    reply = reply_to_a_new_resident(trt, 0)
    with trt.sessions.begin() as s:  # the very next broadcast claim: the reply, and no broadcast row
        taken = claim_now(s, Lane.BULK)
    assert [(c.id, c.lane) for c in taken] == [(reply, int(Lane.RESIDENT))]

    with trt.sessions.begin() as s:  # nothing of the residents' lane left: the broadcast again
        after = claim_now(s, Lane.BULK)
    assert len(after) == 10 and {c.lane for c in after} == {int(Lane.BULK)}


def test_a_reply_that_cannot_go_yet_holds_no_broadcast_back(trt):
    """A reply to someone whose broadcast row is in flight waits for that row (one in flight per
    recipient); it is not claimable, so the broadcast goes on meanwhile."""
    broadcast_now(trt, 12)
    with trt.sessions.begin() as s:
        [in_flight] = claim_now(s, Lane.BULK, limit=1)
    with trt.sessions.begin() as s:
        reply = enqueue(s, kind="reply", channel="whatsapp", to_phone=in_flight.to_phone,
                        resident_id=s.scalar(select(OutboxMessage.resident_id).where(OutboxMessage.id == in_flight.id)),
                        body="Nggih, jadwalipun dinten Rebo.").id
    with trt.sessions.begin() as s:
        assert not resident_claimable(s, datetime.now(UTC), QUIET)
        taken = claim_now(s, Lane.BULK)
    assert len(taken) == 10 and reply not in {c.id for c in taken}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite serialises claims (BEGIN IMMEDIATE): no claim runs beside another
def test_no_broadcast_row_is_claimed_while_another_claim_is_taking_a_reply(trt):
    """PostgreSQL, two claims at once: while one holds a reply (claimed, not yet committed), a
    broadcast claim beside it skips the reply and takes no broadcast row either; once the first
    commits, the broadcast claim goes on. So a broadcast row is only claimed in a snapshot where
    every claimable reply is already claimed."""
    broadcast_now(trt, 12)
    reply = reply_to_a_new_resident(trt, 1)
    other = Lease("sender:2", seconds=60, http_timeout=10)
    taking = trt.sessions()
    try:
        with taking.begin():
            assert [c.id for c in claim_now(taking, Lane.RESIDENT, lease=other)] == [reply]
            with trt.sessions.begin() as s:  # beside it, before it commits
                assert claim_now(s, Lane.BULK) == []
                assert resident_claimable(s, datetime.now(UTC), QUIET)  # why: held back, not empty
    finally:
        taking.close()
    with trt.sessions.begin() as s:
        after = claim_now(s, Lane.BULK)
    assert len(after) == 10 and {c.lane for c in after} == {int(Lane.BULK)}


def test_a_broadcast_row_with_no_slot_before_its_lease_runs_short_is_handed_back(trt, fake_twilio):
    """Replies booked the account's rate far ahead (they draw first): a broadcast row whose thread
    finds no slot while its lease still lets it send is released — never kept until its lease
    runs out, when another sender would take it as an orphan and its holder's record would find
    it gone (a lost claim: the tick's exit status 3 in the storm bench)."""
    broadcast_now(trt, 1)
    drain = OutboxDrain(trt, lease_seconds=3, http_timeout=0.5)  # may send until 1 s after the claim
    with trt.engine.begin() as conn:
        conn.execute(text("UPDATE send_pace SET tat = extract(epoch FROM clock_timestamp()) + 30")
                     if trt.engine.dialect.name == "postgresql" else
                     text("UPDATE send_pace SET tat = CAST(strftime('%s', 'now') AS REAL) + 30"))
    with trt.sessions.begin() as s:
        [row] = claim_now(s, Lane.BULK, lease=drain.lease)
    deliverer = drain._deliverer(lambda: datetime.now(UTC), DatabaseClock(trt.engine))
    assert deliverer.deliver(row) == "released"
    with trt.sessions() as s:
        status, holder = s.execute(select(OutboxMessage.status, OutboxMessage.claimed_by)
                                   .where(OutboxMessage.id == row.id)).one()
    assert (status, holder) == (OutboxStatus.PENDING, None)
    assert fake_twilio.messages == []
