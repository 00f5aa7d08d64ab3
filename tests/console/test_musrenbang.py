"""Musrenbang-ready proposals in the console: the Permendagri 86/2017 columns (derived from the category
until an admin sets them), the review (layak / perlu verifikasi / ditolak with a reason, the resident
told), and the Musrenbang export as XLSX and CSV by kecamatan and year."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import Desa, Kecamatan, OutboxMessage, Proposal, ProposalEvent
from tests.console.conftest import ADMIN, KADES_W, RESIDENT


def _rows_of_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_columns_are_derived_then_set_by_an_admin(world, as_role, rt):
    admin = as_role(ADMIN)
    page = admin.get(f"/console/usulan/{world.wonosunyo_proposal}").get_data(as_text=True)
    assert "Perbaikan/peningkatan jalan" in page and "Dinas Pekerjaan Umum dan Penataan Ruang" in page
    response = admin.post(f"/console/usulan/{world.wonosunyo_proposal}/musrenbang",
                          {"kegiatan": "Pengaspalan jalan dusun", "volume": "350,5", "satuan": "meter",
                           "perangkat_daerah": "dpupr", "prioritas": "2"})
    assert response.status_code == 302
    with rt.sessions() as s:
        p = s.scalar(select(Proposal).where(Proposal.kode == world.wonosunyo_proposal))
        assert (p.kegiatan, p.volume, p.satuan, p.perangkat_daerah, p.prioritas) == (
            "Pengaspalan jalan dusun", 350.5, "meter", "dpupr", 2)
        assert s.scalar(select(ProposalEvent.action).where(ProposalEvent.proposal_id == p.id)) == "musrenbang"
    bad = admin.post(f"/console/usulan/{world.wonosunyo_proposal}/musrenbang", {"volume": "banyak", "prioritas": "x"})
    assert bad.status_code == 302
    assert "Volume harus angka" in admin.get(f"/console/usulan/{world.wonosunyo_proposal}").get_data(as_text=True)
    with rt.sessions() as s:
        assert s.scalar(select(Proposal.volume).where(Proposal.kode == world.wonosunyo_proposal)) == 350.5


def test_review_tells_the_resident_and_a_refusal_needs_a_reason(world, as_role, rt):
    admin = as_role(ADMIN)
    admin.post(f"/console/usulan/{world.wonosunyo_proposal}/tinjau", {"keputusan": "ditolak"})
    with rt.sessions() as s:
        assert s.scalar(select(Proposal.status).where(Proposal.kode == world.wonosunyo_proposal)) == "baru"
    assert "Tuliskan alasan" in admin.get(f"/console/usulan/{world.wonosunyo_proposal}").get_data(as_text=True)
    admin.post(f"/console/usulan/{world.wonosunyo_proposal}/tinjau",
               {"keputusan": "ditolak", "alasan": "Jalan kabupaten, sudah masuk rencana perbaikan 2027"})
    admin.post(f"/console/usulan/{world.kejapanan_proposal}/tinjau", {"keputusan": "perlu_verifikasi"})
    with rt.sessions() as s:
        statuses = dict(s.execute(select(Proposal.kode, Proposal.status)).all())
        told = [m.body for m in s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RESIDENT)
                                          .order_by(OutboxMessage.id))]
    assert statuses[world.wonosunyo_proposal] == "ditolak" and statuses[world.kejapanan_proposal] == "perlu_verifikasi"
    assert "*Tidak dilanjutkan*" in told[0] and "sudah masuk rencana perbaikan 2027" in told[0]
    assert "*Perlu verifikasi lapangan*" in told[1]
    assert admin.post(f"/console/usulan/{world.kejapanan_proposal}/tinjau", {"keputusan": "hapus"}).status_code == 302
    assert as_role(KADES_W).post(f"/console/usulan/{world.wonosunyo_proposal}/tinjau",
                                 {"keputusan": "layak"}).status_code == 403


def test_musrenbang_export_by_kecamatan_and_year(world, as_role, rt):
    with rt.sessions.begin() as s:
        gempol = s.scalar(select(Kecamatan.id).where(Kecamatan.nama == "Gempol"))
        bangil_desa = s.scalar(select(Desa).join(Kecamatan).where(Kecamatan.nama == "Bangil").limit(1))
        s.add(Proposal(kode="US-0303", kategori="lampu_jalan", desa_id=bangil_desa.id, deskripsi="Lampu jalan mati",
                       volume=6, satuan="titik", support_count=9))
        s.add(Proposal(kode="US-0404", kategori="jalan", desa_id=s.scalar(select(Proposal.desa_id).where(Proposal.kode == world.wonosunyo_proposal)),
                       deskripsi="Usulan tahun lalu", created_at=datetime(2025, 6, 1, tzinfo=UTC)))
        s.add(Proposal(kode="US-0505", kategori="sampah", desa_id=bangil_desa.id, deskripsi="Ditolak",
                       status="ditolak"))
        wonosunyo = s.scalar(select(Proposal).where(Proposal.kode == world.wonosunyo_proposal))
        wonosunyo.support_count, wonosunyo.volume, wonosunyo.satuan = 5, 300, "meter"
    admin = as_role(ADMIN)
    year = datetime.now(UTC).year
    response = admin.client.get(f"/console/usulan.xlsx?format=musrenbang&kecamatan={gempol}&tahun={year}")
    assert response.status_code == 200 and "musrenbang-gempol" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "Usulan Musrenbang Kec. Gempol" in rows[0][0]
    assert rows[1][:8] == ["NO", "USULAN/KEGIATAN", "LOKASI (DESA/KELURAHAN)", "KECAMATAN", "VOLUME", "SATUAN",
                           "PERANGKAT DAERAH PENANGGUNG JAWAB", "PRIORITAS"]
    body = rows[2:]
    assert [r[10] for r in body] == [world.wonosunyo_proposal, world.kejapanan_proposal]  # more support first
    first = body[0]
    assert first[1:8] == ["Perbaikan/peningkatan jalan", "Wonosunyo", "Gempol", 300, "meter",
                          "Dinas Pekerjaan Umum dan Penataan Ruang", 1]
    assert body[1][7] == 2
    csv_rows = _rows_of_csv(admin.client.get("/console/usulan.csv?format=musrenbang").get_data())
    kodes = [r[10] for r in csv_rows[1:]]
    assert "US-0303" in kodes and "US-0404" in kodes and "US-0505" not in kodes  # refused ones are left out
    lamp = next(r for r in csv_rows if r[10] == "US-0303")
    assert lamp[1] == "Pemasangan penerangan jalan umum (PJU)" and lamp[4:8] == ["6", "titik", "Dinas Perhubungan", "1"]
    this_year = [r[10] for r in _rows_of_csv(admin.client.get(f"/console/usulan.csv?format=musrenbang&tahun={year}")
                                             .get_data())[1:]]
    assert "US-0404" not in this_year and "US-0303" in this_year
    kades = as_role(KADES_W)
    own = [r[10] for r in _rows_of_csv(kades.client.get("/console/usulan.csv?format=musrenbang").get_data())[1:]]
    assert own == [world.wonosunyo_proposal, "US-0404"]  # their desa only (US-0303 is in Bangil)
