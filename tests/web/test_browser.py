"""The web UI in headless Chromium (Debian's chromium + chromedriver, driven by Selenium)
against the real server on 127.0.0.1: home → story/article → two versions → diff, and
following a new source through the form. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from storyline.store import Store
from storyline.web.app import create_app

CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (shutil.which("chromium") and CHROMEDRIVER.exists()):
    pytest.skip(
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(news_db, tmp_path_factory) -> Iterator[str]:
    """The real app under uvicorn in a thread, over a copy of the filled database."""
    from fixtures.newsroom import newsroom_settings

    path = tmp_path_factory.mktemp("browser") / "news.db"
    with sqlite3.connect(news_db.path) as source, sqlite3.connect(path) as target:
        source.backup(target)
    store = Store.open(path)
    port = _free_port()
    app = create_app(store, newsroom_settings(), token="")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"web-{name}.png"))


def _wait(driver):
    return WebDriverWait(driver, 10)


def test_home_to_article_to_diff(browser, server, news_db):
    browser.get(server + "/")
    assert "Developing stories" in browser.find_element(By.TAG_NAME, "h1").text
    _shot(browser, "home")
    mali = [
        a for a in browser.find_elements(By.CSS_SELECTOR, ".story-card h3 a") if "Mali" in a.text
    ]
    assert len(mali) == 1, "the seed's story is on the home page"
    mali[0].click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".timeline")))
    assert browser.find_element(By.CSS_SELECTOR, "svg.timeline-chart").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, ".timeline li.ev-update")
    _shot(browser, "story")
    browser.find_element(By.LINK_TEXT, "UPDATE: Danish troops leaving Mali").click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.sec-update")))
    assert browser.current_url.endswith(f"/articles/{news_db.seed_id}")
    update = browser.find_element(By.CSS_SELECTOR, "section.sec-update")
    assert update.is_displayed() and "decided to withdraw" in update.text
    _shot(browser, "article")
    browser.find_element(By.CSS_SELECTOR, "input[name=a][value='1']").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=b][value='2']").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=view][value=inline]").click()
    browser.find_element(By.ID, "compare").click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".diff-part")))
    assert "Changes from version 1 to version 2" in browser.find_element(By.TAG_NAME, "h1").text
    first = browser.find_element(By.CSS_SELECTOR, ".diff-part")
    assert "headline" in first.get_attribute("class")
    assert "UPDATE" in " ".join(e.text for e in first.find_elements(By.TAG_NAME, "ins"))
    _shot(browser, "diff-inline")
    browser.find_element(By.CSS_SELECTOR, "input[name=view][value=side]").click()
    browser.find_element(By.CSS_SELECTOR, ".diff-form button").click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".side")))
    _shot(browser, "diff-side")


def test_follow_a_new_source_through_the_form(browser, server, news_db):
    browser.get(server + "/sources")
    field = browser.find_element(By.NAME, "url")
    field.send_keys(news_db.room_base + "/feeds/atom.xml")
    browser.find_element(By.NAME, "every").send_keys("20")
    browser.find_element(By.ID, "follow").click()
    status = _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".flash.ok")))
    assert "Now following" in status.text and "/feeds/atom.xml" in status.text
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sources tbody tr")
    assert any("atom.xml" in row.text and "20 min" in row.text for row in rows)
    _shot(browser, "sources")


def test_pages_raise_no_javascript_errors(browser, server, news_db):
    for path in ("/", f"/articles/{news_db.seed_id}", "/search?q=Mali", "/api/docs"):
        browser.get(server + path)
        _shot(browser, "page" + path.replace("/", "-").replace("?", "-").replace("=", "-"))
        logs = browser.get_log("browser")
        severe = [entry for entry in logs if entry["level"] == "SEVERE"]
        assert severe == [], (path, severe)
