"""The account's pace: slots reserved in the database, never shared by two senders, bulk only a
little ahead; and the sender's threads claiming one after another."""

from datetime import UTC, datetime

from sqlalchemy import update

from scheduler.pacing import BULK_HORIZON, PACING_HEADROOM, SharedPace
from storage.models import SendPace


def test_senders_reserve_disjoint_slots_of_one_rate(trt):
    """Three processes' worth of paces on one account: every reservation starts where the previous
    one (whoever made it) ended, so together they never exceed the rate."""
    rate = 50.0
    paces = [SharedPace(trt.engine, rate, chunk=5) for _ in range(3)]
    spans = []
    for i in range(9):
        first, db_now, _ = paces[i % 3].try_reserve()
        spans.append((first, first + 5 * paces[0].interval))
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start >= end - 1e-6, "two senders got overlapping slots"
    assert abs(paces[0].interval - 1 / (rate * PACING_HEADROOM)) < 1e-12


def test_bulk_waits_when_the_account_is_booked_ahead_but_residents_do_not(trt):
    bulk = SharedPace.bulk(trt.engine, 20.0)
    resident = SharedPace.resident(trt.engine, 20.0)
    with trt.engine.begin() as conn:  # the next free slot 5 s ahead (a burst of replies, say)
        conn.execute(update(SendPace).values(tat=datetime.now(UTC).timestamp() + 5))
    assert bulk.try_reserve() is None
    first, db_now, _ = resident.try_reserve()
    assert first - db_now > BULK_HORIZON  # a reply takes the next free slot, whatever the horizon
    tat, now = bulk.peek()
    assert tat - now > 4.5


def test_a_late_slot_is_skipped_not_bunched(trt):
    """A process that woke up late (busy) does not spend several past slots at once."""
    class Clock:
        t = 1000.0

        def monotonic(self):
            return self.t

        def sleep(self, s):
            self.t += s

    clock = Clock()
    pace = SharedPace(trt.engine, 100.0, chunk=10, monotonic=clock.monotonic, sleep=clock.sleep)
    pace.acquire()
    clock.t += 0.5  # away for half a second: the other 9 reserved slots are past
    pace.acquire()
    assert pace.skipped == 9


def test_sender_threads_run_out_of_rows_one_after_another(trt):
    """All threads claiming at the same instant stalled every send for a moment each batch."""
    from scheduler.sender import OutboxDrain

    drain = OutboxDrain(trt, threads=8)
    firsts = [drain.first_batch(i) for i in range(drain.threads)]
    assert firsts == sorted(set(firsts)), "each thread's first claim differs in size"
    assert firsts[-1] == drain.batch and firsts[0] <= drain.batch // drain.threads + 1
