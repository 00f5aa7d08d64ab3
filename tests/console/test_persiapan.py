"""/console/persiapan/<visit>: an admin sees every dinas' list, a petugas only their own dinas' (with
the names and codes of its registrations, never another dinas')."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Opd, Staff, StaffRole, Visit
from tests.console.conftest import ADMIN, BUDI, HASH, KADES_W, RINA

DINKES = "+6281266666666"


def test_admin_sees_every_dinas_with_names_and_codes(world, as_role):
    page = as_role(ADMIN).get(f"/console/persiapan/{world.visit_id}").get_data(as_text=True)
    assert "Dispendukcapil" in page and "Dinas Sosial" in page
    assert world.capil_ticket in page and world.dinsos_ticket in page and "Sumarti" in page
    assert "blangko KTP-el" in page and "Perkiraan datang langsung" in page


def test_petugas_sees_only_their_dinas(world, as_role):
    rina = as_role(RINA).get(f"/console/persiapan/{world.visit_id}").get_data(as_text=True)
    assert world.capil_ticket in rina and "blangko KTP-el" in rina
    assert world.dinsos_ticket not in rina and "Dinas Sosial" not in rina
    budi = as_role(BUDI).get(f"/console/persiapan/{world.visit_id}").get_data(as_text=True)
    assert world.dinsos_ticket in budi and world.capil_ticket not in budi and "blangko KTP-el" not in budi


def test_a_dinas_not_at_the_visit_and_other_roles_get_nothing(world, as_role, rt):
    with rt.sessions.begin() as s:
        s.get(Visit, world.visit_id).opd = list(s.scalars(select(Opd).where(Opd.key.in_(("dispendukcapil", "dinsos")))))
        s.add(Staff(phone=DINKES, name="Bu Dinkes", role=StaffRole.PETUGAS, password_hash=HASH,
                    opd_id=s.scalar(select(Opd.id).where(Opd.key == "dinkes"))))
    assert as_role(DINKES).get(f"/console/persiapan/{world.visit_id}").status_code == 404
    assert as_role(KADES_W).get(f"/console/persiapan/{world.visit_id}").status_code == 403
    assert as_role(ADMIN).get("/console/persiapan/99999").status_code == 404
