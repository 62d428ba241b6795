"""One pass over everything due (``poll``), and passes until stopped (``watch``).

Feeds and sitemaps due are read first (new pages are added), then the pages due are
visited, both in host lanes (``lanes.py``): up to ``poll_hosts`` hosts at once, each
host's items one at a time, so a slow or hanging host delays only its own pages. The
Fetcher throttles per host and bounds every request by its deadline; the Store
serialises writes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from storyline.config import Settings
from storyline.errors import FeedError, StoreError, StorylineError
from storyline.pipeline.lanes import run_lanes
from storyline.pipeline.visit import (
    PollReport,
    Progress,
    VisitResult,
    extractor_for,
    validators,
    visit_page,
)
from storyline.sandbox import Extractor
from storyline.sources.feeds import parse_feed
from storyline.sources.fetch import Fetcher, FetchResult
from storyline.sources.schedule import backoff_after_failure, next_feed_visit
from storyline.sources.sitemaps import parse_sitemap
from storyline.store import PageRow, SourceRow, Store
from storyline.store.stories import thread_new_versions

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 20


def poll_source(
    store: Store,
    fetcher: Fetcher,
    source: SourceRow,
    now: datetime,
    settings: Settings | None = None,
    report: PollReport | None = None,
) -> int:
    """Read a feed or sitemap and start following the pages it lists; return how many are new.

    Sitemap pages last modified longer ago than ``revisit_max_age`` are left out: a site's
    full sitemap lists years of articles that will not change any more. At most
    ``feed_max_items`` entries are taken, the newest first; a cut is logged and counted in
    ``report.problems["feed_limit"]``.
    """
    settings = settings or fetcher.settings
    oldest = now - timedelta(seconds=settings.revisit_max_age)
    try:
        result = fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        entries, title = (
            ([], None) if result.not_modified else _source_entries(fetcher, source, result, oldest)
        )
        entries = _newest(entries, settings.feed_max_items, source.url, report)
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
        **validators(result),
        "next_visit_at": next_feed_visit(now, source.interval_s),
    }
    if title:
        fields["title"] = title
    store.update_source_fetch(source.id, **fields)
    return len(fresh)


Entry = tuple[str, str | None, str | None]  # url, title, date as the source gave it


def _source_entries(
    fetcher: Fetcher, source: SourceRow, result: FetchResult, oldest: datetime
) -> tuple[list[Entry], str | None]:
    if source.kind == "feed":
        feed = parse_feed(result.content, result.final_url)
        return [(e.url, e.title, e.published) for e in feed.entries if e.url], feed.title
    if source.kind == "sitemap":
        sitemap = parse_sitemap(result.content, result.final_url)
        pages = list(sitemap.pages)
        for child in sitemap.sitemaps[:MAX_CHILD_SITEMAPS]:
            pages += parse_sitemap(fetcher.fetch(child).content, child).pages
        dated = [(p.url, p.title, p.lastmod or p.published) for p in pages]
        return [e for e in dated if _recent(e[2], oldest)], None
    raise FeedError(f"source {source.url} is of kind {source.kind!r}, which has no page list")


def _newest(
    entries: list[Entry], limit: int, url: str, report: PollReport | None
) -> list[tuple[str, str | None]]:
    """At most ``limit`` entries (0: all), the newest first: dated entries by date, then
    undated ones in the source's own order (feeds list the newest first)."""
    if 0 < limit < len(entries):
        order = sorted(range(len(entries)), key=lambda i: _sort_key(entries[i][2], i))
        kept = sorted(order[:limit])  # back in the source's order
        log.warning(
            "%s lists %d items; the newest %d are followed (feed_max_items)",
            url,
            len(entries),
            limit,
        )
        if report is not None:
            report.problems["feed_limit"] += 1
        entries = [entries[i] for i in kept]
    return [(entry_url, title) for entry_url, title, _ in entries]


def _sort_key(stamp: str | None, index: int) -> tuple[int, float, int]:
    """Dated entries first, newest first; then the rest in order."""
    when = _parse_stamp(stamp)
    return (0, -when.timestamp(), index) if when else (1, 0.0, index)


def _parse_stamp(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(stamp)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _recent(stamp: str | None, oldest: datetime) -> bool:
    """True unless ``stamp`` is a readable date older than ``oldest``."""
    when = _parse_stamp(stamp)
    return when is None or when >= oldest


def poll(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    now: datetime | None = None,
    visit_all: bool = False,
    on_progress: Progress | None = None,
    stop: threading.Event | None = None,
    extractor: Extractor | None = None,
) -> PollReport:
    """One pass: every feed and sitemap due, then every page due (``visit_all``: everything).

    Pages are extracted by ``extractor`` (default: ``poll_workers`` budgeted worker
    processes for this pass)."""
    now = now or datetime.now(UTC)
    report = PollReport()
    stop = stop or threading.Event()
    sources = (
        [s for s in store.sources() if s.kind != "article"] if visit_all else store.sources_due(now)
    )
    _poll_sources(store, fetcher, settings, sources, now, report, stop)
    pages = store.pages_followed() if visit_all else store.pages_due(now)
    if pages:
        with extractor_for(settings, extractor) as pages_extractor:
            _visit_all(
                store, fetcher, settings, pages, now, report, on_progress, stop, pages_extractor
            )
    if not stop.is_set():
        # threading skips pages already threaded at their latest version: one query if idle
        report.stories_written = thread_new_versions(store, settings=settings).stories_written
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
        return poll_source(store, fetcher, source, now, settings, report)

    lanes = run_lanes(sources, lambda s: s.url, one, settings.poll_hosts, stop)
    for source, new_pages, error in lanes:
        if isinstance(error, StoreError) or (error and not isinstance(error, StorylineError)):
            raise error
        if error is not None:
            report.failures.append((source.url, str(error)))
        else:
            report.new_pages += new_pages or 0
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
    extractor: Extractor,
) -> None:
    def one(page: PageRow) -> VisitResult:
        try:
            return visit_page(store, fetcher, page, now, settings, extractor)
        except StoreError:
            raise
        except Exception as err:  # an extractor bug must not stop the other pages
            log.exception("visiting %s failed", page.url)
            return VisitResult(page.url, "failed", error=f"internal error: {err!r}")

    lanes = run_lanes(pages, lambda p: p.url, one, settings.poll_hosts, stop)
    for done, (_page, result, error) in enumerate(lanes, 1):
        if error is not None:
            raise error
        assert result is not None
        report.add(result)
        if on_progress:
            on_progress(done, len(pages), result)


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
    with extractor_for(settings, None) as extractor:  # one set of workers for every pass
        while not stop.is_set():
            report = poll(store, fetcher, settings, stop=stop, extractor=extractor)
            passes += 1
            if on_report:
                on_report(report)
            due = store.next_due()
            wait = max_sleep if due is None else (due - datetime.now(UTC)).total_seconds()
            stop.wait(min(max(wait, 0.5), max_sleep))
    return passes
