"""/console/jadwal: calendar and list for admins and petugas; only admins change it, with the
CLI's own code (corrections, line-numbered import errors, warnings, no doubled rotation)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from storage.models import Visit, VisitStatus
from tests.console.conftest import ADMIN, KADES_W, RINA
from tests.whatsapp import jakarta_today


def _visits(rt):
    with rt.sessions() as s:
        return [(v.tanggal, v.kecamatan.nama, v.status) for v in s.scalars(select(Visit).order_by(Visit.id))]


def test_who_sees_the_schedule(world, as_role, console):
    assert console.get("/console/jadwal").status_code == 302
    rina = as_role(RINA)
    page = rina.get("/console/jadwal").get_data(as_text=True)
    assert "Gempol" in page and "hanya dapat diubah oleh admin" in page and "/jadwal/tambah" not in page
    assert rina.post(f"/console/jadwal/{world.visit_id}/batal").status_code == 403
    assert rina.post("/console/jadwal/tambah", {"tanggal": "2027-01-06"}).status_code == 403
    assert as_role(KADES_W).get("/console/jadwal").status_code == 403
    admin_page = as_role(ADMIN).get("/console/jadwal").get_data(as_text=True)
    assert "/jadwal/tambah" in admin_page and "/pindah" in admin_page


def test_month_calendar_marks_holidays(world, as_role):
    page = as_role(ADMIN).get("/console/jadwal?bulan=2026-12").get_data(as_text=True)
    assert "Desember 2026" in page and "Hari Raya Natal" in page
    assert as_role(ADMIN).get("/console/jadwal?bulan=kemarin").status_code == 200


def test_add_edit_move_cancel(world, as_role, rt):
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        from storage.models import Kecamatan
        bangil = s.scalars(select(Kecamatan.id).where(Kecamatan.nama == "Bangil")).one()
    day = jakarta_today() + timedelta(days=40)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    added = admin.post("/console/jadwal/tambah", {"tanggal": day.isoformat(), "kecamatan_id": str(bangil),
                                                  "mulai": "08:00", "selesai": "12:00", "opd": ["dinsos"]})
    assert added.status_code == 302
    with rt.sessions() as s:
        visit = s.scalars(select(Visit).where(Visit.kecamatan_id == bangil)).one()
        assert [o.key for o in visit.opd] == ["dinsos"]
        visit_id = visit.id
    admin.post(f"/console/jadwal/{visit_id}/ubah", {"lokasi": "Balai Desa Kalirejo", "mulai": "09:00",
                                                   "selesai": "13:00", "opd": ["dinsos", "dispendukcapil"]})
    with rt.sessions() as s:
        v = s.get(Visit, visit_id)
        assert v.lokasi == "Balai Desa Kalirejo" and v.mulai.hour == 9 and len(v.opd) == 2
    new_day = day + timedelta(days=7)
    moved = admin.post(f"/console/jadwal/{visit_id}/pindah", {"tanggal": new_day.isoformat()})
    assert moved.status_code == 302
    page = admin.get(moved.headers["Location"]).get_data(as_text=True)
    assert f"Kunjungan #{visit_id} (Bangil) dipindah" in page
    assert "tidak perlu koreksi" in page
    with rt.sessions() as s:
        old = s.get(Visit, visit_id)
        assert old.status == VisitStatus.MOVED and old.moved_to.tanggal == new_day
        new_id = old.moved_to_id
    # A visit already moved cannot be moved or cancelled again; a date in the past is refused.
    admin.post(f"/console/jadwal/{visit_id}/batal")
    assert "sudah dipindah" in admin.get("/console/jadwal").get_data(as_text=True)
    admin.post(f"/console/jadwal/{new_id}/pindah", {"tanggal": "2020-01-01"})
    assert "sudah lewat" in admin.get("/console/jadwal").get_data(as_text=True)
    assert admin.post(f"/console/jadwal/{new_id}/batal").status_code == 302
    with rt.sessions() as s:
        assert s.get(Visit, new_id).status == VisitStatus.CANCELLED


def test_move_after_reminders_sends_the_clis_correction(world, as_role, rt):
    from storage.models import Broadcast, OutboxMessage, OutboxStatus, Resident
    with rt.sessions.begin() as s:
        resident = s.scalars(select(Resident)).one()
        b = Broadcast(visit_id=world.visit_id, kind="h1", due_at=world_now(), recipients=1)
        s.add(b)
        s.flush()
        s.add(OutboxMessage(kind="reminder", channel="whatsapp", to_phone=resident.phone, resident_id=resident.id,
                            broadcast_id=b.id, body="Besok Kenduren Mas", status=OutboxStatus.SENT))
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        old_day = s.get(Visit, world.visit_id).tanggal
    response = admin.post(f"/console/jadwal/{world.visit_id}/pindah", {"tanggal": (old_day + timedelta(days=7)).isoformat()})
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Koreksi ke 1 penerima" in page
    assert "2 tiket ikut pindah ke tanggal baru" in page  # the desk says what the CLI says
    with rt.sessions() as s:
        correction = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction")).one()
        assert "dipindah" in correction.body


def world_now():
    from datetime import UTC, datetime
    return datetime.now(UTC)


def test_csv_import_reports_numbered_lines_and_imports_nothing(world, as_role, rt):
    admin = as_role(ADMIN)
    bad = "tanggal,kecamatan,lokasi,mulai,selesai\n2027-01-06,Gempol,,08:00,13:00\n2027-13-01,Atlantis,,8,13:00\n"
    response = admin.post("/console/jadwal/impor", {"berkas": (io.BytesIO(bad.encode()), "jadwal.csv")},
                          content_type="multipart/form-data")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "baris 3: tanggal tidak valid" in page and "baris 3: kecamatan tidak dikenal" in page
    assert len(_visits(rt)) == 1
    good = "tanggal,kecamatan,lokasi,mulai,selesai\n2027-01-09,Gempol,,08:00,13:00\n2027-01-13,bangil,,08:00,13:00\n"
    response = admin.post("/console/jadwal/impor", {"berkas": (io.BytesIO(good.encode()), "jadwal.csv")},
                          content_type="multipart/form-data")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 baru" in page and "akhir pekan" in page  # 9 January 2027 is a Saturday
    latin1 = admin.post("/console/jadwal/impor", {"berkas": (io.BytesIO("tanggal;ñ".encode("latin-1")), "x.csv")},
                        content_type="multipart/form-data")
    assert "bukan teks UTF-8" in admin.get(latin1.headers["Location"]).get_data(as_text=True)


def test_rotation_from_the_console_never_doubles(world, as_role, rt):
    admin = as_role(ADMIN)
    start = (jakarta_today() + timedelta(days=1)).isoformat()
    admin.post("/console/jadwal/rotasi", {"mulai_tanggal": start, "setiap": "7"})
    with rt.sessions() as s:
        first = s.scalar(select(func.count()).select_from(Visit))
    assert first == 24  # Gempol already had its visit in the span: 23 new + the existing one
    admin.post("/console/jadwal/rotasi", {"mulai_tanggal": start, "setiap": "7"})
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 24
    bad = admin.post("/console/jadwal/rotasi", {"mulai_tanggal": start, "setiap": "9"})
    assert "tidak valid" in admin.get(bad.headers["Location"]).get_data(as_text=True)


def test_editing_hours_tells_the_ticket_holder_once_and_an_unchanged_edit_tells_nobody(world, as_role, rt):
    from storage.models import OutboxMessage
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        visit = s.get(Visit, world.visit_id)
        same = {"lokasi": visit.lokasi, "mulai": visit.mulai.strftime("%H:%M"), "selesai": visit.selesai.strftime("%H:%M")}
    response = admin.post(f"/console/jadwal/{world.visit_id}/ubah", same)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Kunjungan #{world.visit_id} disimpan." in page and "Koreksi" not in page
    response = admin.post(f"/console/jadwal/{world.visit_id}/ubah", {**same, "mulai": "09.30", "selesai": "14:00"})
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Koreksi ke 1 penerima" in page  # Sumarti holds two tickets for this visit: one message
    admin.post(f"/console/jadwal/{world.visit_id}/ubah", {**same, "mulai": "09:30", "selesai": "14:00"})
    with rt.sessions() as s:
        corrections = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction")).all()
        assert len(corrections) == 1
        assert "09.30–14.00 WIB" in corrections[0].body and "Tiket Anda tetap berlaku" in corrections[0].body
