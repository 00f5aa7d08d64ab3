"""Numbers, months and `next=` from a URL or a form, out of range: 404 or 400 (or ignored), never 500."""

from __future__ import annotations

import pytest

from tests.console.conftest import ADMIN, KOOR, PASSWORD, RINA, Console

HUGE = "9" * 25


@pytest.mark.parametrize("path", [
    f"/console/laporan/{HUGE}",
    f"/console/laporan/{2 ** 31}",
    f"/console/antrean/{HUGE}/dispendukcapil",
    "/console/jadwal?bulan=0001-01",
    "/console/jadwal?bulan=9999-12",
    "/console/jadwal?bulan=1999-12",
])
def test_out_of_range_in_the_path_or_month_is_404(as_role, path):
    admin = as_role(ADMIN)
    assert admin.get(path).status_code == 404


@pytest.mark.parametrize("action", ["ubah", "pindah", "batal"])
def test_out_of_range_visit_in_a_post_is_404(as_role, action):
    assert as_role(ADMIN).post(f"/console/jadwal/{HUGE}/{action}", {"tanggal": "2026-12-20"}).status_code == 404


@pytest.mark.parametrize("query", [
    f"?pendukung={HUGE}", "?pendukung=-99999999999999999999", f"?kecamatan={HUGE}", f"?desa={HUGE}",
    f"?kecamatan={2 ** 31}&desa=-{2 ** 40}",
])
def test_out_of_range_filters_are_ignored(as_role, query):
    response = as_role(ADMIN).get("/console/usulan" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("query", [f"?visit={HUGE}", f"?kecamatan={HUGE}", f"?opd={HUGE}", "?visit=1e9999"])
def test_out_of_range_ticket_filters_are_ignored(as_role, query):
    assert as_role(ADMIN).get("/console/tiket" + query).status_code == 200


def test_out_of_range_ids_and_dates_in_forms_are_refused_kindly(as_role, world):
    koor = as_role(KOOR)
    response = koor.post(f"/console/tiket/{world.capil_ticket}", {"action": "tugaskan", "staff_id": HUGE})
    assert response.status_code in (302, 400, 404), response.status_code
    response = koor.post(f"/console/tiket/{world.capil_ticket}", {"action": "alihkan", "opd_id": HUGE})
    assert response.status_code in (302, 400, 404), response.status_code
    admin = as_role(ADMIN)
    for tanggal in ("0001-01-01", "9999-12-31"):
        response = admin.post("/console/jadwal/tambah", {"tanggal": tanggal, "mulai": "08:00", "selesai": "12:00",
                                                          "kecamatan_id": HUGE})
        assert response.status_code in (302, 400), response.status_code
        response = admin.post("/console/jadwal/rotasi", {"mulai_tanggal": tanggal, "setiap": HUGE})
        assert response.status_code in (302, 400), response.status_code
    response = admin.post(f"/console/jadwal/{world.visit_id}/pindah", {"tanggal": "0001-01-01"})
    assert response.status_code in (302, 400), response.status_code


@pytest.mark.parametrize("target", ["/console/\r\nSet-Cookie: x=1", "/console/tiket\n", "/console/\x00",
                                    "/console/\tx", "//evil.example/console/", "/console/" + "a" * 5000])
def test_a_next_with_control_characters_goes_home(app, world, target):
    c = Console(app.test_client())
    c.get("/console/login")
    response = c.post("/console/login", {"phone": RINA, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_good_next_is_kept(app, world):
    c = Console(app.test_client())
    c.get("/console/login")
    response = c.post("/console/login", {"phone": RINA, "password": PASSWORD, "next": "/console/tiket?status=baru"})
    assert response.headers["Location"] == "/console/tiket?status=baru"
