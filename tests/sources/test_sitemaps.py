"""Sitemaps: urlset, index, Google News, gzip, plain text, and what is not a sitemap."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import FeedError
from storyline.sources.sitemaps import parse_sitemap

BASE = "https://news.example/sitemap.xml"

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <!-- generated -->
  <url><loc> https://news.example/a </loc><lastmod>2022-01-27T10:00:00+01:00</lastmod>
       <changefreq>hourly</changefreq><image:image><image:loc>https://img/x.jpg</image:loc>
       </image:image></url>
  <url><loc>https://news.example/b</loc></url>
  <url><loc>https://news.example/a</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2022-01-01</lastmod></url>
</urlset>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/mali</loc>
    <news:news><news:publication><news:name>The Post</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2022-01-27T10:15:00+01:00</news:publication_date>
      <news:title>UPDATE: Danish troops leaving Mali &amp; more</news:title></news:news></url>
  <url><loc>https://news.example/æøå</loc>
    <news:news><news:title>Blåbær</news:title></news:news></url>
</urlset>""".encode()

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-1.xml</loc><lastmod>2022-01-27</lastmod></sitemap>
  <sitemap><loc>/sitemap-news.xml</loc></sitemap>
  <sitemap><loc>https://news.example/sitemap-1.xml</loc></sitemap>
</sitemapindex>"""


def test_urlset():
    sitemap = parse_sitemap(URLSET, BASE)
    assert sitemap.sitemaps == []
    assert [(p.url, p.lastmod) for p in sitemap.pages] == [
        ("https://news.example/a", "2022-01-27T10:00:00+01:00"),
        ("https://news.example/b", None),
    ]


def test_news_sitemap_has_titles_and_dates():
    first, second = parse_sitemap(NEWS, BASE).pages
    assert first.url == "https://news.example/mali"
    assert first.title == "UPDATE: Danish troops leaving Mali & more"
    assert first.published == "2022-01-27T10:15:00+01:00"
    assert second.title == "Blåbær" and second.url == "https://news.example/æøå"


def test_sitemap_index_lists_sub_sitemaps_without_fetching():
    sitemap = parse_sitemap(INDEX, BASE)
    assert sitemap.pages == []
    assert sitemap.sitemaps == [
        "https://news.example/sitemap-1.xml",
        "https://news.example/sitemap-news.xml",
    ]


def test_gzipped_sitemap():
    assert len(parse_sitemap(gzip.compress(URLSET), BASE).pages) == 2


def test_sitemap_without_namespace_and_latin1():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url>'
        "<loc>https://news.example/caf\xe9</loc></url></urlset>"
    ).encode("latin-1")
    assert [p.url for p in parse_sitemap(data, BASE).pages] == ["https://news.example/café"]


def test_truncated_sitemap_keeps_what_it_has():
    cut = URLSET[: URLSET.index(b"<url><loc>https://news.example/a</loc>")]
    assert [p.url for p in parse_sitemap(cut, BASE).pages] == [
        "https://news.example/a",
        "https://news.example/b",
    ]


def test_plain_text_sitemap():
    data = b"https://news.example/1\n\nhttps://news.example/2\r\nhttps://news.example/1\n"
    assert [p.url for p in parse_sitemap(data, BASE).pages] == [
        "https://news.example/1",
        "https://news.example/2",
    ]


def test_entities_are_not_expanded():
    data = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/&x;</loc>
    </url></urlset>"""
    pages = parse_sitemap(data, BASE).pages
    assert all("root:" not in p.url for p in pages)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss version='2.0'><channel><title>x</title></channel></rss>", "a feed"),
        (b"<html><body>hello</body></html>", "<html>"),
        (b"just some words\nand more words", "neither XML nor a list of URLs"),
        (b"", "neither XML"),
        (b"\x1f\x8b\x08\x00broken", "gzip"),
        (b"<<<>>>", "not a sitemap"),
    ],
)
def test_not_a_sitemap(data, message):
    with pytest.raises(FeedError, match=message):
        parse_sitemap(data, BASE)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_feed_error(data):
    try:
        parse_sitemap(data, BASE)
    except FeedError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_content_inside_a_urlset(text):
    data = f"<urlset><url><loc>{text}</loc><news:news>{text}</news:news></url></urlset>"
    try:
        parse_sitemap(data.encode("utf-8", "surrogatepass"), BASE)
    except FeedError:
        pass


def test_newsroom_sitemaps(newsroom, newsroom_fetcher):
    index = newsroom_fetcher.fetch(newsroom.url("/sitemap-index.xml"))
    subs = parse_sitemap(index.content, index.final_url).sitemaps
    assert subs == [newsroom.url("/sitemap.xml"), newsroom.url("/news-sitemap.xml")]
    plain, news = (newsroom_fetcher.fetch(u) for u in subs)
    assert len(parse_sitemap(plain.content, plain.final_url).pages) == 5
    news_pages = parse_sitemap(news.content, news.final_url).pages
    assert [p.url for p in news_pages] == newsroom.article_urls()
    assert all(p.title and p.published for p in news_pages)
