"""/console/usulan: the admin sees all, a kepala desa only their desa; status changes tell the
resident; duplicates merge with their supporters counted once; CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import OutboxMessage, Proposal, ProposalEvent, ProposalSupport, Resident
from tests.console.conftest import ADMIN, KADES_K, KADES_W, RESIDENT, RINA


def test_kades_sees_only_their_desa(world, as_role):
    kades = as_role(KADES_W)
    page = kades.get("/console/usulan").get_data(as_text=True)
    assert world.wonosunyo_proposal in page and world.kejapanan_proposal not in page
    assert kades.get(f"/console/usulan/{world.wonosunyo_proposal}").status_code == 200
    assert kades.get(f"/console/usulan/{world.kejapanan_proposal}").status_code == 404
    # Filters cannot widen it either.
    assert world.kejapanan_proposal not in kades.get("/console/usulan?kecamatan=1&desa=999").get_data(as_text=True)
    exported = kades.get("/console/usulan.csv").get_data(as_text=True)
    assert world.wonosunyo_proposal in exported and world.kejapanan_proposal not in exported
    # Read-only: no status change, no merge.
    assert kades.post(f"/console/usulan/{world.wonosunyo_proposal}/status", {"status": "ditolak"}).status_code == 403
    other = as_role(KADES_K)
    assert world.wonosunyo_proposal not in other.get("/console/usulan").get_data(as_text=True)


def test_petugas_and_anonymous_have_no_proposals(world, as_role, console):
    assert as_role(RINA).get("/console/usulan").status_code == 403
    assert as_role(RINA).get("/console/usulan.xlsx").status_code == 403
    assert console.get("/console/usulan.csv").status_code == 302


def test_admin_filters(world, as_role, rt):
    admin = as_role(ADMIN)
    page = admin.get("/console/usulan").get_data(as_text=True)
    assert world.wonosunyo_proposal in page and world.kejapanan_proposal in page
    with rt.sessions() as s:
        kejapanan = s.scalars(select(Proposal.desa_id).where(Proposal.kode == world.kejapanan_proposal)).one()
    only = admin.get(f"/console/usulan?desa={kejapanan}").get_data(as_text=True)
    assert world.kejapanan_proposal in only and world.wonosunyo_proposal not in only
    assert world.wonosunyo_proposal not in admin.get("/console/usulan?pendukung=2").get_data(as_text=True)
    assert world.wonosunyo_proposal not in admin.get("/console/usulan?kategori=sampah").get_data(as_text=True)
    assert admin.get("/console/usulan?status=bogus&pendukung=x").status_code == 200


def test_status_change_tells_the_resident_and_is_in_the_history(world, as_role, rt):
    admin = as_role(ADMIN)
    path = f"/console/usulan/{world.wonosunyo_proposal}"
    admin.post(f"{path}/status", {"status": "musrenbang", "catatan": "Masuk prioritas kecamatan"})
    page = admin.get(path).get_data(as_text=True)
    assert "Dibawa ke Musrenbang" in page and "Mbak Admin" in page
    with rt.sessions() as s:
        body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == RESIDENT)).one()
        event = s.scalars(select(ProposalEvent)).one()
    assert "US-0101" in body and "Dibawa ke Musrenbang" in body and "Masuk prioritas kecamatan" in body
    assert (event.actor, event.action, event.status) == ("admin", "status", "musrenbang")
    admin.post(f"{path}/status", {"status": "hilang"})
    assert "Pilih status yang tersedia" in admin.get(path).get_data(as_text=True)


def test_merge_duplicates_counts_supporters_once(world, as_role, rt):
    with rt.sessions.begin() as s:
        first = s.scalars(select(Proposal).where(Proposal.kode == world.wonosunyo_proposal)).one()
        author = s.scalars(select(Resident)).one()
        other = Resident(phone="+6281234500001", name="Pak Slamet")
        s.add(other)
        s.flush()
        dup = Proposal(kode="US-0103", resident_id=other.id, kategori="jalan", desa_id=first.desa_id,
                       deskripsi="Jalan RT 3 rusak parah", support_count=2)
        s.add(dup)
        s.flush()
        # The first author supports the duplicate too: after the merge they count once.
        s.add_all([ProposalSupport(proposal_id=dup.id, resident_id=other.id),
                   ProposalSupport(proposal_id=dup.id, resident_id=author.id)])
    admin = as_role(ADMIN)
    assert "US-0101" in admin.get("/console/usulan/US-0103").get_data(as_text=True)  # offered as target
    response = admin.post("/console/usulan/US-0103/gabung", {"target": "US-0101"})
    assert response.status_code == 302
    with rt.sessions() as s:
        target = s.scalars(select(Proposal).where(Proposal.kode == "US-0101")).one()
        dup = s.scalars(select(Proposal).where(Proposal.kode == "US-0103")).one()
        told = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == "+6281234500001")).one()
    assert target.support_count == 2 and dup.merged_into_id == target.id
    assert "US-0103" in told and "US-0101" in told
    assert "US-0103 digabung ke US-0101" in admin.get(response.headers["Location"]).get_data(as_text=True)
    listing = admin.get("/console/usulan").get_data(as_text=True)
    assert "US-0103" not in listing
    # Other desa or already merged: refused with a reason.
    admin.post(f"/console/usulan/{world.kejapanan_proposal}/gabung", {"target": "US-0101"})
    assert "desa yang sama" in admin.get(f"/console/usulan/{world.kejapanan_proposal}").get_data(as_text=True)
    admin.post("/console/usulan/US-0103/gabung", {"target": "US-0101"})
    with rt.sessions() as s:
        assert s.scalars(select(Proposal.support_count).where(Proposal.kode == "US-0101")).one() == 2


def test_exports_have_the_musrenbang_columns(world, as_role, rt):
    with rt.sessions.begin() as s:
        p = s.scalars(select(Proposal).where(Proposal.kode == world.kejapanan_proposal)).one()
        p.deskripsi = "=HYPERLINK(\"http://x\")"  # a resident's text must not become a formula
    admin = as_role(ADMIN)
    response = admin.get("/console/usulan.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["kode", "tanggal", "kecamatan", "desa", "kategori", "uraian", "pendukung", "status", "lat", "lng"]
    by_kode = {r[0]: r for r in rows[1:]}
    assert by_kode["US-0101"][2:5] == ["Gempol", "Wonosunyo", "jalan rusak"] and by_kode["US-0101"][8] == "-7.56"
    assert by_kode["US-0202"][5].startswith("'=")
    xlsx = admin.client.get("/console/usulan.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = list(sheet.values)
    assert values[0][0] == "kode" and len(values) == 3
    assert {v[0] for v in values[1:]} == {"US-0101", "US-0202"}


def test_news_of_their_own_proposal_reaches_a_resident_who_stopped_reminders(world, as_role, rt, settings):
    """Opting out of reminders does not silence news the resident was promised (like ticket news)."""
    from datetime import UTC, datetime

    from core.runtime import Runtime
    from scheduler.sender import drain_outbox
    from tests.fake_twilio import FakeTwilio
    from tests.sending import fake_settings

    with rt.sessions.begin() as s:
        s.scalars(select(Resident)).one().opted_out_at = datetime.now(UTC)
    as_role(ADMIN).post(f"/console/usulan/{world.wonosunyo_proposal}/status", {"status": "diverifikasi"})
    fake = FakeTwilio()
    sender = Runtime(fake_settings(settings, fake))
    try:
        drain_outbox(sender, datetime.now(UTC))
        [sent] = fake.sent_to(RESIDENT)
        assert "Diverifikasi kecamatan" in sent.form["Body"]
    finally:
        sender.dispose()
        fake.close()
