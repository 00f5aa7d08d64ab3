"""The console in a real Chromium at phone width: log in, reply to a ticket, move a visit, export
proposals, open an event report and see its charts. Screenshots: tests/artifacts/*.png."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.console.browser import (
    LiveServer, clear_downloads, follow_link, make_driver, require_browser, screenshot, submit_and_wait,
)
from tests.console.conftest import ADMIN, PASSWORD, RESIDENT, RINA


@pytest.fixture
def browser():
    require_browser()
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


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
