"""The groups of the two questions with more than ten choices, checked against the reference data:
the kecamatan areas (flows/places.py AREAS) and the services by dinas (flows/layanan.py dinas_groups)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from flows.engine import GROUPS_MAX
from flows.facts import LayananView, OpdRef
from flows.layanan import dinas_groups
from flows.places import AREAS

REFERENCE = Path(__file__).resolve().parents[2] / "storage" / "reference"


def _kecamatan() -> dict[str, tuple[float, float]]:
    with open(REFERENCE / "pasuruan_kecamatan.csv", encoding="utf-8") as f:
        return {r["kecamatan"]: (float(r["lat"]), float(r["lng"])) for r in csv.DictReader(f)}


def test_every_kecamatan_is_in_exactly_one_area_and_each_list_fits():
    names = [k for _, members in AREAS for k in members]
    assert sorted(names) == sorted(_kecamatan()) and len(names) == 24
    assert len(AREAS) <= GROUPS_MAX and all(2 <= len(members) <= 10 for _, members in AREAS)
    titles = [title for title, _ in AREAS]
    assert len(set(titles)) == len(titles) and all(len(t) <= 24 for t in titles)


def test_each_kecamatan_is_nearer_its_own_areas_centre_than_any_other():
    """Where the areas come from: the kecamatan centres of the wilayah data, grouped so that each is
    nearest its own group's centre (a fixed point of k-means on those coordinates)."""
    at = _kecamatan()

    def km(a, b):  # equirectangular is plenty at this size
        return math.hypot((a[0] - b[0]) * 111.0, (a[1] - b[1]) * 110.0 * math.cos(math.radians(a[0])))

    centres = {title: (sum(at[k][0] for k in m) / len(m), sum(at[k][1] for k in m) / len(m)) for title, m in AREAS}
    for title, members in AREAS:
        for k in members:
            nearest = min(centres, key=lambda t: km(at[k], centres[t]))
            assert nearest == title, (k, title, nearest)


def _services() -> list[LayananView]:
    with open(REFERENCE / "opd.csv", encoding="utf-8") as f:
        opd = {r["key"]: OpdRef(r["key"], r["singkatan"], r["nama"]) for r in csv.DictReader(f)}
    order = list(opd)
    with open(REFERENCE / "layanan.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: order.index(r["opd_key"]))  # the facts' order: by dinas, then the file's
    return [LayananView(r["key"], r["nama_pendek"], opd[r["opd_key"]], (), "ya") for r in rows]


def test_the_services_by_dinas_fit_one_list_and_keep_every_service_once():
    services = _services()
    groups = dinas_groups(services)
    assert len(groups) <= GROUPS_MAX and all(len(g) <= GROUPS_MAX - 1 for g in groups)  # room for "dinas lain"
    assert sorted(s.key for g in groups for s in g) == sorted(s.key for s in services)
    assert [s.key for s in groups[0]][:3] == ["ktp", "ktp_ganti", "kk"]
    # Past ten dinas the last ones share one group; every other group is one dinas.
    assert all(len({s.opd.key for s in g}) == 1 for g in groups[:-1])


def test_ten_or_fewer_dinas_are_one_group_each():
    services = [s for s in _services() if s.opd.key not in ("pmi", "dpmptsp")]
    assert all(len({s.opd.key for s in g}) == 1 for g in dinas_groups(services))
