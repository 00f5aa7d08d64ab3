"""/console/evaluasi: events compared (registrations, attendance, served, no-shows, median wait,
satisfaction, proposals, reach per desa) with server-drawn charts, filtered by kecamatan and period,
the desa with the lowest reach named; an admin sees every kecamatan, a camat only their own; every
asset comes from the app itself."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from storage.models import (
    Desa, Kecamatan, Opd, QueueEntry, QueueStatus, Resident, Staff, StaffRole, SurveyResponse, Ticket, Visit,
)
from storage.regency import event_lines
from tests.console.conftest import ADMIN, HASH, KADES_W, RINA

CAMAT_BANGIL = "+6281355500002"


def _events(rt):
    """Gempol on 4 Nov (3 registered, 2 came, 1 served after 12 minutes, 1 no-show, ratings 4 and 5,
    Wonosunyo's link brought 2) and Bangil on 18 Nov (2 registered, one served on the spot without
    the antrean)."""
    with rt.sessions.begin() as s:
        kec = {k.nama: k for k in s.scalars(select(Kecamatan).where(Kecamatan.nama.in_(("Gempol", "Bangil"))))}
        capil = s.scalar(select(Opd).where(Opd.key == "dispendukcapil"))
        gempol = Visit(tanggal=date(2026, 11, 4), mulai=time(8), selesai=time(13), kecamatan_id=kec["Gempol"].id,
                       lokasi="Pendopo Gempol")
        bangil = Visit(tanggal=date(2026, 11, 18), mulai=time(8), selesai=time(13), kecamatan_id=kec["Bangil"].id,
                       lokasi="Pendopo Bangil")
        s.add_all([gempol, bangil])
        s.flush()
        wonosunyo = s.scalar(select(Desa).where(Desa.nama == "Wonosunyo", Desa.kecamatan_id == kec["Gempol"].id))
        people = [Resident(phone=f"+6281244400{i:02d}", referral_desa_id=wonosunyo.id,
                           referred_at=datetime(2026, 11, 1, tzinfo=UTC)) for i in range(2)]
        s.add_all(people)
        s.flush()
        day = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)
        tickets = []
        for i in range(3):
            t = Ticket(kode=f"KM-90{i}", opd_id=capil.id, visit_id=gempol.id, desa_id=wonosunyo.id,
                       resident_id=people[i % 2].id if i < 2 else None)
            s.add(t)
            tickets.append(t)
        s.add(Ticket(kode="KM-950", opd_id=capil.id, visit_id=bangil.id))
        # Served at Bangil's stand without the antrean: closed "selesai" on the day itself.
        s.add(Ticket(kode="KM-951", opd_id=capil.id, visit_id=bangil.id, status="selesai",
                     closed_at=datetime(2026, 11, 18, 4, 0, tzinfo=UTC)))
        s.flush()
        s.add(QueueEntry(visit_id=gempol.id, opd_id=capil.id, number=1, position=1, ticket_id=tickets[0].id,
                         resident_id=people[0].id, status=QueueStatus.SERVED, checked_in_at=day,
                         called_at=day + timedelta(minutes=12), served_at=day + timedelta(minutes=20)))
        s.add(QueueEntry(visit_id=gempol.id, opd_id=capil.id, number=2, position=2, ticket_id=tickets[1].id,
                         resident_id=people[1].id, status=QueueStatus.SKIPPED, checked_in_at=day))
        for t, rating in ((tickets[0], 4), (tickets[1], 5)):
            s.add(SurveyResponse(ticket_id=t.id, opd_id=capil.id, visit_id=gempol.id, rating=rating))
    return kec["Gempol"].id, kec["Bangil"].id


def test_event_lines_figures(world, rt):
    _events(rt)
    with rt.sessions() as s:
        lines = {line.visit.lokasi: line for line in event_lines(s)}
    g = lines["Pendopo Gempol"]
    assert (g.registrations, g.attendance, g.served, g.no_shows, g.median_wait, g.satisfaction, g.reach) == (
        3, 2, 1, 1, 12.0, 4.5, 2)
    assert "Wonosunyo" not in {d.desa for d in g.lowest}  # it brought 2, the others none
    b = lines["Pendopo Bangil"]
    assert (b.registrations, b.attendance, b.served, b.no_shows) == (2, 1, 1, 0)


def test_admin_compares_events_filters_and_sees_the_lowest_reach(world, as_role, rt):
    gempol, bangil = _events(rt)
    admin = as_role(ADMIN)
    page = admin.get("/console/evaluasi").get_data(as_text=True)
    assert "Pendopo" not in page  # aggregates and places only
    assert "Gempol" in page and "Bangil" in page and "12,0" in page and "4,50" in page
    assert page.count("<svg") == 4 and "Jangkauan terendah di rentang ini" in page
    per_desa = page[page.index('id="per-desa"'):]
    assert "Desa Wonosunyo</td>" in per_desa and "(terendah)" in per_desa  # every desa of each event
    # Every asset is the app's own: no other origin anywhere in the page.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    only_gempol = admin.get(f"/console/evaluasi?kecamatan={gempol}").get_data(as_text=True)
    assert "Bangil · " not in only_gempol and "Gempol · " in only_gempol
    period = admin.get("/console/evaluasi?dari=2026-11-10&sampai=2026-11-30").get_data(as_text=True)
    assert "Bangil · " in period and "Gempol · " not in period
    assert admin.get("/console/evaluasi?dari=0001-01-01&kecamatan=abc").status_code == 200


def test_camat_sees_their_kecamatan_only_and_others_are_refused(world, as_role, rt):
    gempol, bangil = _events(rt)
    with rt.sessions.begin() as s:
        s.add(Staff(phone=CAMAT_BANGIL, name="Camat Bangil", role=StaffRole.CAMAT, kecamatan_id=bangil,
                    password_hash=HASH))
    page = as_role(CAMAT_BANGIL).get(f"/console/evaluasi?kecamatan={gempol}").get_data(as_text=True)
    assert "Bangil · " in page and "Gempol · " not in page
    assert as_role(RINA).get("/console/evaluasi").status_code == 403
    assert as_role(KADES_W).get("/console/evaluasi").status_code == 403
