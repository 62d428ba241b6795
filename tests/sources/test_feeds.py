"""Feed parsing (RSS 0.9x/1.0/2.0, Atom, JSON Feed) and feed discovery."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import FeedError
from storyline.sources.feeds import discover_feeds, parse_feed

BASE = "https://news.example/feeds/main.xml"

RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old Times</title><link>https://news.example/</link>
<description>d</description><language>en</language>
<item><title>Caf\xe9 opens</title><link>https://news.example/cafe</link>
<description>A caf\xe9 &amp; bar.</description></item>
</channel></rss>"""

RSS_092 = b"""<?xml version="1.0"?><rss version="0.92"><channel><title>T</title>
<link>https://news.example/</link><description>d</description>
<item><title>One</title><link>https://news.example/one</link></item>
<item><description>No title here</description><link>https://news.example/two</link></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>RDF News</title><link>https://news.example/</link>
<description>d</description><items><rdf:Seq><rdf:li resource="https://news.example/r1"/></rdf:Seq>
</items></channel>
<item rdf:about="https://news.example/r1"><title>RDF item</title><link>https://news.example/r1</link>
<dc:date>2022-01-27T10:15:00+01:00</dc:date></item>
</rdf:RDF>"""

RSS_20 = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Main</title><link>https://news.example/</link><description>d</description>
<item><title>UPDATE: Danish troops leaving Mali</title><link>/news/mali</link>
<pubDate>Thu, 27 Jan 2022 10:15:00 +0100</pubDate>
<description>&lt;p&gt;The &lt;b&gt;government&lt;/b&gt; has decided.&lt;/p&gt;</description></item>
<item><title>No link at all</title><description>skipped</description></item>
<item><title>Duplicate</title><link>https://news.example/news/mali</link></item>
<item><title>Mail</title><link>mailto:desk@news.example</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Atom News</title>
<id>urn:x</id><updated>2022-01-27T09:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:1</id>
<link rel="edit" href="https://news.example/edit/1"/>
<link rel="alternate" type="text/html" href="https://news.example/bridge"/>
<published>2022-01-26T08:00:00Z</published><updated>2022-01-27T08:00:00Z</updated>
<summary type="html">&lt;em&gt;Cars&lt;/em&gt; are back.</summary></entry>
<entry><title>Only updated</title><id>https://news.example/only-updated</id>
<updated>2022-01-28T08:00:00Z</updated></entry>
</feed>"""


def json_feed(version: str = "1.1", **extra) -> bytes:
    doc = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "JSON News",
        "items": [
            {
                "id": "1",
                "url": "https://news.example/j1",
                "title": "First",
                "date_published": "2022-01-27T10:15:00+01:00",
                "summary": "Sum",
            },
            {"id": "https://news.example/j2", "content_text": "no url, id is a URL"},
            {"id": "3", "external_url": "/j3", "title": "Relative external"},
            {"id": "4", "title": "No URL at all"},
            "not an object",
        ],
        **extra,
    }
    return json.dumps(doc).encode()


def test_rss_091_with_latin1_and_doctype():
    feed = parse_feed(RSS_091, BASE)
    assert feed.format == "rss091n"
    assert feed.title == "Old Times"
    [entry] = feed.entries
    assert entry.title == "Café opens" and entry.summary == "A café & bar."


def test_rss_092_entry_without_title():
    feed = parse_feed(RSS_092, BASE)
    assert feed.format == "rss092"
    assert [e.url for e in feed.entries] == ["https://news.example/one", "https://news.example/two"]
    assert feed.entries[1].title is None


def test_rss_10_rdf():
    feed = parse_feed(RSS_10, BASE)
    assert feed.format == "rss10" and feed.title == "RDF News"
    [entry] = feed.entries
    assert entry.url == "https://news.example/r1"
    assert entry.published == "2022-01-27T09:15:00+00:00"


def test_rss_20_resolves_skips_and_strips():
    feed = parse_feed(RSS_20, BASE)
    assert feed.format == "rss20"
    assert [e.url for e in feed.entries] == ["https://news.example/news/mali"]
    entry = feed.entries[0]
    assert entry.title == "UPDATE: Danish troops leaving Mali"
    assert entry.summary == "The government has decided."
    assert entry.published == "2022-01-27T09:15:00+00:00"


def test_atom_uses_the_alternate_link_and_falls_back_to_updated():
    feed = parse_feed(ATOM, BASE)
    assert feed.format == "atom10" and feed.title == "Atom News"
    first, second = feed.entries
    assert first.url == "https://news.example/bridge"
    assert first.published == "2022-01-26T08:00:00+00:00"
    assert first.summary == "Cars are back."
    assert second.url == "https://news.example/only-updated"
    assert second.published == "2022-01-28T08:00:00+00:00"


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version):
    feed = parse_feed(json_feed(version), BASE)
    assert feed.format == f"json{version}" and feed.title == "JSON News"
    assert [e.url for e in feed.entries] == [
        "https://news.example/j1",
        "https://news.example/j2",
        "https://news.example/j3",
    ]
    assert feed.entries[0].published == "2022-01-27T10:15:00+01:00"
    assert feed.entries[0].summary == "Sum"


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a feed at all, just words { and < braces",
        b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
        b"",
        b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>x</loc></url></urlset>",
        b'{"version": "1.0", "items": []}',
        b'{"version": "https://jsonfeed.org/version/1.1"}',
        b"[1, 2, 3]",
        b"{not json",
    ],
)
def test_non_feeds_raise_feed_error(data):
    with pytest.raises(FeedError, match="not"):
        parse_feed(data, BASE)


def test_a_string_that_looks_like_a_path_is_not_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS_20)
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), BASE)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_feed_error(data):
    try:
        parse_feed(data, BASE)
    except FeedError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_xml_like_text_raises_only_feed_error(text):
    for data in (
        f"<rss version='2.0'><channel>{text}</channel></rss>",
        "{" + text,
        f"<feed xmlns='http://www.w3.org/2005/Atom'><entry>{text}</entry></feed>",
    ):
        try:
            parse_feed(data.encode("utf-8", "surrogatepass"), BASE)
        except FeedError:
            pass


# ---------------------------------------------------------------- discovery

PAGE = b"""<html><head>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feeds/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://cdn.example/atom.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
<link rel="alternate" hreflang="da" href="/da/">
<link rel="stylesheet" type="text/css" href="/s.css">
<link rel="Alternate  feed" type="application/RSS+XML; charset=utf-8" href="/feeds/rss.xml">
</head><body><a href="/rss">rss</a></body></html>"""


def test_discover_feeds_from_link_alternate():
    assert discover_feeds(PAGE, "https://news.example/section/") == [
        "https://news.example/feeds/rss.xml",
        "https://cdn.example/atom.xml",
        "https://news.example/section/feed.json",
    ]


def test_discover_respects_base_href():
    page = (
        '<html><head><base href="https://static.example/x/">'
        '<link rel="alternate" type="application/atom+xml" href="a.xml"></head></html>'
    )
    assert discover_feeds(page, "https://news.example/") == ["https://static.example/x/a.xml"]


def test_discover_falls_back_to_feed_like_links_on_the_same_site():
    page = b"""<html><body><a href="/feed/">Feed</a><a href="/news/rss.xml">RSS</a>
    <a href="https://elsewhere.example/feed">other</a><a href="/about">About</a></body></html>"""
    assert discover_feeds(page, "https://news.example/") == [
        "https://news.example/feed/",
        "https://news.example/news/rss.xml",
    ]


@pytest.mark.parametrize("page", [b"", "   ", "<html><body>No feeds</body></html>"])
def test_discover_nothing(page):
    assert discover_feeds(page, "https://news.example/") == []


def test_discover_on_the_newsroom_home(newsroom, newsroom_fetcher):
    home = newsroom_fetcher.fetch(newsroom.url("/"))
    assert discover_feeds(home.content, home.final_url) == [
        newsroom.url("/feeds/rss.xml"),
        newsroom.url("/feeds/atom.xml"),
    ]
    rss = newsroom_fetcher.fetch(newsroom.url("/feeds/rss.xml"))
    atom = newsroom_fetcher.fetch(newsroom.url("/feeds/atom.xml"))
    urls = [e.url for e in parse_feed(rss.content, rss.final_url).entries]
    assert urls == [e.url for e in parse_feed(atom.content, atom.final_url).entries]
    assert urls == newsroom.article_urls()


def test_feedburner_original_link_is_preferred():
    data = b"""<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
    <channel><title>T</title><item><title>A</title>
    <link>https://feeds.feedburner.example/~r/news/~3/abc/</link>
    <feedburner:origLink>https://news.example/real-article</feedburner:origLink></item>
    </channel></rss>"""
    assert [e.url for e in parse_feed(data, BASE).entries] == ["https://news.example/real-article"]


def test_external_entities_are_not_read():
    data = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <rss version="2.0"><channel><title>T &x;</title><item><title>&x;</title>
    <link>https://news.example/a</link></item></channel></rss>"""
    try:
        feed = parse_feed(data, BASE)
    except FeedError:
        return
    assert "root:" not in (feed.title or "") + "".join(e.title or "" for e in feed.entries)
