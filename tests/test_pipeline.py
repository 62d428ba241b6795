"""The follow path end to end against the local newsroom: fetch, extract, store, schedule."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from fixtures.newsroom import (
    PRIVATE_PATH,
    SEED_PATH,
    STABLE_PATH,
    TYPO_PATH,
    Newsroom,
    newsroom_settings,
)

from storyline import pipeline
from storyline.errors import FeedError
from storyline.model import Article
from storyline.revisions import compare_articles
from storyline.sources.fetch import Fetcher
from storyline.store import Store
from storyline.stories.entities import shared_pipeline


@pytest.fixture
def settings():
    return newsroom_settings(poll_workers=4)


@pytest.fixture
def store(tmp_path, settings):
    with Store.open(tmp_path / "news.db", settings) as s:
        yield s


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings) as f:
        yield f


def _kinds(store, url):
    return [[c.kind for c in store.changes(v.id)] for v in store.versions(url)]


def test_follow_a_home_page_finds_its_feed(newsroom, store, fetcher):
    source = pipeline.follow(store, fetcher, newsroom.url("/"))
    assert source.kind == "feed" and source.url.endswith("/feeds/rss.xml")
    assert source.origin_url == newsroom.url("/") and source.title
    assert store.source(newsroom.url("/")).id == source.id


def test_follow_detects_feeds_sitemaps_and_articles(newsroom, store, fetcher):
    assert pipeline.follow(store, fetcher, newsroom.url("/feeds/atom.xml")).kind == "feed"
    sitemap = pipeline.follow(store, fetcher, newsroom.url("/sitemap.xml"), every=3600)
    assert sitemap.kind == "sitemap" and sitemap.interval_s == 3600
    article = pipeline.follow(store, fetcher, newsroom.url(STABLE_PATH))
    assert article.kind == "article"
    assert len(store.versions(newsroom.url(STABLE_PATH))) == 1  # stored on first sight
    with pytest.raises(FeedError):
        pipeline.follow(store, fetcher, newsroom.url("/feeds/broken.xml"))


def test_seed_story_gets_two_versions_typo_is_copy_edit_robots_obeyed(
    newsroom, store, fetcher, settings
):
    pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
    first = pipeline.poll(store, fetcher, settings)
    assert first.new_pages == len(newsroom.article_urls()) and first.new >= 4
    second = pipeline.poll(store, fetcher, settings, visit_all=True)
    assert second.changed >= 2
    seed = store.versions(newsroom.url(SEED_PATH))
    assert [v.article.title for v in seed] == [
        "Danish troops may be leaving Mali",
        "UPDATE: Danish troops leaving Mali",
    ]
    assert {"headline", "update_added"} <= set(_kinds(store, newsroom.url(SEED_PATH))[1])
    assert "copy_edit" in _kinds(store, newsroom.url(TYPO_PATH))[1]
    assert newsroom.requests_for(PRIVATE_PATH) == []
    blocked = store.page(newsroom.url(PRIVATE_PATH))
    assert "robots.txt" in blocked.last_error and blocked.failures == 2
    assert any(url.endswith(PRIVATE_PATH) for url, _ in second.failures)


def test_poll_threads_what_it_stored_into_stories(newsroom, store, fetcher, settings):
    from storyline.store.stories import stories, story_of

    pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
    report = pipeline.poll(store, fetcher, settings)
    assert report.stories_written >= 1
    seed_story = story_of(store, newsroom.url(SEED_PATH))
    assert seed_story is not None and newsroom.url(SEED_PATH) in seed_story.articles
    idle = pipeline.poll(store, fetcher, settings)  # nothing new: nothing rewritten
    assert idle.stories_written == 0
    assert len(stories(store)) >= 1


def test_conditional_requests_and_304_add_nothing(newsroom, store, fetcher, settings):
    pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
    for _ in range(3):  # the last pages settle on their final version
        pipeline.poll(store, fetcher, settings, visit_all=True)
    counts = store.counts()
    page = store.page(newsroom.url(STABLE_PATH))
    assert page.etag and page.last_modified
    report = pipeline.poll(store, fetcher, settings, visit_all=True)
    assert report.not_modified == len(newsroom.article_urls()) - 1  # all but the private page
    assert report.new == report.changed == report.unchanged == 0
    assert store.counts() == counts
    last = newsroom.requests_for(STABLE_PATH)[-1]
    assert last.headers["if-none-match"] == page.etag
    assert newsroom.requests_for("/feeds/rss.xml")[-1].headers.get("if-none-match")


def test_next_visit_follows_the_schedule(newsroom, store, fetcher, settings):
    pipeline.follow(store, fetcher, newsroom.url(STABLE_PATH))
    page = store.page(newsroom.url(STABLE_PATH))
    assert page.first_seen + timedelta(minutes=10) < page.next_visit_at
    assert page.next_visit_at < page.first_seen + timedelta(hours=2)
    assert pipeline.poll(store, fetcher, settings).pages_visited == 0  # nothing due yet
    assert store.next_due() == page.next_visit_at  # so watch sleeps until then


def test_slow_broken_and_huge_pages_do_not_hold_up_the_others(tmp_path):
    settings = newsroom_settings(
        poll_workers=4, fetch_timeout=1.0, fetch_retries=0, fetch_max_bytes=2_000_000
    )
    with (
        Newsroom(slow_delay=60.0) as room,
        Store.open(tmp_path / "n.db", settings) as store,
        Fetcher(settings) as fetcher,
    ):
        now = datetime.now(UTC)
        for path in ("/slow", "/flaky", "/huge", "/loop", STABLE_PATH, TYPO_PATH):
            store.add_page(room.url(path), first_seen=now)
        shared_pipeline(settings.entities_model)  # loaded once per process, not timed here
        started = time.monotonic()
        report = pipeline.poll(store, fetcher, settings)
        # the 60 s page was given up at its 1 s deadline (a generous bound: the machine may
        # be loaded; without the deadline the pass would take the whole minute)
        assert time.monotonic() - started < 30
        failed = {url.rsplit("/", 1)[-1]: error for url, error in report.failures}
        assert set(failed) == {"slow", "flaky", "huge", "loop"}
        assert report.new == 2
        huge = store.page(room.url("/huge"))
        assert huge.failures == 1 and huge.next_visit_at > now
        retry = pipeline.poll(store, fetcher, settings, visit_all=True)
        assert room.url("/flaky") not in {url for url, _ in retry.failures}  # retried, now fine
        assert len(store.versions(room.url("/flaky"))) == 1


def test_watch_stops_cleanly_when_asked(newsroom, store, fetcher, settings):
    pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
    stop = threading.Event()
    reports = []

    def on_report(report):
        reports.append(report)
        stop.set()

    passes = pipeline.watch(store, fetcher, settings, stop, on_report=on_report, max_sleep=0.1)
    assert passes == 1 and reports[0].new >= 4


def test_reextract_replaces_articles_from_the_stored_pages(newsroom, store, fetcher):
    pipeline.follow(store, fetcher, newsroom.url(SEED_PATH))
    version = store.versions(newsroom.url(SEED_PATH))[0]
    store.replace_article(version.id, Article(title="Worse"), compare=compare_articles)
    assert store.version_by_id(version.id).article.title == "Worse"
    assert pipeline.reextract(store) == 1
    assert store.version_by_id(version.id).article.title == "Danish troops may be leaving Mali"
    assert pipeline.reextract(store) == 0


def test_sitemap_pages_older_than_the_revisit_window_are_left_out(
    newsroom, store, fetcher, settings
):
    from fixtures.newsroom_pages import BASE_DATE

    source = pipeline.follow(store, fetcher, newsroom.url("/sitemap-index.xml"))
    assert source.kind == "sitemap"
    today = pipeline.poll(store, fetcher, settings, now=datetime.now(UTC))
    assert today.sources_polled == 1 and today.new_pages == 0  # the 2022 pages are too old
    store.update_source_fetch(source.id, next_visit_at=BASE_DATE, etag=None, last_modified=None)
    back_then = pipeline.poll(store, fetcher, settings, now=BASE_DATE + timedelta(days=1))
    assert back_then.new_pages == len(newsroom.article_urls())


def test_a_feed_that_breaks_is_reported_and_backed_off(newsroom, store, fetcher, settings):
    good = pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
    broken = store.add_source(newsroom.url("/feeds/broken.xml"), "feed", 900)
    now = datetime.now(UTC)
    report = pipeline.poll(store, fetcher, settings, now=now)
    assert [url for url, _ in report.failures if "broken" in url] == [broken.url]
    assert report.sources_polled == 2 and report.new_pages == len(newsroom.article_urls())
    after = store.source(broken.url)
    assert after.failures == 1 and after.next_visit_at > now and after.last_error
    assert store.source(good.url).failures == 0
