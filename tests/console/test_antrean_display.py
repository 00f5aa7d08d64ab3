"""/console/antrean/<visit>/<dinas>: the screen at a stand shows numbers only, refreshes itself,
and opens for an admin or a petugas of that dinas only."""

from datetime import UTC, datetime

from sqlalchemy import select

from storage import queue
from storage.models import Opd, Resident, Staff, Ticket
from tests.console.conftest import ADMIN, BUDI, RINA


def line_up(rt, world, n: int) -> None:
    """n residents at the Dispendukcapil stand (the world's visit), the first one called."""
    now = datetime.now(UTC)
    with rt.sessions.begin() as s:
        capil = s.scalars(select(Opd).where(Opd.key == "dispendukcapil")).one()
        rina = s.scalars(select(Staff).where(Staff.phone == RINA)).one()
        for i in range(n):
            r = Resident(phone=f"+6285711100{i:03d}", name=f"Warga Rahasia {i}")
            s.add(r)
            s.flush()
            queue.check_in(s, visit_id=world.visit_id, opd_id=capil.id, resident_id=r.id, ticket_id=None, now=now)
        queue.call_next(s, world.visit_id, capil.id, rina.id, now)


def test_the_screen_shows_numbers_and_refreshes_itself(console, world, rt):
    line_up(rt, world, 4)
    console.login(RINA)
    response = console.get(f"/console/antrean/{world.visit_id}/dispendukcapil")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="15">' in html
    assert "Antrean Dispendukcapil" in html and "Kecamatan Gempol" in html
    assert '<span class="number">A-001</span>' in html
    assert "<li>A-002</li><li>A-003</li><li>A-004</li>" in html
    assert "3 orang menunggu · perkiraan 12 menit" in html
    with rt.sessions() as s:
        names = [r.name for r in s.scalars(select(Resident))] + [t.kode for t in s.scalars(select(Ticket))]
    assert not any(secret in html for secret in names) and "+62" not in html


def test_only_admins_and_that_dinas_open_it(console, world, rt):
    path = f"/console/antrean/{world.visit_id}/dispendukcapil"
    assert console.get(path).status_code == 302  # to the login
    console.login(BUDI)
    assert console.get(path).status_code == 403
    assert console.get(f"/console/antrean/{world.visit_id}/dinsos").status_code == 200


def test_admin_sees_an_empty_stand_and_unknown_ones_are_404(console, world):
    console.login(ADMIN)
    html = console.get(f"/console/antrean/{world.visit_id}/dinsos").get_data(as_text=True)
    assert "Tidak ada yang menunggu" in html
    assert console.get(f"/console/antrean/{world.visit_id}/nope").status_code == 404
    assert console.get("/console/antrean/99999/dinsos").status_code == 404


def test_event_report_page_has_the_antrean_table(console, world, rt):
    line_up(rt, world, 3)
    console.login(ADMIN)
    html = console.get(f"/console/laporan/{world.visit_id}").get_data(as_text=True)
    assert "Antrean di lokasi per dinas" in html and "Tunggu p90 (menit)" in html
    assert '<td>Dispendukcapil</td><td class="num">3</td>' in html
