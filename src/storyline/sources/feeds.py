"""Feeds: RSS 0.9x/1.0/2.0 and Atom (through feedparser), JSON Feed (parsed here, since
feedparser does not read it), and feed discovery from an HTML page.

``parse_feed`` takes bytes we fetched ourselves: feedparser is handed a stream, never a
string, because it treats a string as a URL to download or a file to open.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]  # feedparser ships no types
import lxml.html
from lxml import etree

from storyline.errors import FeedError
from storyline.sources.fetched import is_web_url

FEED_LINK_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x.atom+xml",
        "application/x-atom+xml",
    }
)
_FEED_HREF = re.compile(
    r"(?:/feeds?|/rss|/atom|\.rss|\.atom|\.rdf|(?:rss|atom|feed)\.xml)/?$", re.IGNORECASE
)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


@dataclass
class FeedEntry:
    """One item of a feed: the article URL, and what the feed says about it."""

    url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None


@dataclass
class Feed:
    """A parsed feed. ``format`` is e.g. "rss20", "rss090", "rss10", "atom10", "json1.1"."""

    title: str | None
    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    format: str = ""


def parse_feed(data: bytes, url: str) -> Feed:
    """Parse RSS, Atom or JSON Feed bytes; FeedError when the bytes are not a feed."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        return _parse_json_feed(data, url)
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-location": url},
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - feedparser's parsers fail in many ways
        # (&#99999999999; overflows its character reference handler, a bad IPv6 host in
        # a relative link fails urljoin...): the one boundary where they enter
        raise FeedError(f"{url} is not a readable feed ({type(exc).__name__}: {exc})") from exc
    version = parsed.get("version") or ""
    if not version:
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF root element"
        raise FeedError(
            f"{url} is not a feed ({reason}); give the feed's URL, or the site's "
            "home page to discover it"
        )
    entries = [e for e in (_entry(item, url) for item in parsed.entries) if e is not None]
    title = _text(parsed.feed.get("title"))
    return Feed(title=title, url=url, entries=_unique(entries), format=version)


def _entry(item: Any, feed_url: str) -> FeedEntry | None:
    link = item.get("feedburner_origlink") or item.get("link") or _alternate_link(item)
    if not link and _is_http(item.get("id")):
        link = item.get("id")
    absolute = _absolute(link, feed_url)
    if absolute is None:
        return None
    published = (
        _iso(item.get("published_parsed"))
        or _iso(item.get("updated_parsed"))
        or item.get("published")
        or item.get("updated")
        or None
    )
    return FeedEntry(absolute, _text(item.get("title")), published, _text(item.get("summary")))


def _alternate_link(item: Any) -> str | None:
    for link in item.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _parse_json_feed(data: bytes, url: str) -> Feed:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError(f"{url} is not a feed: invalid JSON ({exc})") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    items = doc.get("items") if isinstance(doc, dict) else None
    if not (
        isinstance(version, str)
        and version.startswith(_JSON_FEED_VERSION)
        and isinstance(items, list)
    ):
        raise FeedError(f"{url} is JSON but not a JSON Feed (no jsonfeed.org version and items)")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = _str(item.get("url")) or _str(item.get("external_url"))
        if not link and _is_http(item.get("id")):
            link = _str(item.get("id"))
        absolute = _absolute(link, url)
        if absolute is not None:
            entries.append(
                FeedEntry(
                    absolute,
                    _text(_str(item.get("title"))),
                    _str(item.get("date_published")),
                    _text(_str(item.get("summary"))),
                )
            )
    short = "json" + version.removeprefix(_JSON_FEED_VERSION)
    return Feed(
        title=_text(_str(doc.get("title"))), url=url, entries=_unique(entries), format=short
    )


def discover_feeds(html: str | bytes, base_url: str) -> list[str]:
    """Feed URLs an HTML page announces (``<link rel="alternate">``), else feed-like links."""
    root = _html_root(html)
    if root is None:
        return []
    base = _join(base_url, (root.xpath("string(//base/@href)") or "").strip()) or base_url
    found: list[str] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        target = _join(base, (link.get("href") or "").strip())
        if "alternate" in rels and kind in FEED_LINK_TYPES and target:
            found.append(target)
    if not found:
        host = urlsplit(base).hostname
        for anchor in root.iter("a"):
            href = _join(base, (anchor.get("href") or "").strip())
            if href and is_web_url(href):
                parts = urlsplit(href)
                if parts.hostname == host and _FEED_HREF.search(parts.path):
                    found.append(href)
    return [u for u in dict.fromkeys(found) if u and is_web_url(u) and u != base]


def _join(base: str, link: str) -> str | None:
    """``link`` resolved against ``base``; None when either is a malformed URL."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def _html_root(html: str | bytes) -> Any:
    if isinstance(html, str):
        html = html.encode("utf-8")
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


# ---------------------------------------------------------------- small helpers


def _iso(value: struct_time | None) -> str | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _text(value: str | None) -> str | None:
    """Plain text from a feed field that may hold HTML."""
    if not value:
        return None
    if "<" in value:
        try:
            value = lxml.html.fromstring(value).text_content()
        except (etree.ParserError, ValueError):
            pass
    else:
        value = html_lib.unescape(value)
    value = " ".join(value.split())
    return value or None


def _is_http(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _absolute(link: str | None, base: str) -> str | None:
    if not link:
        return None
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:
        return None
    return absolute if is_web_url(absolute) else None


def _unique(entries: list[FeedEntry]) -> list[FeedEntry]:
    seen: dict[str, FeedEntry] = {}
    for entry in entries:
        seen.setdefault(entry.url, entry)
    return list(seen.values())
