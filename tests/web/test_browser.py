"""The web UI in headless Chromium (Debian's chromium + chromedriver, driven by Selenium)
against the real server on 127.0.0.1: home → story/article → two versions → diff, and
following a new source through the form. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsing import ARTIFACTS, chrome, serving
from fixtures.databases import copy_database
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from storyline.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(news_db, tmp_path_factory) -> Iterator[str]:
    """The real app under uvicorn in a thread, over a copy of the filled database."""
    from fixtures.newsroom import newsroom_settings

    path = copy_database(news_db.path, tmp_path_factory.mktemp("browser") / "news.db")
    with Store.open(path) as store, serving(store, newsroom_settings()) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[object]:
    with chrome(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


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
