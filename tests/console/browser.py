"""A real Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium, against the app served
on a loopback port in a thread. Nothing is downloaded: the driver and browser paths are given, and
Selenium Manager is told to stay offline. Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE_VIEWPORT = (390, 844)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage")


def browser_available() -> str | None:
    """None when the browser can run here, else why not."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        return f"{CHROMIUM} / {CHROMEDRIVER} not installed (apt-get install chromium chromium-driver; .ci/run does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install -r requirements-dev.txt)"
    return None


def require_browser() -> None:
    reason = browser_available()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


def make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={PHONE_VIEWPORT[0]},{PHONE_VIEWPORT[1]}")
    prefs_dir = ARTIFACTS / "downloads"
    prefs_dir.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option("prefs", {"download.default_directory": str(prefs_dir),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def screenshot(driver, name: str) -> Path:
    """A full-page screenshot at phone width."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(PHONE_VIEWPORT[0], max(PHONE_VIEWPORT[1], min(int(height) + 120, 6000)))
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(*PHONE_VIEWPORT)
    return path


def clear_downloads() -> Path:
    folder = ARTIFACTS / "downloads"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def submit_and_wait(driver, button, timeout: float = 15) -> None:
    """Click a submit button (or link) and wait until the browser has loaded the page that answers it:
    the old document carries a mark that the new one does not."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__kmOldPage = true")
    button.click()
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        "return window.__kmOldPage !== true && document.readyState === 'complete'"))


def follow_link(driver, link, timeout: float = 15) -> None:
    submit_and_wait(driver, link, timeout)


# The two fixtures of a browser test; its module imports them.
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
