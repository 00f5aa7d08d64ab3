"""Every console route × every role, in one table: who gets the page, who is sent to login, who is
refused. A new route must be added here (the last test fails otherwise)."""

from __future__ import annotations

import pytest

from tests.console.conftest import ADMIN, BUDI, CAMAT_G, KADES_W, RINA

ANON, PETUGAS_OTHER = "anon", "petugas_lain"
# path template → {viewer: status}; {visit} {ticket} {proposal} are filled from the world.
GET_MATRIX = {
    "/console/": {ANON: 302, ADMIN: 200, RINA: 200, KADES_W: 200},
    "/console/login": {ANON: 200, ADMIN: 200, RINA: 200, KADES_W: 200},
    "/console/tiket": {ANON: 302, ADMIN: 200, RINA: 200, KADES_W: 403},
    "/console/tiket/{ticket}": {ANON: 302, ADMIN: 200, RINA: 200, PETUGAS_OTHER: 404, KADES_W: 403},
    "/console/jadwal": {ANON: 302, ADMIN: 200, RINA: 200, KADES_W: 403},
    "/console/usulan": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 200},
    "/console/usulan/{proposal}": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 200},
    "/console/usulan/{other_proposal}": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 404},
    "/console/usulan.csv": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 200},
    "/console/usulan.xlsx": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 200},
    "/console/laporan": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 403},
    "/console/laporan/{visit}": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 403},
    "/console/siaran": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 403},
    # The camat's own kecamatan (a camat's view: tests/console/test_camat.py).
    "/console/kecamatan": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 403},
    "/console/evaluasi": {ANON: 302, ADMIN: 200, RINA: 403, KADES_W: 403},
    # Each dinas' preparation list: Rina's (Dispendukcapil) and Budi's (Dinas Sosial) dinas attend.
    "/console/poster/{desa}.pdf": {ANON: 302, ADMIN: 200, RINA: 200, KADES_W: 200},
    "/console/poster/kecamatan/{kecamatan}.pdf": {ANON: 302, ADMIN: 200, RINA: 200, KADES_W: 403},
    "/console/persiapan/{visit}": {ANON: 302, ADMIN: 200, RINA: 200, PETUGAS_OTHER: 200, KADES_W: 403},
}
# POST routes: with a valid csrf_token, who may act at all (the body is left empty: a refusal must
# come before any validation). 302/400 mean "let in" (done, or told what is missing).
POST_MATRIX = {
    "/console/tiket/{ticket}": {ANON: 302, RINA: 400, PETUGAS_OTHER: 404, KADES_W: 403, ADMIN: 400},
    "/console/tiket/{ticket}/hadir": {ANON: 302, RINA: 302, PETUGAS_OTHER: 404, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/tambah": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/{visit}/ubah": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/{visit}/pindah": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/impor": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/rotasi": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/usulan/{proposal}/status": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/usulan/{proposal}/gabung": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/usulan/{proposal}/tinjau": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/usulan/{proposal}/musrenbang": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
    "/console/jadwal/{visit}/batal": {ANON: 302, RINA: 403, KADES_W: 403, ADMIN: 302},
}

# The camat of Gempol (the world's kecamatan): their kecamatan's proposals, page, evaluation and
# posters, read-only; nothing else, and no POST at all.
CAMAT_GET = {
    "/console/": 200, "/console/login": 200, "/console/tiket": 403, "/console/tiket/{ticket}": 403,
    "/console/jadwal": 403, "/console/usulan": 200, "/console/usulan/{proposal}": 200,
    "/console/usulan/{other_proposal}": 200, "/console/usulan.csv": 200, "/console/usulan.xlsx": 200,
    "/console/laporan": 403, "/console/laporan/{visit}": 403, "/console/siaran": 403, "/console/kecamatan": 200,
    "/console/evaluasi": 200, "/console/poster/{desa}.pdf": 200, "/console/poster/kecamatan/{kecamatan}.pdf": 200,
    "/console/persiapan/{visit}": 403,
}
for _path, _status in CAMAT_GET.items():
    GET_MATRIX[_path][CAMAT_G] = _status
for _row in POST_MATRIX.values():
    _row[CAMAT_G] = 403
ROLES = (ANON, ADMIN, RINA, KADES_W, PETUGAS_OTHER, CAMAT_G)


def _fill(path: str, world) -> str:
    return path.format(visit=world.visit_id, ticket=world.capil_ticket, proposal=world.wonosunyo_proposal,
                       other_proposal=world.kejapanan_proposal, desa=world.wonosunyo_id, kecamatan=world.gempol_id)


def _viewer(who, as_role, console):
    if who == ANON:
        console.get("/console/login")
        return console
    return as_role(BUDI if who == PETUGAS_OTHER else who)


def test_get_routes_per_role(world, as_role, console):
    viewers = {who: _viewer(who, as_role, console) for who in ROLES}
    for path, expected in GET_MATRIX.items():
        for who, status in expected.items():
            response = viewers[who].client.get(_fill(path, world))
            assert response.status_code == status, (path, who, response.status_code)
            if status == 302 and who == ANON:
                assert response.headers["Location"].startswith("/console/login")


def test_post_routes_per_role(world, as_role, console):
    viewers = {who: _viewer(who, as_role, console) for who in ROLES}
    for path, expected in POST_MATRIX.items():
        for who, status in expected.items():
            v = viewers[who]
            response = v.post(_fill(path, world), {})
            assert response.status_code == status, (path, who, response.status_code)
            # Without the token, nobody gets past the CSRF check.
            assert v.post(_fill(path, world), {}, csrf=False).status_code == 400, (path, who)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_route_is_in_the_matrix(app, method):
    import re

    listed = {re.sub(r"\{[a-z_]+\}", "<x>", p) for p in (GET_MATRIX if method == "GET" else POST_MATRIX)}
    listed |= {"/console/login", "/console/login/kode", "/console/logout", "/console/static/<x>"}  # test_auth.py
    listed |= {"/console/antrean/<x>/<x>"}  # the antrean display (issue #17) has its own role tests
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console") and method in rule.methods:
            assert re.sub(r"<[^>]+>", "<x>", rule.rule) in listed, rule.rule
