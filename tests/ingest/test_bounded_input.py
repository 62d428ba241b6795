"""Bounded, checked input (issue #17): only http(s) URLs become article URLs, whatever
the source, and the web app links nothing else; a feed gives at most ``feed_max_items``
entries per poll, the newest first, and says so; ETag and Last-Modified are each kept
until an answer replaces them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from fixtures.hostile import GOOD_ARTICLE, PageServer
from fixtures.newsroom import newsroom_settings
from ingest_helpers import Rec, write_warc
from sources.fakes import FakeClock, public_resolver

from storyline import pipeline
from storyline.extract import extract_article
from storyline.revisions import compare_articles
from storyline.sources.archives import input_files, read_captures
from storyline.sources.captures import Capture, Rejected
from storyline.sources.fetch import Fetcher
from storyline.sources.fetched import is_web_url
from storyline.store import Store
from storyline.web.app import create_app

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "vbscript:msgbox",
    "//no-scheme.example/a",
    "http://",
    "http://bad:port/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_absolute_http_urls_are_web_urls(url):
    assert not is_web_url(url)


def test_is_web_url_accepts_http_and_https():
    assert is_web_url("https://news.example/a?b=1") and is_web_url("HTTP://news.example")


def _kinds(*paths):
    found = list(read_captures(input_files(paths), 10_000_000))
    urls = [c.url for c in found if isinstance(c, Capture)]
    return urls, sorted(r.kind for r in found if isinstance(r, Rejected))


def test_jsonl_sidecars_and_warc_refuse_other_schemes(tmp_path):
    page = GOOD_ARTICLE
    lines = [{"url": url, "html": page} for url in HOSTILE_URLS[:3]]
    lines.append({"url": "https://news.example/ok", "html": page})
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_text(page)
    (folder / "a.html.json").write_text(json.dumps({"url": "javascript:alert(1)"}))
    (folder / "b.html").write_text(page)
    (folder / "b.html.url").write_text("data:text/html,hi\n")
    warc = write_warc(
        tmp_path / "w.warc.gz",
        [
            Rec("javascript:alert(1)", "2024-03-01T09:00:00Z", page.encode()),
            Rec("https://news.example/w", "2024-03-01T09:00:00Z", page.encode()),
        ],
    )
    urls, kinds = _kinds(jsonl, folder, warc)
    assert urls == ["https://news.example/ok", "https://news.example/w"]
    assert kinds == ["bad_url"] * 6


def test_the_web_app_links_no_other_scheme(tmp_path):
    settings = newsroom_settings()
    with Store.open(tmp_path / "w.db", settings) as store:
        article = extract_article(GOOD_ARTICLE, url="javascript:alert(1)")
        store.store_version(
            "javascript:alert(1)", datetime.now(UTC), article, compare=compare_articles
        )  # an old store
        store.add_source("javascript:alert(2)", "feed", 900)
        with TestClient(create_app(store, settings)) as client:
            page_id = client.get("/api/articles").json()["items"][0]["id"]
            for path in (f"/articles/{page_id}", "/sources"):
                html = client.get(path).text
                assert 'href="javascript:' not in html.lower(), path


def _rss(count: int, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>/news/{i}</link>"
        f"<pubDate>{format_datetime(now - timedelta(hours=i))}</pubDate></item>"
        for i in reversed(range(count))  # oldest first: the limit must sort by date
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Busy</title>"
        f"<link>/</link>{items}</channel></rss>"
    ).encode()


def test_a_feed_gives_at_most_feed_max_items_the_newest(tmp_path):
    now = datetime.now(UTC)
    settings = newsroom_settings(feed_max_items=10)
    with (
        PageServer({"/rss.xml": _rss(60, now)}, content_type="application/rss+xml") as site,
        Store.open(tmp_path / "f.db", settings) as store,
        Fetcher(settings) as fetcher,
    ):
        store.add_source(site.url("/rss.xml"), "feed", 900, now=now)
        report = pipeline.PollReport()
        source = store.sources()[0]
        assert pipeline.poll_source(store, fetcher, source, now, settings, report) == 10
        followed = {page.url for page in store.pages_followed()}
        assert followed == {site.url(f"/news/{i}") for i in range(10)}
        assert report.problems == {"feed_limit": 1}


def test_validators_are_each_kept_until_replaced(tmp_path):
    answers = iter(
        [
            httpx.Response(
                200,
                headers={
                    "Content-Type": "text/html",
                    "ETag": '"v1"',
                    "Last-Modified": "Fri, 01 Mar 2024 09:00:00 GMT",
                },
                text=GOOD_ARTICLE,
            ),
            httpx.Response(304, headers={"ETag": '"v1"'}),  # no Last-Modified this time
            httpx.Response(
                200,
                headers={"Content-Type": "text/html", "ETag": '"v2"'},  # no Last-Modified
                text=GOOD_ARTICLE.replace("Paragraph 1 ", "Paragraph one "),
            ),
        ]
    )
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        sent.append(dict(request.headers))
        return next(answers)

    settings = newsroom_settings(allow_private=False)
    url = "https://news.example/a"
    with (
        Store.open(tmp_path / "v.db", settings) as store,
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        Fetcher(settings, client, clock=FakeClock(), resolver=public_resolver) as fetcher,
    ):
        now = datetime.now(UTC)
        for _ in range(3):
            pipeline.visit_page(store, fetcher, store.add_page(url, first_seen=now), now)
        page = store.page(url)
    assert page.etag == '"v2"'
    assert page.last_modified == "Fri, 01 Mar 2024 09:00:00 GMT"  # kept through both
    assert sent[2]["if-modified-since"] == "Fri, 01 Mar 2024 09:00:00 GMT"
