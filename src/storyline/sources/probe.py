"""Look at a URL the way ``follow`` would, without storing anything.

``storyline probe URL`` answers the questions a user has before following a site: does
robots.txt let us in, what is this URL (feed, sitemap, article, home page), which feeds
does a home page announce, which article URLs would be picked up, and which sitemaps
robots.txt names. One polite fetch (plus robots.txt), nothing written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from storyline.sources.detect import FEED, HOMEPAGE, SITEMAP, detect_kind
from storyline.sources.feeds import discover_feeds, parse_feed
from storyline.sources.fetch import Fetcher
from storyline.sources.sitemaps import parse_sitemap


@dataclass
class Probe:
    """What one URL is, and what following it would pick up."""

    url: str
    final_url: str
    status: int
    content_type: str
    kind: str
    title: str | None = None
    entries: list[str] = field(default_factory=list)
    entry_count: int = 0
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    robots_sitemaps: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def probe(fetcher: Fetcher, url: str, limit: int = 10) -> Probe:
    """Fetch ``url`` once and describe it; raises what ``Fetcher.fetch`` and the parsers
    raise (FetchError, BlockedError, FeedError...)."""
    result = fetcher.fetch(url)
    kind = detect_kind(result)
    found = Probe(
        url=result.url,
        final_url=result.final_url,
        status=result.status,
        content_type=result.content_type,
        kind=kind,
    )
    if kind == FEED:
        feed = parse_feed(result.content, result.final_url)
        found.title = feed.title
        found.entries = [e.url for e in feed.entries]
    elif kind == SITEMAP:
        sitemap = parse_sitemap(result.content, result.final_url)
        found.entries = [p.url for p in sitemap.pages]
        found.sitemaps = sitemap.sitemaps
    elif kind == HOMEPAGE:
        found.feeds = discover_feeds(result.content, result.final_url)
    found.entry_count = len(found.entries)
    found.entries = found.entries[:limit]
    if fetcher.robots is not None:
        found.robots_sitemaps = fetcher.robots.sitemaps(result.final_url)
    found.stats = dict(sorted(fetcher.stats.items()))
    return found
