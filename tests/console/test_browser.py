"""The console in a real Chromium at phone width: log in, reply to a ticket, move a visit, export
proposals, open an event report and see its charts. Screenshots: tests/artifacts/*.png."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.console.browser import browser, live  # noqa: F401 (fixtures)
from tests.console.browser import clear_downloads, follow_link, screenshot, submit_and_wait
from tests.console.conftest import ADMIN, PASSWORD, RESIDENT, RINA

# The browser checks the pages, not the database: the Flask-client tests cover both backends, so a
# browser run on SQLite alone keeps CI fast.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def login(driver, live, phone):
    from selenium.webdriver.common.by import By

    driver.get(live.url + "/console/login")
    driver.find_element(By.ID, "phone").send_keys(phone)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/console/login'] button[type=submit]"))
    assert driver.current_url == live.url + "/console/"


def test_petugas_logs_in_and_replies_to_a_ticket(browser, live, world, rt):
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/console/login")
    screenshot(browser, "01-login")
    login(browser, live, "0812-9876-5432")
    screenshot(browser, "02-home-petugas")
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Tiket"))
    assert world.dinsos_ticket not in browser.page_source
    screenshot(browser, "03-ticket-queue")
    follow_link(browser, browser.find_element(By.LINK_TEXT, world.capil_ticket))
    browser.find_element(By.ID, "pesan").send_keys("Silakan datang hari Kamis, bawa KK asli.")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "textarea#pesan ~ button"))
    assert "Terkirim ke warga" in browser.page_source
    screenshot(browser, "04-ticket-replied")
    with rt.sessions() as s:
        body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == RESIDENT)).one()
    assert body.endswith("Silakan datang hari Kamis, bawa KK asli.")


def test_admin_moves_a_visit(browser, live, world, rt):
    from datetime import timedelta

    from selenium.webdriver.common.by import By

    from storage.models import Visit, VisitStatus

    login(browser, live, ADMIN)
    screenshot(browser, "05-home-admin")
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Jadwal"))
    with rt.sessions() as s:
        old_day = s.get(Visit, world.visit_id).tanggal
    if old_day.month != __import__("tests.whatsapp", fromlist=["jakarta_today"]).jakarta_today().month:
        browser.get(live.url + f"/console/jadwal?bulan={old_day:%Y-%m}")
    screenshot(browser, "06-schedule")
    row = browser.find_element(By.ID, f"kunjungan-{world.visit_id}")
    row.find_element(By.XPATH, ".//summary[contains(., 'Pindahkan')]").click()
    field = row.find_element(By.NAME, "tanggal")
    new_day = old_day + timedelta(days=7)
    browser.execute_script("arguments[0].value = arguments[1]", field, new_day.isoformat())
    submit_and_wait(browser, row.find_element(By.XPATH, ".//form[contains(@action, '/pindah')]//button"))
    assert f"Kunjungan #{world.visit_id} (Gempol) dipindah" in browser.page_source
    screenshot(browser, "07-visit-moved")
    with rt.sessions() as s:
        old = s.get(Visit, world.visit_id)
        assert old.status == VisitStatus.MOVED and old.moved_to.tanggal == new_day


def test_admin_exports_proposals(browser, live, world):
    import time as clock

    from selenium.webdriver.common.by import By

    folder = clear_downloads()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    login(browser, live, ADMIN)
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Usulan"))
    assert world.wonosunyo_proposal in browser.page_source
    screenshot(browser, "08-proposals")
    browser.find_element(By.ID, "export-csv").click()
    browser.find_element(By.ID, "export-xlsx").click()
    deadline = clock.monotonic() + 20  # waits for the files, not for a fixed time
    while clock.monotonic() < deadline:
        names = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".crdownload"))
        if any(n.endswith(".csv") for n in names) and any(n.endswith(".xlsx") for n in names):
            break
        clock.sleep(0.1)
    csv_file = next(folder.glob("usulan-*.csv"))
    assert world.wonosunyo_proposal in csv_file.read_text(encoding="utf-8-sig")
    assert next(folder.glob("usulan-*.xlsx")).stat().st_size > 1000


def test_admin_opens_an_event_report_and_sees_its_charts(browser, live, world, rt):
    from selenium.webdriver.common.by import By

    from tests.console.test_reports import _event_day

    _event_day(rt, world)
    login(browser, live, ADMIN)
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Laporan"))
    screenshot(browser, "09-summary")
    follow_link(browser, browser.find_element(By.PARTIAL_LINK_TEXT, f"#{world.visit_id} "))
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 5
    assert all(c.is_displayed() and c.size["width"] > 200 and c.size["height"] > 20 for c in charts)
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    assert any(float(b.get_attribute("width")) > 50 for b in bars)
    screenshot(browser, "10-event-report")
    follow_link(browser, browser.find_element(By.LINK_TEXT, "Siaran"))
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    screenshot(browser, "11-broadcasts")


def test_login_with_the_keyboard_only(browser, live, world):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live.url + "/console/login")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"  # first stop: skip to content
    active = browser.switch_to.active_element
    for _ in range(6):  # Tab until the phone field, as a keyboard user would
        if active.get_attribute("id") == "phone":
            break
        active.send_keys(Keys.TAB)
        active = browser.switch_to.active_element
    assert active.get_attribute("id") == "phone"
    active.send_keys(RINA, Keys.TAB)
    browser.switch_to.active_element.send_keys(PASSWORD)
    browser.execute_script("window.__kmOldPage = true")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda d: d.execute_script(
        "return window.__kmOldPage !== true && document.readyState === 'complete'"))
    assert browser.current_url == live.url + "/console/"
