"""What a fetched URL is: a feed, a sitemap, one article, or a home page.

``storyline follow URL`` accepts any of the four, so the pipeline asks here first. The
bytes decide, not the URL or the Content-Type alone (servers label feeds text/html and
sitemaps text/plain): XML and JSON are sniffed by their root; HTML is an article when
it says so (og:type article, schema.org *Article in JSON-LD, article:published_time,
one long <article>), and a home page when it lists many articles or says og:type
website, or is the site's root.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from storyline.errors import FeedError
from storyline.sources.feeds import discover_feeds
from storyline.sources.fetch import FetchResult
from storyline.sources.sitemaps import parse_sitemap

FEED, SITEMAP, ARTICLE, HOMEPAGE = "feed", "sitemap", "article", "homepage"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF", "channel"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_ARTICLE_TYPES = re.compile(
    r"(News|Reportage|Analysis|Opinion|Report|Scholarly|Tech)?Article"
    r"|BlogPosting|LiveBlogPosting"
)
_ROOT_TAG = re.compile(rb"<([!?]?)([A-Za-z_][\w:.-]*)")
_MANY_LINKS = 25  # distinct same-site article-like links that make a page a list of articles
_LONG_ARTICLE = 600  # characters of text in one <article> that make it the page's story


def detect_kind(result: FetchResult) -> str:
    """ "feed", "sitemap", "article" or "homepage" for a fetched URL; FeedError for XML or
    JSON that is neither a feed nor a sitemap."""
    data = result.content.lstrip(b"\xef\xbb\xbf \t\r\n")
    url = result.final_url or result.url
    if data[:2] == b"\x1f\x8b":
        parse_sitemap(data, url)  # raises FeedError when it is not one
        return SITEMAP
    if data[:1] in (b"{", b"["):
        return _json_kind(data, url)
    root = _xml_root_name(data[:4096])
    if root in _FEED_ROOTS:
        return FEED
    if root in _SITEMAP_ROOTS:
        return SITEMAP
    xmlish = data.startswith(b"<?xml") or _labelled_xml(result.content_type)
    if xmlish and root is None:
        raise FeedError(
            f"{url} is labelled {result.content_type} but is not XML; "
            "it is neither a feed nor a sitemap"
        )
    if xmlish and root is not None and root.lower() != "html":
        raise FeedError(f"{url} is XML with root <{root}>: neither a feed nor a sitemap")
    if result.content_type == "text/plain" or not data.startswith(b"<"):
        return _text_kind(data, url)
    return _html_kind(data, url)


def _labelled_xml(media: str) -> bool:
    return media in ("application/xml", "text/xml") or (
        media.endswith("+xml") and media != "application/xhtml+xml"
    )


def _json_kind(data: bytes, url: str) -> str:
    try:
        doc = json.loads(data.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"{url} is not valid JSON ({exc})") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if isinstance(version, str) and version.startswith("https://jsonfeed.org/version/"):
        return FEED
    raise FeedError(f"{url} is JSON but not a JSON Feed")


def _xml_root_name(head: bytes) -> str | None:
    """The first element's local name, for documents that are XML, not HTML."""
    if not head.startswith(b"<"):
        return None
    for match in _ROOT_TAG.finditer(head):
        marker, name = match.group(1), match.group(2).decode("ascii")
        if marker == b"?":
            continue
        if marker == b"!":
            if name.lower() == "doctype":
                return (
                    "html"
                    if head[match.end() : match.end() + 5].strip().lower() == b"html"
                    else None
                )
            continue
        return name.rsplit(":", 1)[-1]
    return None


def _text_kind(data: bytes, url: str) -> str:
    """Plain text: a list of URLs is a sitemap, anything else an article (like the seed)."""
    try:
        parse_sitemap(data, url)
    except FeedError:
        return ARTICLE
    return SITEMAP


def _html_kind(data: bytes, url: str) -> str:
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return ARTICLE
    og_type = (root.xpath("string(//meta[@property='og:type']/@content)") or "").strip().lower()
    if og_type.startswith("article") or _says_article(root):
        return ARTICLE
    if og_type == "website" or urlsplit(url).path in ("", "/"):
        return HOMEPAGE
    articles = root.xpath("//article")
    if len(articles) == 1 and len(articles[0].text_content()) >= _LONG_ARTICLE:
        return ARTICLE
    if len(articles) > 2 or _article_links(root, url) >= _MANY_LINKS:
        return HOMEPAGE
    if discover_feeds(data, url) and not articles:
        return HOMEPAGE
    return ARTICLE


def _says_article(root: Any) -> bool:
    if root.xpath("//meta[@property='article:published_time']"):
        return True
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            doc = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            continue
        if any(_ARTICLE_TYPES.fullmatch(t) for t in _ld_types(doc)):
            return True
    return False


def _ld_types(doc: object) -> list[str]:
    """Every @type in a JSON-LD document (top level and @graph)."""
    nodes = doc if isinstance(doc, list) else [doc]
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        nodes = [doc, *doc["@graph"]]
    types: list[str] = []
    for node in nodes:
        kind = node.get("@type") if isinstance(node, dict) else None
        types.extend(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
    return types


def _article_links(root: Any, url: str) -> int:
    """Distinct links on the same site whose path looks like an article (two segments+)."""
    host = urlsplit(url).hostname
    seen = set()
    for href in root.xpath("//a/@href"):
        try:
            parts = urlsplit(urljoin(url, href))
        except ValueError:
            continue
        segments = [s for s in parts.path.split("/") if s]
        if parts.hostname == host and len(segments) >= 2:
            seen.add(parts.path)
    return len(seen)
