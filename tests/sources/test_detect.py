"""detect_kind: feed, sitemap, article or home page, from the fetched bytes."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import FeedError
from storyline.sources.detect import detect_kind
from storyline.sources.fetch import FetchResult

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EXTRACTION = SHARED / "data" / "extraction"


def result(
    content: bytes, content_type: str = "text/html", url: str = "https://news.example/2022/01/story"
) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        status=200,
        content=content,
        headers={"content-type": content_type},
        content_type=content_type,
        etag=None,
        last_modified=None,
        fetched_at=datetime.now(UTC),
        not_modified=False,
    )


@pytest.mark.parametrize(
    ("data", "ctype"),
    [
        (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "application/rss+xml"),
        (b"<rss version='0.91'><channel/></rss>", "text/html"),  # mislabelled, sniffed
        (
            b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'/>",
            "application/xml",
        ),
        (
            b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
            "application/rdf+xml",
        ),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json"),
    ],
)
def test_feeds(data, ctype):
    assert detect_kind(result(data, ctype)) == "feed"


@pytest.mark.parametrize(
    "data",
    [
        b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>",
        b"<sitemapindex><sitemap><loc>https://a.example/s.xml</loc></sitemap></sitemapindex>",
        gzip.compress(b"<urlset><url><loc>https://a.example/x</loc></url></urlset>"),
    ],
)
def test_sitemaps(data):
    assert detect_kind(result(data, "application/xml")) == "sitemap"


def test_plain_text_list_of_urls_is_a_sitemap():
    data = b"https://a.example/1\nhttps://a.example/2\n"
    assert detect_kind(result(data, "text/plain")) == "sitemap"


def test_plain_text_story_is_an_article():
    seed = (SHARED / "seed" / "danish-troops-leaving-mali.txt").read_bytes()
    assert detect_kind(result(seed, "text/plain")) == "article"


@pytest.mark.parametrize(
    ("data", "ctype"),
    [
        (b"this is not a feed at all", "application/rss+xml"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (b'{"hello": "world"}', "application/json"),
        (b"{broken", "application/json"),
    ],
)
def test_neither_feed_nor_sitemap_raises(data, ctype):
    with pytest.raises(FeedError):
        detect_kind(result(data, ctype))


def test_article_signals():
    og = b'<html><head><meta property="og:type" content="article"></head><body></body></html>'
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"], "headline": "x"}],
        }
    ).encode()
    ld_page = b'<html><head><script type="application/ld+json">' + ld + b"</script></head></html>"
    meta = b'<html><head><meta property="article:published_time" content="2022"></head></html>'
    long_article = b"<html><body><article>" + b"<p>words words</p>" * 60 + b"</article></html>"
    for page in (og, ld_page, meta, long_article):
        assert detect_kind(result(page)) == "article"


def homepage(n_links: int) -> bytes:
    links = "".join(f'<li><a href="/news/2022/story-{i}">S {i}</a></li>' for i in range(n_links))
    return f"<html><head><title>Front</title></head><body><ul>{links}</ul></body></html>".encode()


def test_homepage_signals():
    assert detect_kind(result(homepage(40))) == "homepage"
    assert detect_kind(result(homepage(3))) == "article"
    root = result(b"<html><body><p>Welcome</p></body></html>", url="https://news.example/")
    assert detect_kind(root) == "homepage"
    website = b'<html><head><meta property="og:type" content="website"></head></html>'
    assert detect_kind(result(website)) == "homepage"
    cards = b"<html><body>" + b"<article><h2>Teaser</h2></article>" * 5 + b"</body></html>"
    assert detect_kind(result(cards)) == "homepage"
    feeds_only = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
        b"</head><body><p>Section front</p></body></html>"
    )
    assert detect_kind(result(feeds_only, url="https://news.example/world")) == "homepage"


def test_every_real_news_page_is_an_article():
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    kinds = {}
    for page_id, item in truth.items():
        data = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes())
        kinds[page_id] = detect_kind(result(data, url=item["url"]))
    wrong = {k: v for k, v in kinds.items() if v != "article"}
    assert len(kinds) == 82 and wrong == {}


def test_newsroom_kinds(newsroom, newsroom_fetcher):
    def kind(path: str) -> str:
        return detect_kind(newsroom_fetcher.fetch(newsroom.url(path)))

    assert kind("/") == "homepage"
    assert kind("/feeds/rss.xml") == kind("/feeds/atom.xml") == kind("/feeds/feed.json") == "feed"
    assert kind("/sitemap.xml") == kind("/sitemap-index.xml") == "sitemap"
    assert kind("/news/2022/01/ferry-timetable-unchanged") == "article"
    with pytest.raises(FeedError, match="not XML"):
        kind("/feeds/broken.xml")


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=1500),
    st.sampled_from(["text/html", "application/xml", "text/plain", "application/json", ""]),
)
def test_arbitrary_bytes_give_a_kind_or_feed_error(data, ctype):
    try:
        assert detect_kind(result(data, ctype)) in ("feed", "sitemap", "article", "homepage")
    except FeedError:
        pass
