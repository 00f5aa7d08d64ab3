"""Every form control on every console page has a label, every page has one h1, a language and a
skip link, and the palette's text colours meet WCAG AA contrast (4.5:1) on their backgrounds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from tests.console.conftest import ADMIN, KADES_W, RINA
from tests.console.test_reports import _event_day


class Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.in_label = 0
        self.h1 = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append({**a, "_wrapped": self.in_label > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1

    def unlabelled(self) -> list[dict]:
        return [c for c in self.controls if not c["_wrapped"] and c.get("id") not in self.label_for
                and not c.get("aria-label")]


def _pages(world):
    return {
        ADMIN: ["/console/", "/console/tiket", f"/console/tiket/{world.capil_ticket}", "/console/jadwal",
                "/console/usulan", f"/console/usulan/{world.wonosunyo_proposal}", "/console/laporan",
                f"/console/laporan/{world.visit_id}", "/console/siaran"],
        RINA: ["/console/", "/console/tiket", f"/console/tiket/{world.capil_ticket}", "/console/jadwal"],
        KADES_W: ["/console/", "/console/usulan", f"/console/usulan/{world.wonosunyo_proposal}"],
    }


def test_every_control_is_labelled_and_pages_are_well_formed(world, as_role, console, rt):
    _event_day(rt, world)
    pages = {None: ["/console/login"], **_pages(world)}
    for who, paths in pages.items():
        viewer = console if who is None else as_role(who)
        for path in paths:
            response = viewer.get(path)
            assert response.status_code == 200, (who, path)
            parser = Controls()
            parser.feed(response.get_data(as_text=True))
            assert parser.unlabelled() == [], (who, path)
            assert parser.h1 == 1 and parser.lang == "id", (who, path)
            assert 'class="skip" href="#isi"' in response.get_data(as_text=True)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_palette_meets_wcag_aa():
    css = Path(__file__).resolve().parents[2].joinpath("bot/console/static/console.css").read_text()
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [("ink", "paper"), ("ink", "soft"), ("muted", "paper"), ("brand", "paper"), ("brand-ink", "brand"),
             ("warn", "paper"), ("ink", "ok-bg"), ("ink", "err-bg"), ("ink", "info-bg"), ("muted", "info-bg")]
    for fg, bg in pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg, round(contrast(var[fg], var[bg]), 2))
    assert contrast("#0a4a8f", var["paper"]) >= 4.5  # links
