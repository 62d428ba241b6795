"""The one place that wires the stages: fetch → extract → store version → reschedule.

``follow`` adds a source (feed, sitemap, article, or a home page's feed); ``poll`` does one
pass over everything due: feeds and sitemaps first (new pages), then pages (conditional
GET, extraction, ``Store.store_version``, next visit from ``sources.schedule``); ``watch``
repeats ``poll`` until a stop event is set; ``reextract`` runs the current extractor over
every stored raw page. A page that fails (slow, broken, too large, forbidden) is recorded
with its error and rescheduled with backoff; it never stops the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storyline.config import Settings
from storyline.errors import FeedError, FetchError, StoreError, StorylineError
from storyline.extract import extract_article, extract_text
from storyline.extract.html import decode_html
from storyline.feedlist import FeedListEntry
from storyline.model import Article, Change, Version
from storyline.sources.detect import detect_kind
from storyline.sources.feeds import discover_feeds, parse_feed
from storyline.sources.fetch import Fetcher, FetchResult
from storyline.sources.schedule import (
    backoff_after_failure,
    next_article_visit,
    next_feed_visit,
)
from storyline.sources.sitemaps import parse_sitemap
from storyline.store import PageRow, SourceRow, Store, StoredVersion

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 20


@dataclass
class VisitResult:
    """What one page visit did: outcome is new, changed, unchanged, not_modified or failed."""

    url: str
    outcome: str
    version: Version | None = None
    changes: list[Change] = field(default_factory=list)
    error: str | None = None


@dataclass
class PollReport:
    """Counts of one ``poll`` pass, and every failure with its URL and message."""

    sources_polled: int = 0
    new_pages: int = 0
    pages_visited: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    stopped: bool = False

    def add(self, result: VisitResult) -> None:
        """Count one page visit."""
        self.pages_visited += 1
        if result.outcome == "failed":
            self.failures.append((result.url, result.error or "failed"))
        else:
            setattr(self, result.outcome, getattr(self, result.outcome) + 1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["failures"] = [{"url": u, "error": e} for u, e in self.failures]
        return data


Progress = Callable[[int, int, VisitResult], None]


def extract_page(result: FetchResult) -> Article:
    """The Article of a fetched page: plain text pages and HTML pages alike."""
    if result.content_type == "text/plain":
        return extract_text(decode_html(result.content), url=result.final_url)
    return extract_article(result.content, url=result.final_url)


def store_page(
    store: Store,
    url: str,
    fetched_at: datetime,
    raw: bytes | None,
    article: Article,
    raw_type: str | None = None,
    page_fields: dict[str, Any] | None = None,
) -> StoredVersion:
    """Store one observation of a page (the archive ingest calls this too)."""
    return store.store_version(
        url, fetched_at, article, raw, raw_type=raw_type, page_fields=page_fields
    )


def visit_page(
    store: Store,
    fetcher: Fetcher,
    page: PageRow,
    now: datetime,
    settings: Settings | None = None,
) -> VisitResult:
    """Fetch a page (conditional GET), store a version if it changed, schedule the next visit."""
    settings = settings or fetcher.settings
    try:
        result = fetcher.fetch(page.url, etag=page.etag, last_modified=page.last_modified)
        if result.not_modified:
            store.update_page_fetch(
                page.id,
                status=304,
                failures=0,
                error=None,
                visited_at=now,
                next_visit_at=_next_visit(store, page, now, settings),
            )
            return VisitResult(page.url, "not_modified")
        article = extract_page(result)
    except StoreError:
        raise
    except StorylineError as err:
        return _page_failed(store, page, now, err)
    fields = {
        "etag": result.etag,
        "last_modified": result.last_modified,
        "failures": 0,
        "error": None,
        "status": result.status,
        "visited_at": now,
    }
    if article.canonical_url:
        fields["canonical_url"] = article.canonical_url
    stored = store_page(
        store,
        page.url,
        result.fetched_at,
        result.content,
        article,
        raw_type=result.content_type,
        page_fields=fields,
    )
    store.update_page_fetch(page.id, next_visit_at=_next_visit(store, page, now, settings))
    if not stored.created:
        return VisitResult(page.url, "unchanged", stored.version)
    outcome = "new" if stored.version.number == 1 else "changed"
    return VisitResult(page.url, outcome, stored.version, stored.changes)


def _next_visit(store: Store, page: PageRow, now: datetime, settings: Settings) -> datetime | None:
    return next_article_visit(page.first_seen, now, store.change_times(page.id), settings)


def _page_failed(store: Store, page: PageRow, now: datetime, err: StorylineError) -> VisitResult:
    failures = page.failures + 1
    status = getattr(err, "status", None)
    retry = backoff_after_failure(now, failures)
    wait = getattr(err, "retry_after_seconds", None)
    if wait:
        retry = max(retry, now + timedelta(seconds=wait))
    store.update_page_fetch(
        page.id,
        failures=failures,
        error=str(err),
        status=status,
        visited_at=now,
        next_visit_at=retry,
    )
    log.info("page %s failed (%d in a row): %s", page.url, failures, err)
    return VisitResult(page.url, "failed", error=str(err))


def poll_source(store: Store, fetcher: Fetcher, source: SourceRow, now: datetime) -> int:
    """Read a feed or sitemap and start following the pages it lists; return how many are new."""
    try:
        result = fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        entries, title = (
            ([], None) if result.not_modified else _source_entries(fetcher, source, result)
        )
    except StoreError:
        raise
    except StorylineError as err:
        failures = source.failures + 1
        store.update_source_fetch(
            source.id,
            failures=failures,
            error=str(err),
            visited_at=now,
            status=getattr(err, "status", None),
            next_visit_at=backoff_after_failure(now, failures),
        )
        raise
    fresh = store.add_pages(entries, source.id, now) if entries else []
    fields: dict[str, Any] = {
        "failures": 0,
        "error": None,
        "status": result.status,
        "visited_at": now,
        "etag": result.etag,
        "last_modified": result.last_modified,
        "next_visit_at": next_feed_visit(now, source.interval_s),
    }
    if title:
        fields["title"] = title
    store.update_source_fetch(source.id, **fields)
    return len(fresh)


def _source_entries(
    fetcher: Fetcher, source: SourceRow, result: FetchResult
) -> tuple[list[tuple[str, str | None]], str | None]:
    if source.kind == "feed":
        feed = parse_feed(result.content, result.final_url)
        return [(e.url, e.title) for e in feed.entries if e.url], feed.title
    if source.kind == "sitemap":
        sitemap = parse_sitemap(result.content, result.final_url)
        entries = [(p.url, p.title) for p in sitemap.pages]
        for child in sitemap.sitemaps[:MAX_CHILD_SITEMAPS]:
            child_map = parse_sitemap(fetcher.fetch(child).content, child)
            entries += [(p.url, p.title) for p in child_map.pages]
        return entries, None
    raise FeedError(f"source {source.url} is of kind {source.kind!r}, which has no page list")


def poll(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    now: datetime | None = None,
    visit_all: bool = False,
    on_progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> PollReport:
    """One pass: every feed and sitemap due, then every page due (``visit_all``: everything)."""
    now = now or datetime.now(UTC)
    report = PollReport()
    stop = stop or threading.Event()
    sources = (
        [s for s in store.sources() if s.kind != "article"] if visit_all else store.sources_due(now)
    )
    _poll_sources(store, fetcher, settings, sources, now, report, stop)
    pages = store.pages_followed() if visit_all else store.pages_due(now)
    _visit_all(store, fetcher, settings, pages, now, report, on_progress, stop)
    report.stopped = stop.is_set()
    return report


def _poll_sources(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    sources: list[SourceRow],
    now: datetime,
    report: PollReport,
    stop: threading.Event,
) -> None:
    def one(source: SourceRow) -> int:
        return 0 if stop.is_set() else poll_source(store, fetcher, source, now)

    with ThreadPoolExecutor(max_workers=max(1, settings.poll_workers)) as pool:
        futures = {pool.submit(one, source): source for source in sources}
        for future in as_completed(futures):
            try:
                report.new_pages += future.result()
            except StoreError:
                raise
            except StorylineError as err:
                report.failures.append((futures[future].url, str(err)))
            report.sources_polled += 1


def _visit_all(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    pages: list[PageRow],
    now: datetime,
    report: PollReport,
    on_progress: Progress | None,
    stop: threading.Event,
) -> None:
    def one(page: PageRow) -> VisitResult:
        if stop.is_set():
            return VisitResult(page.url, "skipped")
        try:
            return visit_page(store, fetcher, page, now, settings)
        except StoreError:
            raise
        except Exception as err:  # an extractor bug must not stop the other pages
            log.exception("visiting %s failed", page.url)
            return VisitResult(page.url, "failed", error=f"internal error: {err!r}")

    with ThreadPoolExecutor(max_workers=max(1, settings.poll_workers)) as pool:
        futures = [pool.submit(one, page) for page in pages]
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            if result.outcome != "skipped":
                report.add(result)
            if on_progress:
                on_progress(done, len(futures), result)


def follow(
    store: Store,
    fetcher: Fetcher,
    url: str,
    every: float | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> SourceRow:
    """Follow a URL: a feed, a sitemap, an article, or a site's home page (its feed)."""
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
        return _follow_article(store, result, url, interval, settings, now)
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
) -> SourceRow:
    article = extract_page(result)
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
        "etag": result.etag,
        "last_modified": result.last_modified,
        "status": result.status,
        "visited_at": now,
    }
    store_page(
        store,
        page.url,
        result.fetched_at,
        result.content,
        article,
        raw_type=result.content_type,
        page_fields=fields,
    )
    store.update_page_fetch(page.id, next_visit_at=_next_visit(store, page, now, settings))
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


