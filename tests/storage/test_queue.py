"""The antrean's storage on SQLite and PostgreSQL: numbers unique and gapless under concurrent
check-ins, same number twice, calls, no-shows, one rejoin, estimates and figures."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import queue
from storage.db import make_engine, make_sessionmaker
from storage.models import Opd, QueueEntry, QueueStatus, Resident, Staff, StaffRole
from tests.whatsapp import add_visit

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 08:00 WIB


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def stand(rt):
    """A visit, the Dispendukcapil stand's OPD id, and 50 residents."""
    visit_id = add_visit(rt, "Gempol", 0)
    with rt.sessions.begin() as s:
        opd_id = s.scalars(select(Opd.id).where(Opd.key == "dispendukcapil")).one()
        residents = [Resident(phone=f"+62857000{i:05d}", channel="whatsapp") for i in range(50)]
        staff = Staff(phone="+6281298765432", name="Bu Rina", role=StaffRole.PETUGAS, opd_id=opd_id)
        s.add_all([*residents, staff])
        s.flush()
        return visit_id, opd_id, [r.id for r in residents], staff.id


def test_fifty_simultaneous_check_ins_get_1_to_50(rt, stand, database_url):
    visit_id, opd_id, residents, _ = stand
    engine = make_engine(database_url, pool_size=len(residents), max_overflow=0)
    sessions = make_sessionmaker(engine)
    is_pg = engine.dialect.name == "postgresql"
    barrier = threading.Barrier(len(residents))
    numbers: list[int] = []
    errors: list[BaseException] = []

    def arrive(resident_id: int) -> None:
        try:
            with sessions.begin() as s:
                if is_pg:
                    s.connection()  # every thread holds its own connection and transaction first
                barrier.wait(timeout=60)
                numbers.append(queue.check_in(s, visit_id=visit_id, opd_id=opd_id, resident_id=resident_id,
                                              ticket_id=None, now=T0).entry.number)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=arrive, args=(r,)) for r in residents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    engine.dispose()
    assert errors == []
    assert sorted(numbers) == list(range(1, 51))
    with rt.sessions() as s:
        stored = s.scalars(select(QueueEntry.number).where(QueueEntry.visit_id == visit_id)
                           .order_by(QueueEntry.number)).all()
    assert stored == list(range(1, 51))


def test_twice_keeps_the_number_and_a_rolled_back_check_in_leaves_no_gap(rt, stand):
    visit_id, opd_id, residents, _ = stand
    args = dict(visit_id=visit_id, opd_id=opd_id, ticket_id=None, now=T0)
    with rt.sessions.begin() as s:
        first = queue.check_in(s, resident_id=residents[0], **args)
        again = queue.check_in(s, resident_id=residents[0], **args)
        assert (first.arrival, again.arrival) == (queue.Arrival.NEW, queue.Arrival.AGAIN)
        assert again.entry.number == first.entry.number == 1
    s = rt.sessions()
    s.begin()
    assert queue.check_in(s, resident_id=residents[1], **args).entry.number == 2
    s.rollback()
    s.close()
    with rt.sessions.begin() as s:
        assert queue.check_in(s, resident_id=residents[2], **args).entry.number == 2


def test_calls_no_show_and_one_rejoin(rt, stand):
    visit_id, opd_id, residents, staff_id = stand
    with rt.sessions.begin() as s:
        for r in residents[:4]:
            queue.check_in(s, visit_id=visit_id, opd_id=opd_id, resident_id=r, ticket_id=None, now=T0)
    with rt.sessions.begin() as s:
        called, done = queue.call_next(s, visit_id, opd_id, staff_id, minutes(1))
        assert (called.number, done) == (1, None)
        assert queue.being_served(s, visit_id, opd_id) == [1]
    with rt.sessions.begin() as s:
        called, done = queue.call_next(s, visit_id, opd_id, staff_id, minutes(7))
        assert (called.number, done.number, done.status) == (2, 1, QueueStatus.SERVED)
    with rt.sessions.begin() as s:  # number 2 never came
        overdue = queue.overdue_calls(s, minutes(20))
        assert [e.number for e in overdue] == [2]
        queue.skip(overdue[0], minutes(20))
    with rt.sessions.begin() as s:
        again = queue.check_in(s, visit_id=visit_id, opd_id=opd_id, resident_id=residents[1], ticket_id=None,
                               now=minutes(25))
        assert again.arrival == queue.Arrival.SKIPPED
        assert queue.rejoin(s, again.entry, minutes(25)) is True
        assert again.entry.number == 2 and queue.ahead_of(s, again.entry) == 2  # behind 3 and 4
    with rt.sessions.begin() as s:
        for t in (30, 31, 32):
            queue.call_next(s, visit_id, opd_id, staff_id, minutes(t))
        entry = queue.entry_of(s, visit_id, opd_id, residents[1])
        assert entry.status == QueueStatus.CALLED
        queue.skip(entry, minutes(50))
    with rt.sessions.begin() as s:
        entry = queue.entry_of(s, visit_id, opd_id, residents[1])
        assert queue.rejoin(s, entry, minutes(55)) is False  # only once
        assert entry.status == QueueStatus.SKIPPED


def test_estimate_from_the_stands_own_service_times(rt, stand):
    visit_id, opd_id, residents, staff_id = stand
    with rt.sessions.begin() as s:
        for r in residents[:10]:
            queue.check_in(s, visit_id=visit_id, opd_id=opd_id, resident_id=r, ticket_id=None, now=T0)
        assert queue.estimate_minutes(s, visit_id, opd_id, 6, T0, default_service=4) == 24  # the default
        for t in (0, 3, 9):  # served 3 and 6 minutes: too few to go by
            queue.call_next(s, visit_id, opd_id, staff_id, minutes(t))
        assert queue.service_minutes(s, visit_id, opd_id, default=4) == 4
        queue.call_next(s, visit_id, opd_id, staff_id, minutes(14))  # and 5
        assert queue.service_minutes(s, visit_id, opd_id, default=4) == 5
        assert queue.estimate_minutes(s, visit_id, opd_id, 6, minutes(14), default_service=4) == 30


def test_figures_served_no_shows_median_and_p90_wait(rt, stand):
    visit_id, opd_id, residents, staff_id = stand
    with rt.sessions.begin() as s:
        for i, r in enumerate(residents[:11]):
            queue.check_in(s, visit_id=visit_id, opd_id=opd_id, resident_id=r, ticket_id=None, now=T0)
        for t in range(11):  # number n is called at minute 10·(n-1)
            queue.call_next(s, visit_id, opd_id, staff_id, minutes(10 * t))
        last = queue.entry_of(s, visit_id, opd_id, residents[10])
        queue.skip(last, minutes(120))
        (capil,) = queue.stand_figures(s, visit_id)
    assert (capil.opd, capil.checked_in, capil.served, capil.no_shows, capil.waiting) == ("Dispendukcapil", 11, 10, 1, 0)
    assert capil.median_wait == 45 and capil.p90_wait == 80


def test_percentile_nearest_rank():
    assert queue.percentile([], 0.9) is None
    assert queue.percentile([5], 0.9) == 5
    assert queue.percentile(list(range(1, 11)), 0.9) == 9
    assert queue.percentile(list(range(1, 21)), 0.5) == 10
