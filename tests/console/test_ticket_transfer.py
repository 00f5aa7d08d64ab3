"""The ticket page's "Alihkan ke dinas lain" (issue #14): the console passes a ticket to another
dinas through the function `#KODE alihkan <dinas>` uses (handlers/transfer.py) — the same messages
to the resident and the new petugas, the same history. Flask client on SQLite and PostgreSQL, and
once in a real Chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Opd, OutboxMessage, Ticket, TicketEvent
from tests.console.browser import LiveServer, follow_link, make_driver, require_browser, screenshot, submit_and_wait
from tests.console.conftest import ADMIN, BUDI, PASSWORD, RESIDENT, RINA

LABEL = "Alihkan ke dinas lain"


def opd_id(rt, key: str) -> int:
    with rt.sessions() as s:
        return s.scalar(select(Opd.id).where(Opd.key == key))


def sent_to(rt, phone: str) -> list[str]:
    with rt.sessions() as s:
        return list(s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_phone == phone)
                              .order_by(OutboxMessage.id)))


def moves(rt, kode: str) -> list[tuple[str, str, str]]:
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.kode == kode)).one()
        return [(e.actor, e.staff.name if e.staff else None, e.note) for e in s.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.action == "pindah_dinas"))]


def transfer(console, kode: str, to: int, **kw):
    return console.post(f"/console/tiket/{kode}", {"action": "alihkan", "opd_id": str(to)}, **kw)


def test_petugas_passes_a_ticket_to_dinas_sosial(as_role, world, rt):
    rina = as_role(RINA)
    page = rina.get(f"/console/tiket/{world.capil_ticket}").get_data(as_text=True)
    assert LABEL in page and '<select id="alihkan" name="opd_id">' in page
    assert ">Dispendukcapil</option>" not in page  # not to where it already is
    response = transfer(rina, world.capil_ticket, opd_id(rt, "dinsos"))
    # No longer her dinas' ticket: back to her queue, with what happened.
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/tiket")
    html = rina.get("/console/tiket").get_data(as_text=True)
    assert f"✓ {world.capil_ticket} dialihkan ke Dinas Sosial, sekarang ditangani Pak Budi. Warga sudah dikabari." in html
    assert rina.get(f"/console/tiket/{world.capil_ticket}").status_code == 404

    assert sent_to(rt, RESIDENT)[-1] == (f"ℹ️ Tiket *{world.capil_ticket}* (KTP-el) sekarang ditangani *Dinas Sosial*. "
                                          f"Cek kapan saja: ketik *STATUS {world.capil_ticket}*.")
    assert sent_to(rt, BUDI)[-1].startswith(f"🔀 *{world.capil_ticket}* dialihkan dari Dispendukcapil (Bu Rina)")
    assert moves(rt, world.capil_ticket) == [("petugas", "Bu Rina", "Dispendukcapil → Dinas Sosial (Pak Budi)")]
    budi = as_role(BUDI).get(f"/console/tiket/{world.capil_ticket}").get_data(as_text=True)
    assert "pindah_dinas — Dispendukcapil → Dinas Sosial (Pak Budi)" in budi


def test_admin_moves_to_a_dinas_without_petugas(as_role, world, rt):
    admin = as_role(ADMIN)
    response = transfer(admin, world.dinsos_ticket, opd_id(rt, "dinkes"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "belum ada petugas Dinas Kesehatan yang aktif" in html
    assert moves(rt, world.dinsos_ticket) == [("admin", "Mbak Admin",
                                               "Dinas Sosial → Dinas Kesehatan (belum ada petugas)")]


def test_refused_other_dinas_unknown_dinas_closed_ticket(as_role, world, rt):
    budi = as_role(BUDI)
    assert transfer(budi, world.capil_ticket, opd_id(rt, "dinsos")).status_code == 404
    rina = as_role(RINA)
    html = transfer(rina, world.capil_ticket, 99999, follow_redirects=True).get_data(as_text=True)
    assert "Pilih dinas yang tersedia." in html
    html = transfer(rina, world.capil_ticket, opd_id(rt, "dispendukcapil"), follow_redirects=True).get_data(as_text=True)
    assert "Pilih dinas yang tersedia." in html
    rina.post(f"/console/tiket/{world.capil_ticket}", {"action": "status", "status": "selesai"})
    assert LABEL not in rina.get(f"/console/tiket/{world.capil_ticket}").get_data(as_text=True)
    assert moves(rt, world.capil_ticket) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_in_a_browser(app, world, rt):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    require_browser()
    driver = make_driver()
    try:
        with LiveServer(app) as live:
            driver.get(live.url + "/console/login")
            driver.find_element(By.ID, "phone").send_keys(RINA)
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/console/login'] button"))
            follow_link(driver, driver.find_element(By.LINK_TEXT, "Tiket"))
            follow_link(driver, driver.find_element(By.LINK_TEXT, world.capil_ticket))
            Select(driver.find_element(By.ID, "alihkan")).select_by_visible_text("Dinas Sosial")
            screenshot(driver, "20-ticket-transfer")
            submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#alihkan-form button[type=submit]"))
            assert f"{world.capil_ticket} dialihkan ke Dinas Sosial, sekarang ditangani Pak Budi" in driver.page_source
            assert driver.current_url == live.url + "/console/tiket"
            screenshot(driver, "21-ticket-transferred")
    finally:
        driver.quit()
    assert moves(rt, world.capil_ticket) == [("petugas", "Bu Rina", "Dispendukcapil → Dinas Sosial (Pak Budi)")]