def watch(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    stop: threading.Event,
    on_report: Callable[[PollReport], None] | None = None,
    max_sleep: float = 60.0,
) -> int:
    """Poll until ``stop`` is set; pages in progress finish, nothing is half-written.

    Returns the number of passes made.
    """
    passes = 0
    while not stop.is_set():
        report = poll(store, fetcher, settings, stop=stop)
        passes += 1
        if on_report:
            on_report(report)
        due = store.next_due()
        wait = max_sleep if due is None else (due - datetime.now(UTC)).total_seconds()
        stop.wait(min(max(wait, 0.5), max_sleep))
    return passes


def reextract(store: Store, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Extract every stored raw page again with the current extractor; return how many
    versions changed."""
    stored = store.raw_versions()
    changed = 0
    for done, (version_id, url, raw_type) in enumerate(stored, 1):
        raw = store.raw_html(version_id)
        if raw_type == "text/plain":
            article = extract_text(decode_html(raw), url=url)
        else:
            article = extract_article(raw, url=url)
        if article.content_hash() != store.version_by_id(version_id).content_hash:
            store.replace_article(version_id, article)
            changed += 1
        if on_progress:
            on_progress(done, len(stored))
    return changed


def follow_list(
    store: Store,
    fetcher: Fetcher,
    entries: list[FeedListEntry],
    settings: Settings,
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
                source = follow(store, fetcher, entry.url, interval, settings, now)
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
