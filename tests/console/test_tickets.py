"""/console/tiket: each dinas sees its own queue; replies and status changes reach the resident
through the same code as the petugas' phone commands; every action is in the ticket's history."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import OutboxMessage, Staff, Ticket, TicketEvent
from tests.console.conftest import ADMIN, BUDI, KADES_W, KOOR, RESIDENT, RINA


def _ticket(rt, kode):
    with rt.sessions() as s:
        t = s.scalars(select(Ticket).where(Ticket.kode == kode)).one()
        return t.status, t.assigned_staff_id, [(e.actor, e.action, e.staff_id) for e in t.events]


def _to_resident(rt):
    with rt.sessions() as s:
        return [(o.kind, o.body) for o in s.scalars(select(OutboxMessage).where(OutboxMessage.to_phone == RESIDENT)
                                                    .order_by(OutboxMessage.id))]


def test_petugas_sees_only_their_dinas(world, as_role):
    rina = as_role(RINA)
    html = rina.get("/console/tiket").get_data(as_text=True)
    assert world.capil_ticket in html and world.dinsos_ticket not in html
    assert rina.get(f"/console/tiket/{world.capil_ticket}").status_code == 200
    assert rina.get(f"/console/tiket/{world.dinsos_ticket}").status_code == 404
    # The opd filter is the admin's: a petugas cannot widen their queue with it.
    with_filter = rina.get("/console/tiket?opd=999&status=semua").get_data(as_text=True)
    assert world.dinsos_ticket not in with_filter


def test_petugas_cannot_touch_another_dinas_ticket(world, as_role, rt):
    budi = as_role(BUDI)
    for data in ({"action": "ambil"}, {"action": "balas", "pesan": "halo"}, {"action": "status", "status": "ditolak"}):
        assert budi.post(f"/console/tiket/{world.capil_ticket}", data).status_code == 404
    assert _ticket(rt, world.capil_ticket) == ("baru", None, [("warga", "dibuat", None)])
    assert _to_resident(rt) == []


def test_admin_sees_every_dinas_and_filters(world, as_role):
    admin = as_role(ADMIN)
    html = admin.get("/console/tiket").get_data(as_text=True)
    assert world.capil_ticket in html and world.dinsos_ticket in html
    assert admin.get(f"/console/tiket/{world.dinsos_ticket}").status_code == 200
    by_visit = admin.get(f"/console/tiket?visit={world.visit_id}").get_data(as_text=True)
    assert world.capil_ticket in by_visit
    by_status = admin.get("/console/tiket?status=selesai").get_data(as_text=True)
    assert world.capil_ticket not in by_status
    assert admin.get("/console/tiket?visit=abc&kecamatan=x").status_code == 200  # bad filter values: ignored


def test_kades_has_no_ticket_queue(world, as_role):
    kades = as_role(KADES_W)
    assert kades.get("/console/tiket").status_code == 403
    assert kades.get(f"/console/tiket/{world.capil_ticket}").status_code == 403


def test_claim_reply_and_status_reach_the_resident(world, as_role, rt):
    rina = as_role(RINA)
    path = f"/console/tiket/{world.capil_ticket}"
    assert rina.post(path, {"action": "ambil"}).status_code == 302
    reply = rina.post(path, {"action": "balas", "pesan": "Bawa KK asli ya, Bu."})
    assert reply.status_code == 302
    page = rina.get(path).get_data(as_text=True)
    assert "Terkirim ke warga" in page and "Bawa KK asli ya, Bu." in page
    assert rina.post(path, {"action": "status", "status": "menunggu_dokumen", "catatan": "KK belum ada"}).status_code == 302
    status, assigned, events = _ticket(rt, world.capil_ticket)
    with rt.sessions() as s:
        rina_id = s.scalars(select(Staff.id).where(Staff.phone == RINA)).one()
    assert status == "menunggu_dokumen" and assigned == rina_id
    assert [(a, act) for a, act, _ in events] == [("warga", "dibuat"), ("petugas", "diambil"), ("petugas", "balas"),
                                                  ("petugas", "status")]
    assert all(sid == rina_id for _, _, sid in events[1:])
    sent = _to_resident(rt)
    assert sent[0] == ("relay", "👤 Bu Rina (Dispendukcapil): Bawa KK asli ya, Bu.")
    assert sent[1][0] == "ticket_update" and "Menunggu dokumen" in sent[1][1] and "KK belum ada" in sent[1][1]


def test_closing_from_the_console_starts_the_survey(world, as_role, rt):
    rina = as_role(RINA)
    rina.post(f"/console/tiket/{world.capil_ticket}", {"action": "status", "status": "selesai"})
    assert _ticket(rt, world.capil_ticket)[0] == "selesai"
    kinds = [k for k, _ in _to_resident(rt)]
    assert kinds == ["ticket_update", "survey"]


def test_admin_actions_are_recorded_as_admin(world, as_role, rt):
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        koor_id = s.scalars(select(Staff.id).where(Staff.phone == KOOR)).one()
        admin_id = s.scalars(select(Staff.id).where(Staff.phone == ADMIN)).one()
    path = f"/console/tiket/{world.capil_ticket}"
    assert admin.post(path, {"action": "tugaskan", "staff_id": str(koor_id)}).status_code == 302
    admin.post(path, {"action": "status", "status": "diteruskan"})
    status, assigned, events = _ticket(rt, world.capil_ticket)
    assert status == "diteruskan" and assigned == koor_id
    assert events[1:] == [("admin", "ditugaskan", admin_id), ("admin", "status", admin_id)]
    history = admin.get(path).get_data(as_text=True)
    assert "Admin: Mbak Admin" in history


def test_only_admin_or_coordinator_assigns(world, as_role, rt):
    with rt.sessions() as s:
        rina_id = s.scalars(select(Staff.id).where(Staff.phone == RINA)).one()
        budi_id = s.scalars(select(Staff.id).where(Staff.phone == BUDI)).one()
    path = f"/console/tiket/{world.capil_ticket}"
    rina = as_role(RINA)
    assert rina.post(path, {"action": "tugaskan", "staff_id": str(rina_id)}).status_code == 403
    koor = as_role(KOOR)
    # Not a petugas of this ticket's dinas: refused with a message, nothing changes.
    koor.post(path, {"action": "tugaskan", "staff_id": str(budi_id)})
    assert _ticket(rt, world.capil_ticket)[1] is None
    assert koor.post(path, {"action": "tugaskan", "staff_id": str(rina_id)}).status_code == 302
    status, assigned, events = _ticket(rt, world.capil_ticket)
    assert assigned == rina_id and events[-1][1] == "ditugaskan"
    # Rina cannot claim a ticket someone else holds… but it is hers now, so she may.
    assert rina.post(path, {"action": "ambil"}).status_code == 302
    admin = as_role(ADMIN)
    with rt.sessions() as s:
        koor_id = s.scalars(select(Staff.id).where(Staff.phone == KOOR)).one()
    admin.post(path, {"action": "tugaskan", "staff_id": str(koor_id)})
    assert _ticket(rt, world.capil_ticket)[2][-1][1] == "dialihkan"
    # Now held by the coordinator: Rina may no longer claim it.
    assert rina.post(path, {"action": "ambil"}).status_code == 403


def test_unassigned_first_in_the_queue(world, as_role, rt):
    with rt.sessions.begin() as s:
        capil_ticket = s.scalars(select(Ticket).where(Ticket.kode == world.capil_ticket)).one()
        second = Ticket(kode="KM-1003", resident_id=capil_ticket.resident_id, opd_id=capil_ticket.opd_id,
                        nama="Warga Lain", created_at=capil_ticket.created_at)
        s.add(second)
        s.flush()
        capil_ticket.assigned_staff_id = s.scalars(select(Staff.id).where(Staff.phone == RINA)).one()
    html = as_role(KOOR).get("/console/tiket").get_data(as_text=True)
    assert html.index("KM-1003") < html.index(world.capil_ticket)


def test_bad_actions_are_friendly(world, as_role, rt):
    rina = as_role(RINA)
    path = f"/console/tiket/{world.capil_ticket}"
    rina.post(path, {"action": "balas", "pesan": "   "})
    assert "Balasan masih kosong" in rina.get(path).get_data(as_text=True)
    rina.post(path, {"action": "status", "status": "hilang"})
    assert "Pilih status yang tersedia" in rina.get(path).get_data(as_text=True)
    assert rina.post(path, {"action": "terbang"}).status_code == 400
    assert rina.get("/console/tiket/KM-0000").status_code == 404
    assert _ticket(rt, world.capil_ticket)[0] == "baru"
