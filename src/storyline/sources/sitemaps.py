"""Sitemaps: urlset, sitemap index, Google News sitemaps, gzipped and plain-text ones.

Parsed with lxml, not ultimate-sitemap-parser. usp (1.8) only parses ``str``, so we would
have to guess the encoding the XML declaration states; it logs malformed input at ERROR
level and returns an ``InvalidSitemap`` instead of telling the caller why; its sub-sitemap
handling runs through a web-client object that must be made to fail so it does not
download; and it turns dates into datetimes, losing what the sitemap said. Sitemaps are
a small, flat format: lxml (already a dependency) with entities and network off reads
the bytes we fetched ourselves, recovers from the truncated files big sites serve, and
leaves all fetching to the polite Fetcher.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from storyline.errors import FeedError
from storyline.sources.fetched import is_web_url

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sitemap protocol's own limit


@dataclass
class SitemapEntry:
    """One page a sitemap lists; ``title`` and ``published`` come from news sitemaps."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass
class Sitemap:
    """The pages a sitemap lists, and the sub-sitemaps a sitemap index points to."""

    pages: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_sitemap(data: bytes, url: str) -> Sitemap:
    """Parse sitemap bytes (XML, gzipped XML or plain text); FeedError if it is none."""
    data = _gunzip(data, url) if data[:2] == b"\x1f\x8b" else data
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_text(data, url)
    root = _xml_root(data, url)
    name = _local(root)
    if name == "urlset":
        return Sitemap(pages=_pages(root, url))
    if name == "sitemapindex":
        locs = (_child_text(item, "loc") for item in root if _local(item) == "sitemap")
        return Sitemap(sitemaps=_unique_urls(locs, url))
    what = "a feed" if name in ("rss", "feed", "RDF") else f"<{name}>"
    raise FeedError(f"{url} is {what}, not a sitemap (<urlset> or <sitemapindex>)")


def _pages(root: Any, base: str) -> list[SitemapEntry]:
    pages: dict[str, SitemapEntry] = {}
    for item in root:
        if _local(item) != "url":
            continue
        loc = _absolute(_child_text(item, "loc"), base)
        if loc is None or loc in pages:
            continue
        entry = SitemapEntry(loc, lastmod=_child_text(item, "lastmod"))
        news = next((c for c in item if _local(c) == "news"), None)
        if news is not None:
            entry.title = _child_text(news, "title")
            entry.published = _child_text(news, "publication_date")
        pages[loc] = entry
    return list(pages.values())


def _parse_text(data: bytes, url: str) -> Sitemap:
    """A plain-text sitemap: one absolute URL per line."""
    text = data.decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    urls = _unique_urls(lines, url, absolute_only=True)
    if not urls or len(urls) < len(set(lines)) / 2:
        raise FeedError(f"{url} is not a sitemap: neither XML nor a list of URLs")
    return Sitemap(pages=[SitemapEntry(u) for u in urls])


def _xml_root(data: bytes, url: str) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as exc:
        raise FeedError(f"{url} is not a sitemap: unreadable XML ({exc})") from exc
    if root is None:
        raise FeedError(f"{url} is not a sitemap: no XML element found")
    return root


def _gunzip(data: bytes, url: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(MAX_UNCOMPRESSED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"{url}: broken gzip data ({exc})") from exc
    if len(out) > MAX_UNCOMPRESSED:
        raise FeedError(f"{url} unpacks to more than {MAX_UNCOMPRESSED:,} bytes")
    return out


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _child_text(element: Any, name: str) -> str | None:
    for child in element:
        if _local(child) == name:
            text = " ".join((child.text or "").split())
            return text or None
    return None


def _absolute(loc: str | None, base: str, absolute_only: bool = False) -> str | None:
    if not loc:
        return None
    try:
        url = loc if absolute_only else urljoin(base, loc)
    except ValueError:
        return None
    return url if is_web_url(url) else None


def _unique_urls(locs: Any, base: str, absolute_only: bool = False) -> list[str]:
    found = (_absolute(loc, base, absolute_only) for loc in locs)
    return list(dict.fromkeys(u for u in found if u))
