"""Working-hours SLA of handoffs, with a fixed clock across a weekend and a public holiday."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from flows.working_hours import WorkingCalendar
from scheduler.handoff_followup import follow_up_handoffs
from storage.models import Conversation, Opd, OutboxMessage, Resident, Staff, StaffRole, Ticket

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.mark.parametrize("start, hours, expected", [
    (wib(2026, 12, 2, 9, 0), 2, wib(2026, 12, 2, 11, 0)),     # Wednesday morning
    (wib(2026, 12, 2, 15, 0), 2, wib(2026, 12, 3, 9, 0)),     # crosses the evening
    (wib(2026, 12, 4, 15, 30), 2, wib(2026, 12, 7, 9, 30)),   # Friday → Monday
    (wib(2026, 12, 5, 10, 0), 2, wib(2026, 12, 7, 10, 0)),    # asked on Saturday
    (wib(2026, 12, 24, 15, 0), 2, wib(2026, 12, 28, 9, 0)),   # Christmas Friday and the weekend
    (wib(2026, 12, 31, 12, 0), 8, wib(2027, 1, 4, 12, 0)),    # 1 working day over New Year's Day
    (wib(2026, 12, 2, 6, 0), 8, wib(2026, 12, 2, 16, 0)),     # before opening
])
def test_working_time(start, hours, expected):
    assert WorkingCalendar().add(start, timedelta(hours=hours)) == expected


@pytest.fixture
def waiting_ticket(rt):
    """A resident handed to Dispendukcapil on Thursday 24 December 2026 at 15:00 WIB."""
    asked = wib(2026, 12, 24, 15, 0)
    with rt.sessions.begin() as s:
        opd = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        petugas = Staff(phone="+6281298765432", name="Bu Rina", role=StaffRole.PETUGAS, opd_id=opd.id)
        coordinator = Staff(phone="+6281298765400", name="Pak Koord", role=StaffRole.PETUGAS, opd_id=opd.id,
                            is_coordinator=True)
        resident = Resident(phone="+6281234567890", name="Sumarti", channel="whatsapp", last_inbound_at=asked)
        s.add_all([petugas, coordinator, resident])
        s.flush()
        ticket = Ticket(kode="KM-4821", resident_id=resident.id, opd_id=opd.id, assigned_staff_id=petugas.id,
                        handoff_requested_at=asked, created_at=asked, updated_at=asked)
        s.add(ticket)
        s.flush()
        s.add(Conversation(resident_id=resident.id, channel="whatsapp", slots={}, handoff_ticket_id=ticket.id,
                           updated_at=asked))
    return rt


def kinds(rt) -> list[str]:
    with rt.sessions() as s:
        return [o.kind for o in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_resident_told_after_two_working_hours_not_during_the_holiday(waiting_ticket):
    rt = waiting_ticket
    assert follow_up_handoffs(rt, wib(2026, 12, 25, 12, 0).astimezone()) == {"told": 0, "escalated": 0}
    assert follow_up_handoffs(rt, wib(2026, 12, 27, 20, 0)) == {"told": 0, "escalated": 0}  # Sunday
    assert follow_up_handoffs(rt, wib(2026, 12, 28, 9, 1))["told"] == 1
    assert kinds(rt) == ["handoff_timeout"]
    with rt.sessions() as s:
        assert s.scalars(select(Conversation)).one().handoff_ticket_id is None  # the bot serves again
    assert follow_up_handoffs(rt, wib(2026, 12, 28, 9, 2))["told"] == 0  # once only


def test_coordinator_alerted_after_one_working_day(waiting_ticket):
    rt = waiting_ticket
    # 1 working hour on Thursday + 7 on Monday 28 December: due at 15:00.
    assert follow_up_handoffs(rt, wib(2026, 12, 28, 14, 59))["escalated"] == 0
    assert follow_up_handoffs(rt, wib(2026, 12, 28, 15, 0))["escalated"] == 1
    with rt.sessions() as s:
        alert = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "handoff_notice")).one()
        assert alert.to_phone == "+6281298765400" and "KM-4821" in alert.body
    assert follow_up_handoffs(rt, wib(2026, 12, 29, 15, 0))["escalated"] == 0


def test_answered_handoff_needs_no_follow_up(waiting_ticket):
    rt = waiting_ticket
    with rt.sessions.begin() as s:
        s.scalars(select(Ticket)).one().responded_at = wib(2026, 12, 24, 15, 30)
    assert follow_up_handoffs(rt, wib(2027, 1, 5, 9, 0)) == {"told": 0, "escalated": 0}
