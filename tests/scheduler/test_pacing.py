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


def test_a_sender_number_with_its_own_rate_is_paced_by_it_too(trt, fake_twilio):
    """SEND_RATE_PER_SENDER: the WhatsApp number at 5/s under an account of 200/s; SMS unaffected.
    Bounds, not a stopwatch: six slots 1/(5 × headroom) apart cannot all be used in less than
    five intervals (minus the lateness a slot may have), while at 200/s they would take ~30 ms."""
    from datetime import timedelta

    from handlers.outbox import enqueue
    from scheduler.sender import OutboxDrain
    from tests.sending import BOT_NUMBER, add_residents, phone

    now = datetime.now(UTC)
    trt.settings = trt.settings.with_overrides(send_rate_per_sender=f"whatsapp:{BOT_NUMBER}=5")
    with trt.sessions.begin() as s:
        ids = add_residents(s, "Gempol", 12, last_inbound_at=now - timedelta(minutes=5))
        for n, rid in enumerate(ids):
            enqueue(s, kind="ticket_update", channel="whatsapp" if n < 6 else "sms", to_phone=phone(n),
                    body=f"Tiket KM-{n:04d} selesai.", resident_id=rid)
    assert OutboxDrain(trt).run(datetime.now(UTC))["sent"] == 12
    whatsapp = sorted(m.at for m in fake_twilio.messages if m.to.startswith("whatsapp:"))
    sms = sorted(m.at for m in fake_twilio.messages if not m.to.startswith("whatsapp:"))
    interval = 1 / (5 * PACING_HEADROOM)
    assert whatsapp[-1] - whatsapp[0] >= 5 * interval - 0.3
    assert len(sms) == 6


def test_a_sender_numbers_rate_holds_while_the_account_is_booked_ahead(trt, fake_twilio):
    """Each message waits for one instant that both the number's pace and the account's allow.
    Taken one after the other (the number's slot, then the account's), a number's slots passed
    while its threads waited for the account, booked two seconds ahead by another sender's broadcast,
    and its six messages then went out within a few ms: 5/s for the number, broken. Bounds, not a
    stopwatch (as above)."""
    from datetime import timedelta

    from handlers.outbox import enqueue
    from scheduler.sender import OutboxDrain
    from tests.sending import BOT_NUMBER, add_residents, phone

    now = datetime.now(UTC)
    trt.settings = trt.settings.with_overrides(send_rate_per_sender=f"whatsapp:{BOT_NUMBER}=5")
    with trt.sessions.begin() as s:
        for n, rid in enumerate(add_residents(s, "Gempol", 6, last_inbound_at=now - timedelta(minutes=5))):
            enqueue(s, kind="ticket_update", channel="whatsapp", to_phone=phone(n), body=f"Tiket KM-{n:04d} selesai.",
                    resident_id=rid)
    drain = OutboxDrain(trt)
    with trt.engine.begin() as conn:  # another sender's broadcast holds the account's next two seconds
        conn.execute(update(SendPace).where(SendPace.key == "account")
                     .values(tat=datetime.now(UTC).timestamp() + 2.0))
    assert drain.run(datetime.now(UTC))["sent"] == 6
    arrivals = sorted(m.at for m in fake_twilio.messages)
    interval = 1 / (5 * PACING_HEADROOM)
    assert arrivals[-1] - arrivals[0] >= 5 * interval - 0.3, [round(b - a, 3) for a, b in zip(arrivals, arrivals[1:])]


def test_sender_rates_are_read_or_refused_clearly():
    import pytest

    from scheduler.pacing import sender_rates

    assert sender_rates("whatsapp:+6281100000000=80, KENDURENMAS=10") == {"whatsapp:+6281100000000": 80.0,
                                                                         "KENDURENMAS": 10.0}
    assert sender_rates("") == {}
    with pytest.raises(ValueError, match="SEND_RATE_PER_SENDER"):
        sender_rates("KENDURENMAS:10")
