"""Every console page, as every role, with out-of-range and garbage numbers, months and dates in the path
and the query: 2xx, 3xx, 400, 403 or 404, never a 500 (a 25-digit id used to reach PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from tests.console.conftest import ADMIN, KADES_W, KOOR

HUGE = "9" * 25
QUERIES = [f"?bulan=0001-01&pendukung={HUGE}&visit={HUGE}&kecamatan={HUGE}&desa={HUGE}&opd={HUGE}",
           "?bulan=2026-13&pendukung=-1&visit=-5&kecamatan=abc&desa=1e9&opd=%00&status=%0d%0a&kategori=x",
           f"?tanggal=0001-01-01&dari=9999-99-99&sampai={HUGE}&page={HUGE}&halaman=-{HUGE}"]


def _paths(app) -> list[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console/") or "GET" not in (rule.methods or ()) or "static" in rule.endpoint:
            continue
        for value in (HUGE, "0", "-1", str(2 ** 31)):
            path = re.sub(r"<int:[^>]+>", value, rule.rule)
            paths.add(re.sub(r"<[^>]+>", "x" + value, path))
    return sorted(paths)


@pytest.mark.parametrize("who", [ADMIN, KOOR, KADES_W])
def test_no_console_page_answers_500(app, world, as_role, who):
    c = as_role(who)
    seen = {}
    for path in _paths(app):
        for query in ("", *QUERIES):
            response = c.client.get(path + query)
            status = response.status_code
            response.close()
            seen[path + query] = status
    broken = {p: s for p, s in seen.items() if s >= 500}
    assert not broken, broken
    assert len(seen) > 40
