"""The camat in the console: their own kecamatan's visits, reach and attendance per desa, and
proposals, read-only; nothing of another kecamatan; no ticket, schedule edit or status change.
Also `people add-camat`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from storage.models import Desa, Kecamatan, Proposal, Resident, Staff, StaffRole, Visit
from tests.console.conftest import ADMIN, HASH, KADES_W, RINA

CAMAT = "+6281355500001"
CAMAT_BANGIL = "+6281355500002"


def _camat(rt, phone, kecamatan):
    with rt.sessions.begin() as s:
        kid = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == kecamatan))
        s.add(Staff(phone=phone, name=f"Camat {kecamatan}", role=StaffRole.CAMAT, kecamatan_id=kid, password_hash=HASH))


def _bangil_proposal(rt):
    with rt.sessions.begin() as s:
        desa = s.scalar(select(Desa).join(Kecamatan).where(Kecamatan.nama == "Bangil").order_by(Desa.nama).limit(1))
        s.add(Proposal(kode="US-0909", kategori="jalan", desa_id=desa.id, deskripsi="Jalan rusak di Bangil sekali"))


def _past_visit_with_reach(rt):
    """A Gempol visit held earlier, two residents brought by Wonosunyo's link in its run-up."""
    with rt.sessions.begin() as s:
        gempol = s.scalar(select(Kecamatan).where(Kecamatan.nama == "Gempol"))
        visit = Visit(tanggal=date(2026, 11, 4), mulai=datetime(2026, 1, 1, 8).time(),
                      selesai=datetime(2026, 1, 1, 13).time(), kecamatan_id=gempol.id, lokasi="Pendopo Gempol")
        s.add(visit)
        wonosunyo = s.scalar(select(Desa).where(Desa.nama == "Wonosunyo", Desa.kecamatan_id == gempol.id))
        for i in range(2):
            s.add(Resident(phone=f"+62812444000{i}", referral_desa_id=wonosunyo.id,
                           referred_at=datetime(2026, 11, 1, tzinfo=UTC)))


def test_camat_reads_their_kecamatan_only(world, as_role, rt):
    _camat(rt, CAMAT, "Gempol")
    _bangil_proposal(rt)
    _past_visit_with_reach(rt)
    camat = as_role(CAMAT)
    home = camat.get("/console/").get_data(as_text=True)
    assert "/console/kecamatan" in home and "/console/usulan" in home and "/console/tiket" not in home
    page = camat.get("/console/kecamatan").get_data(as_text=True)
    assert "Kecamatan Gempol" in page and "Pendopo Gempol" in page
    assert "Desa Wonosunyo" in page and "terendah" in page
    assert world.wonosunyo_proposal in page and world.kejapanan_proposal in page and "US-0909" not in page
    # Another kecamatan cannot be asked for.
    assert "Kecamatan Gempol" in camat.get("/console/kecamatan?kecamatan=1").get_data(as_text=True)
    listing = camat.get("/console/usulan").get_data(as_text=True)
    assert world.wonosunyo_proposal in listing and "US-0909" not in listing
    assert camat.get("/console/usulan/US-0909").status_code == 404
    assert "US-0909" not in camat.get("/console/usulan.csv").get_data(as_text=True)
    # Read-only: no status change; no tickets; no schedule edits.
    assert camat.post(f"/console/usulan/{world.wonosunyo_proposal}/status", {"status": "ditolak"}).status_code == 403
    assert camat.get("/console/tiket").status_code == 403
    assert camat.get(f"/console/tiket/{world.capil_ticket}").status_code == 403
    assert camat.post("/console/jadwal/tambah", {}).status_code == 403
    assert camat.get("/console/laporan").status_code == 403


def test_another_camat_sees_nothing_of_gempol(world, as_role, rt):
    _camat(rt, CAMAT_BANGIL, "Bangil")
    _bangil_proposal(rt)
    camat = as_role(CAMAT_BANGIL)
    page = camat.get("/console/kecamatan").get_data(as_text=True)
    assert "Kecamatan Bangil" in page and "US-0909" in page and world.wonosunyo_proposal not in page
    assert camat.get(f"/console/usulan/{world.wonosunyo_proposal}").status_code == 404


def test_admin_picks_any_kecamatan_others_are_refused(world, as_role, rt):
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        gempol = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == "Gempol"))
    assert "Pilih kecamatan" in admin.get("/console/kecamatan").get_data(as_text=True)
    assert "Kecamatan Gempol" in admin.get(f"/console/kecamatan?kecamatan={gempol}").get_data(as_text=True)
    assert admin.get("/console/kecamatan?kecamatan=99999").status_code == 404
    assert as_role(RINA).get("/console/kecamatan").status_code == 403
    assert as_role(KADES_W).get("/console/kecamatan").status_code == 403


def test_people_add_camat(cli, rt):
    out = cli("people", "add-camat", "--phone", "0813-5550-0001", "--name", "Pak Camat", "--kecamatan", "gempl")
    assert out.exit_code == 0 and "camat Pak Camat (0813-5550-0001) ditambahkan" in out.output
    assert "Kec. Gempol" in cli("people", "list", "--role", "camat").output
    with rt.sessions() as s:
        camat = s.scalar(select(Staff).where(Staff.role == "camat"))
        assert camat.kecamatan.nama == "Gempol" and camat.desa_id is None and camat.opd_id is None
    bad = cli("people", "add-camat", "--phone", "081355500002", "--name", "X", "--kecamatan", "Atlantis")
    assert bad.exit_code != 0 and "Kecamatan tidak dikenal: Atlantis" in bad.output
