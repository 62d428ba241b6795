"""Start following a URL: a feed, a sitemap, an article, or a site's home page (whose
feed is found and followed), and whole feed lists (``config/feeds.toml``)."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.config import Settings
from storyline.errors import FeedError, FetchError, StoreError, StorylineError
from storyline.feedlist import FeedListEntry
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.storing import store_version
from storyline.pipeline.visit import (
    extract_page,
    extractor_for,
    next_visit,
    validators,
)
from storyline.sandbox import Extractor
from storyline.sources.detect import detect_kind
from storyline.sources.feeds import discover_feeds, parse_feed
from storyline.sources.fetch import Fetcher, FetchResult
from storyline.sources.sitemaps import parse_sitemap
from storyline.store import SourceRow, Store


def follow(
    store: Store,
    fetcher: Fetcher,
    url: str,
    every: float | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
    extractor: Extractor | None = None,
) -> SourceRow:
    """Follow a URL: a feed, a sitemap, an article, or a site's home page (its feed).

    An article is extracted by ``extractor`` (default: one budgeted worker process)."""
    settings = settings or fetcher.settings
    now = now or datetime.now(UTC)
    interval = every or settings.feed_interval
    result = fetcher.fetch(url)
    kind = detect_kind(result)
    if kind == "feed":
        feed = parse_feed(result.content, result.final_url)
        return store.add_source(
            result.final_url,
            "feed",
            interval,
            origin_url=_origin(url, result),
            title=feed.title,
            now=now,
        )
    if kind == "sitemap":
        parse_sitemap(result.content, result.final_url)
        return store.add_source(
            result.final_url, "sitemap", interval, origin_url=_origin(url, result), now=now
        )
    if kind == "article":
        with extractor_for(settings.replace(poll_workers=1), extractor) as pages:
            return _follow_article(store, result, url, interval, settings, now, pages)
    return _follow_home_page(store, fetcher, result, url, interval, now)


def _origin(url: str, result: FetchResult) -> str | None:
    return url if url != result.final_url else None


def _follow_article(
    store: Store,
    result: FetchResult,
    url: str,
    interval: float,
    settings: Settings,
    now: datetime,
    extractor: Extractor,
) -> SourceRow:
    article = extract_page(result, extractor)
    source = store.add_source(
        result.final_url,
        "article",
        interval,
        origin_url=_origin(url, result),
        title=article.title,
        now=now,
    )
    page = store.add_page(result.final_url, source.id, first_seen=now)
    fields = {
        **validators(result),
        "status": result.status,
        "visited_at": now,
    }
    store_version(
        store,
        page.url,
        result.fetched_at,
        article,
        result.content,
        result.content_type,
        page_fields=fields,
        copies=CopyIndexer.from_settings(settings),
    )
    store.update_page_fetch(page.id, next_visit_at=next_visit(store, page, now, settings))
    return source


def _follow_home_page(
    store: Store,
    fetcher: Fetcher,
    result: FetchResult,
    url: str,
    interval: float,
    now: datetime,
) -> SourceRow:
    tried: list[str] = []
    for feed_url in discover_feeds(result.content, result.final_url):
        try:
            feed_result = fetcher.fetch(feed_url)
            feed = parse_feed(feed_result.content, feed_result.final_url)
        except (FetchError, FeedError) as err:
            tried.append(f"{feed_url} ({err})")
            continue
        return store.add_source(
            feed_result.final_url, "feed", interval, origin_url=url, title=feed.title, now=now
        )
    detail = f"; tried {', '.join(tried)}" if tried else ""
    raise FeedError(
        f"{url} is a home page without a working feed link{detail}; follow its "
        "feed or sitemap URL instead"
    )


def follow_list(
    store: Store,
    fetcher: Fetcher,
    entries: list[FeedListEntry],
    settings: Settings,
    extractor: Extractor | None = None,
) -> list[tuple[FeedListEntry, SourceRow | None, str | None]]:
    """Follow every entry of a feed list: (entry, source, None) or (entry, None, error).

    Entries that state their kind are added without a request, so a list loads offline.
    """
    now = datetime.now(UTC)
    outcomes: list[tuple[FeedListEntry, SourceRow | None, str | None]] = []
    for entry in entries:
        interval = entry.every_s or settings.feed_interval
        try:
            if entry.kind is None:
                source = follow(store, fetcher, entry.url, interval, settings, now, extractor)
            else:
                source = store.add_source(
                    entry.url, entry.kind, interval, title=entry.name, now=now
                )
                if entry.kind == "article":
                    store.add_page(entry.url, source.id, first_seen=now)
        except StoreError:
            raise
        except StorylineError as err:
            outcomes.append((entry, None, str(err)))
            continue
        outcomes.append((entry, source, None))
    return outcomes
