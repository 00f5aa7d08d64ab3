"""The evaluation across events in a real Chromium: the charts show at phone width, and printed (the
print media emulated) the menu and filters are gone while the table, the lowest reach and the charts
stay. A PDF of the printed page lands in tests/artifacts/."""

from __future__ import annotations

import base64

import pytest

from tests.console.browser import browser, live  # noqa: F401 (fixtures)
from tests.console.browser import ARTIFACTS, follow_link, screenshot
from tests.console.conftest import ADMIN
from tests.console.test_browser import login
from tests.console.test_evaluasi import _events

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_evaluasi_shows_its_charts_and_prints_without_the_menu(browser, live, world, rt):
    from selenium.webdriver.common.by import By

    _events(rt)
    login(browser, live, ADMIN)
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Evaluasi"))
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 4 and all(c.is_displayed() and c.size["width"] > 200 for c in charts)
    assert browser.find_element(By.ID, "terendah").is_displayed()
    screenshot(browser, "20-evaluasi")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.CSS_SELECTOR, "header.top nav").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, "form.filters").is_displayed()
    assert browser.find_element(By.ID, "tabel").is_displayed() and browser.find_element(By.ID, "terendah").is_displayed()
    assert all(c.is_displayed() for c in browser.find_elements(By.CSS_SELECTOR, "svg.chart"))
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "paperWidth": 8.27,
                                                      "paperHeight": 11.69})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "20-evaluasi-print.pdf").write_bytes(base64.b64decode(pdf["data"]))
