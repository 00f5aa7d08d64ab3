"""The ticket page's "Hadir" button (issue #17): the console checks a resident in to the antrean as
`#KODE hadir` does from a phone — the same number, the same message to the resident — on the
runtime's fixed clock (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage, QueueEntry, Ticket, TicketEvent, Visit
from tests.console.conftest import ADMIN, BUDI, RESIDENT, RINA

WIB = ZoneInfo("Asia/Jakarta")
BUTTON = "Hadir (ambil nomor antrean)"


class Clock:
    """The instant the app works at; moved by the test, never by sleeping."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(app, world, rt) -> Clock:
    """09:00 WIB on the day of the world's visit (08:00–13:00): its antrean is open."""
    with rt.sessions() as s:
        day = s.get(Visit, world.visit_id).tanggal
    c = Clock(datetime.combine(day, time(9), WIB))
    app.extensions["kenduren"].clock = c
    return c


def resident_messages(rt) -> list[OutboxMessage]:
    with rt.sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RESIDENT)
                              .order_by(OutboxMessage.id)))


def entries(rt) -> list[tuple[str, int]]:
    with rt.sessions() as s:
        return [(e.ticket.kode, e.number) for e in s.scalars(select(QueueEntry).order_by(QueueEntry.id))]


def check_in(console, kode: str, **kw):
    return console.post(f"/console/tiket/{kode}/hadir", {}, follow_redirects=True, **kw)


def test_console_check_in_gives_the_number_and_tells_the_resident(as_role, world, clock, rt):
    rina = as_role(RINA)
    page = rina.get(f"/console/tiket/{world.capil_ticket}").get_data(as_text=True)
    assert BUTTON in page and f'action="/console/tiket/{world.capil_ticket}/hadir"' in page
    response = check_in(rina, world.capil_ticket)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"✓ {world.capil_ticket} hadir: nomor *A-001*, 0 orang di depan." in html
    assert "Nomor antrean</dt><dd><strong>A-001</strong>" in html
    told = resident_messages(rt)[-1]
    assert told.kind == "ticket_update" and told.ticket_id is not None
    # The message `#KODE hadir` sends from a phone (tests/handlers/test_antrean.py).
    assert told.body.startswith("Petugas Dispendukcapil mencatat kehadiran Anda. ")
    assert "Nomor antrean *Dispendukcapil*: *A-001*" in told.body and "Anda berikutnya" in told.body
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.kode == world.capil_ticket)).one()
        event = s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                    TicketEvent.action == "hadir")).one()
        assert (event.actor, event.staff.name, event.note) == ("petugas", "Bu Rina", "A-001")
        assert event.at.astimezone(WIB) == clock.at
    assert "Bu Rina" in html and "hadir — A-001" in html  # in the page's history


def test_twice_keeps_the_number_and_an_admin_may_do_it(as_role, world, clock, rt):
    check_in(as_role(RINA), world.capil_ticket)
    told_before = len(resident_messages(rt))
    admin = as_role(ADMIN)
    html = check_in(admin, world.capil_ticket).get_data(as_text=True)
    assert "*A-001*" in html
    assert entries(rt) == [(world.capil_ticket, 1)]
    # Already in the queue with that number: the resident is not told a second time (as `#KODE hadir` twice)
    assert resident_messages(rt)[told_before:] == []
    assert "sudah di antrean: nomor *A-001*" in html
    dinsos = check_in(admin, world.dinsos_ticket).get_data(as_text=True)
    assert f"✓ {world.dinsos_ticket} hadir: nomor *D-001*" in dinsos
    with rt.sessions() as s:
        actors = s.execute(select(TicketEvent.actor, TicketEvent.note).where(TicketEvent.action == "hadir")
                           .order_by(TicketEvent.id)).all()
    assert actors == [("petugas", "A-001"), ("admin", "A-001"), ("admin", "D-001")]


def test_another_dinas_petugas_is_refused(as_role, world, clock, rt):
    budi = as_role(BUDI)
    assert budi.post(f"/console/tiket/{world.capil_ticket}/hadir", {}).status_code == 404
    assert entries(rt) == [] and resident_messages(rt) == []


def test_without_csrf_token_nothing_happens(as_role, world, clock, rt):
    rina = as_role(RINA)
    assert rina.post(f"/console/tiket/{world.capil_ticket}/hadir", {}, csrf=False).status_code == 400
    assert rina.post(f"/console/tiket/{world.capil_ticket}/hadir", {"csrf_token": "palsu"},
                     csrf=False).status_code == 400
    assert entries(rt) == [] and resident_messages(rt) == []


def test_no_button_and_no_number_outside_the_visits_hours(as_role, world, clock, rt):
    rina = as_role(RINA)
    for at in (clock.at.replace(hour=7), clock.at.replace(hour=14), clock.at - timedelta(days=1)):
        clock.at = at
        assert BUTTON not in rina.get(f"/console/tiket/{world.capil_ticket}").get_data(as_text=True)
        html = check_in(rina, world.capil_ticket).get_data(as_text=True)
        assert f"Tiket {world.capil_ticket} bukan untuk Kenduren Mas yang buka sekarang." in html
    assert entries(rt) == [] and resident_messages(rt) == []
    with rt.sessions() as s:
        assert s.scalars(select(TicketEvent).where(TicketEvent.action == "hadir")).all() == []
