"""/console/laporan/<visit_id>, /console/laporan and /console/siaran: aggregates with server-drawn
SVG charts, for admins only, with no resident's name or number on the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import (
    Broadcast, Desa, OutboxMessage, OutboxStatus, Resident, SurveyResponse, Ticket, Visit,
)
from tests.console.conftest import ADMIN, KADES_W, RESIDENT, RINA


def _event_day(rt, world):
    """The capil ticket finished on the spot and rated 5; the dinsos one forwarded and rated 3; a
    reminder that reached 3 of 4; two residents from the Wonosunyo kepala desa's link."""
    with rt.sessions.begin() as s:
        visit = s.get(Visit, world.visit_id)
        on_the_day = datetime.combine(visit.tanggal, datetime.min.time(), UTC) + timedelta(hours=3)
        capil = s.scalars(select(Ticket).where(Ticket.kode == world.capil_ticket)).one()
        dinsos = s.scalars(select(Ticket).where(Ticket.kode == world.dinsos_ticket)).one()
        capil.status, capil.closed_at = "selesai", on_the_day
        dinsos.status = "diteruskan"
        s.add_all([SurveyResponse(ticket_id=capil.id, opd_id=capil.opd_id, visit_id=visit.id, rating=5),
                   SurveyResponse(ticket_id=dinsos.id, opd_id=dinsos.opd_id, visit_id=visit.id, rating=3)])
        b = Broadcast(visit_id=visit.id, kind="h1", due_at=on_the_day - timedelta(days=1), recipients=4)
        s.add(b)
        s.flush()
        wonosunyo = s.scalars(select(Desa).where(Desa.nama == "Wonosunyo")).first()
        for n, status in enumerate((OutboxStatus.READ, OutboxStatus.DELIVERED, OutboxStatus.SENT, OutboxStatus.FAILED)):
            r = Resident(phone=f"+62812345000{n + 10}", referral_desa_id=wonosunyo.id if n < 2 else None)
            s.add(r)
            s.flush()
            s.add(OutboxMessage(kind="reminder", channel="whatsapp", to_phone=r.phone, resident_id=r.id,
                                broadcast_id=b.id, body="Besok", status=status))


def test_event_report_with_charts(world, as_role, rt):
    _event_day(rt, world)
    admin = as_role(ADMIN)
    page = admin.get(f"/console/laporan/{world.visit_id}").get_data(as_text=True)
    assert page.count("<svg") >= 5 and 'role="img"' in page
    assert "Dispendukcapil" in page and "Selesai di tempat: 1" in page and "Diteruskan ke dinas: 1" in page
    assert "Nilai 5: 1" in page and "Nilai 3: 1" in page
    assert "Direncanakan: 4; Terkirim: 3; Diterima: 2; Dibaca: 1" in page
    assert "Wonosunyo: 2" in page and "jalan rusak: 2" in page
    # Aggregates only: no resident's name or number.
    assert "Sumarti" not in page and RESIDENT not in page and "0812" not in page
    assert admin.get("/console/laporan/99999").status_code == 404


def test_summary_and_broadcasts(world, as_role, rt):
    _event_day(rt, world)
    admin = as_role(ADMIN)
    summary = admin.get("/console/laporan").get_data(as_text=True)
    assert "Gempol" in summary and "<svg" in summary and f"/console/laporan/{world.visit_id}" in summary
    with rt.sessions() as s:
        month = s.get(Visit, world.visit_id).tanggal.strftime("%Y-%m")
    assert month in summary
    siaran = admin.get("/console/siaran").get_data(as_text=True)
    assert "h1" in siaran and "Terkirim 3" in siaran and "Gagal 1" in siaran and "<svg" in siaran


def test_reports_are_for_admins(world, as_role, console):
    for path in ("/console/laporan", f"/console/laporan/{world.visit_id}", "/console/siaran"):
        assert console.get(path).status_code == 302
        assert as_role(RINA).get(path).status_code == 403
        assert as_role(KADES_W).get(path).status_code == 403


def test_kades_home_shows_their_reach(world, as_role, rt):
    _event_day(rt, world)
    page = as_role(KADES_W).get("/console/").get_data(as_text=True)
    assert "Jangkauan Desa Wonosunyo" in page
    assert '<span class="figure">2</span> <span>Warga yang datang lewat tautan Anda' in page
