"""The reader's web UI in headless Chromium against the real server on 127.0.0.1: paging
through every story, a diff page whose text never overlaps at desktop and phone widths,
"2 new changes" on a followed story after the newsroom's article changes (and none once
opened), and an axe-core accessibility scan of the main pages."""

from __future__ import annotations

import json

import pytest
from browsing import axe_violations, chrome, serving, set_width, shot
from fixtures.databases import benchmark_database, copy_database
from fixtures.newsroom import SEED_PATH, TYPO_PATH, Newsroom, newsroom_settings
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from storyline import pipeline
from storyline.pipeline.stories import rethread
from storyline.sources.fetch import Fetcher
from storyline.store import Store

pytestmark = pytest.mark.slow

# Every pair of these that is not one inside the other must not share a pixel: line
# boxes (getClientRects) for inline text, so wrapped runs are compared line by line.
_OVERLAPS = """
const selector = arguments[0];
const els = [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length);
const boxes = els.map(e => [...e.getClientRects()].filter(r => r.width > 0 && r.height > 0));
const bad = [];
for (let i = 0; i < els.length; i++) {
  for (let j = i + 1; j < els.length; j++) {
    if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
    for (const a of boxes[i]) for (const b of boxes[j]) {
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) bad.push([els[i].outerHTML.slice(0, 80), els[j].outerHTML.slice(0, 80)]);
    }
  }
}
return bad.slice(0, 10);
"""
_TEXT = (
    "h1, h2, h3, p.meta, p.summary, .diff-form label, .change-label, .change-text, "
    ".col h3, .diff-part .text del, .diff-part .text ins"
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chrome(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


@pytest.fixture(scope="module")
def news_server(news_db, tmp_path_factory):
    path = copy_database(news_db.path, tmp_path_factory.mktemp("reader") / "news.db")
    with Store.open(path) as store, serving(store, newsroom_settings()) as url:
        yield url


def _overlaps(driver) -> list:
    return driver.execute_script(_OVERLAPS, _TEXT)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_diff_page_has_no_overlapping_text(browser, news_server, news_db, width):
    set_width(browser, width)
    for view in ("side", "inline"):
        browser.get(f"{news_server}/articles/{news_db.seed_id}/diff?a=1&b=2&view={view}")
        labels = browser.find_elements(By.CSS_SELECTOR, ".change-label")
        assert {"Headline changed", "Update added"} <= {e.text for e in labels}
        assert _overlaps(browser) == [], (width, view)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, (width, view, overflow)
        side = browser.find_elements(By.CSS_SELECTOR, ".side")
        narrow = browser.find_elements(By.CSS_SELECTOR, ".narrow-inline")
        if view == "side" and width < 640:  # a phone gets the inline diff
            assert side and not any(e.is_displayed() for e in side)
            assert any(e.is_displayed() for e in narrow)
        elif view == "side":
            assert any(e.is_displayed() for e in side)
        shot(browser, f"diff-{view}-{width}")


def test_a_deletion_and_its_insertion_stay_apart_inline(browser, news_server, news_db):
    set_width(browser, 1280)
    browser.get(f"{news_server}/articles?url={news_db.room_base}{TYPO_PATH}")  # finds it
    assert "/articles/" in browser.current_url and "budget" in browser.title.lower()
    browser.get(browser.current_url + "/diff?view=inline")  # "aproved" → "approved"
    gaps = browser.execute_script(
        "return [...document.querySelectorAll('ins.apart')].map(i => {"
        " const d = i.previousElementSibling; const a = d.getClientRects(), b = i.getClientRects();"
        " const l = a[a.length - 1], f = b[0];"
        " return Math.abs(l.top - f.top) < 2 ? f.left - l.right : 99; })"
    )
    assert gaps and all(gap >= 3 for gap in gaps), gaps


@pytest.fixture(scope="module")
def story_server(tmp_path_factory):
    path = benchmark_database(tmp_path_factory.mktemp("list") / "stories.db", 400, 1200)
    with Store.open(path) as store, serving(store, newsroom_settings()) as url:
        yield url


def test_the_stories_list_pages_through_every_story(browser, story_server):
    set_width(browser, 1280)
    browser.get(story_server + "/stories")
    count = browser.find_element(By.CSS_SELECTOR, "p.count").text
    total = int(count.split(" of ")[1].split()[0])
    titles: list[str] = []
    for _ in range(50):
        titles += [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".story-card h3 a")]
        following = browser.find_elements(By.CSS_SELECTOR, "a[rel=next]")
        if not following:
            break
        following[0].click()
    assert len(titles) == total and total > 20
    browser.find_element(By.LINK_TEXT, "← First page").click()
    assert browser.find_element(By.CSS_SELECTOR, "p.count").text.startswith("Stories 1–20 of")


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """A newsroom whose pages change only when the test says so, followed and polled."""
    settings = newsroom_settings()
    path = tmp_path_factory.mktemp("follow") / "news.db"
    with Newsroom(advance="manual") as room, Store.open(path) as store:
        with Fetcher(settings) as fetcher:
            pipeline.follow(store, fetcher, room.url("/feeds/rss.xml"))
            pipeline.poll(store, fetcher, settings, visit_all=True)
        rethread(store)
        with serving(store, settings) as url:
            yield room, store, settings, url


def _poll(store, settings) -> None:
    with Fetcher(settings) as fetcher:
        pipeline.poll(store, fetcher, settings, visit_all=True)


def test_a_followed_story_shows_its_new_changes_until_opened(browser, followed):
    room, store, settings, url = followed
    set_width(browser, 1280)
    seed = store.page(room.url(SEED_PATH)).id
    browser.get(f"{url}/articles/{seed}")
    browser.find_element(By.CSS_SELECTOR, ".meta a[href^='/stories/']").click()
    story_url = browser.current_url
    browser.find_element(By.ID, "follow-toggle").click()  # a form post: the page reloads
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda b: "Following" in b.find_element(By.ID, "follow-toggle").text
    )
    browser.get(url + "/news")
    assert "no new changes" in browser.find_element(By.CSS_SELECTOR, ".followed-item").text

    room.advance(SEED_PATH)  # the newsroom updates the story: new headline, update block
    _poll(store, settings)
    browser.get(url + "/")
    card = next(
        e for e in browser.find_elements(By.CSS_SELECTOR, ".story-card") if "Mali" in e.text
    )
    assert card.find_element(By.CSS_SELECTOR, ".news-badge").text == "2 new changes"
    browser.get(url + "/news")
    item = browser.find_element(By.CSS_SELECTOR, ".followed-item")
    assert "2 new changes" in item.text
    labels = [e.text for e in item.find_elements(By.CSS_SELECTOR, ".change-label")]
    assert sorted(labels) == ["Headline changed", "Update added"]
    shot(browser, "news-1280")

    browser.get(story_url)  # opening the story marks it seen
    browser.get(url + "/news")
    item = browser.find_element(By.CSS_SELECTOR, ".followed-item")
    assert "no new changes" in item.text and not item.find_elements(By.CSS_SELECTOR, ".news-badge")
    browser.get(url + "/")
    assert not browser.find_elements(By.CSS_SELECTOR, ".news-badge")


def test_no_serious_accessibility_violations_on_the_main_pages(browser, news_server, news_db):
    set_width(browser, 1280)
    browser.get(f"{news_server}/articles/{news_db.seed_id}")
    story = browser.find_element(By.CSS_SELECTOR, ".meta a[href^='/stories/']").get_attribute(
        "href"
    )
    pages = [
        "/",
        "/stories?min_articles=1",
        story,
        f"/articles/{news_db.seed_id}",
        f"/articles/{news_db.seed_id}/diff?a=1&b=2",
        f"/articles/{news_db.seed_id}/diff?a=1&b=2&view=inline",
        "/articles",
        "/news",
        "/search?q=Mali",
        "/sources",
        "/api/docs",
    ]
    found = {}
    for page in pages:
        browser.get(page if page.startswith("http") else news_server + page)
        violations = axe_violations(browser)
        if violations:
            found[page] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_the_api_docs_page_shows_paths_as_written(browser, news_server):
    set_width(browser, 1280)
    browser.get(news_server + "/api/docs")
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "section.api-op h2 code")]
    assert "/api/stories/{story_id}" in shown  # not "/API/STORIES/{STORY_ID}"
