"""One pass over everything due (``poll``), and passes until stopped (``watch``).

Feeds and sitemaps due are read first (new pages are added), then the pages due are
visited, both in host lanes (``lanes.py``): up to ``poll_hosts`` hosts at once, each
host's items one at a time, so a slow or hanging host delays only its own pages. The
Fetcher throttles per host and bounds every request by its deadline; the Store
serialises writes.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from storyline.config import Settings
from storyline.errors import FeedError, StoreError, StorylineError
from storyline.pipeline.lanes import run_lanes_over
from storyline.pipeline.story_threader import LiveThreader
from storyline.pipeline.threading_pass import thread_stored
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
from storyline.store import PageRow, SourceRow, Store, claims

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 20
CLAIMS_PER_LANE = 4  # a claimed batch keeps each host lane busy for a few pages


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
        listed, title = (
            ([], None) if result.not_modified else _source_entries(fetcher, source, result, oldest)
        )
        entries = _newest(listed, settings.feed_max_items, source.url, report)
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


def default_worker() -> str:
    """This follower's name in the store's claims: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def poll(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    now: datetime | None = None,
    visit_all: bool = False,
    on_progress: Progress | None = None,
    stop: threading.Event | None = None,
    extractor: Extractor | None = None,
    worker: str | None = None,
    threader: LiveThreader | None = None,
) -> PollReport:
    """One pass: every feed and sitemap due, then every page due (``visit_all``: everything).

    What is due is claimed in batches (``store.claims``), so several followers on one
    database (``watch`` processes on one or many machines, a ``poll`` from cron beside a
    ``watch``) split the work and visit each item once per due time. Pages are extracted by
    ``extractor`` (default: ``poll_workers`` budgeted worker processes for this pass), and
    threaded into stories by ``threader`` (the store's, kept between passes by ``watch``;
    default: one for this pass, from the threader's snapshot)."""
    now = now or datetime.now(UTC)
    report = PollReport()
    stop = stop or threading.Event()
    work = _Work(store, settings, now, worker or default_worker(), visit_all)
    feeds = work.batches(claims.claim_sources, lambda: _feeds_and_sitemaps(store), stop)
    _poll_sources(store, fetcher, settings, feeds, now, report, stop, work)
    pages = work.batches(claims.claim_pages, store.pages_followed, stop)
    with extractor_for(settings, extractor) as pages_extractor:
        _visit_all(
            store, fetcher, settings, pages, now, report, on_progress, stop, pages_extractor, work
        )
    if not stop.is_set():
        # threading skips pages already threaded at their latest version: one query if idle
        threaded = thread_stored(store, settings, threader=threader)
        report.stories_written = threaded.stories_written
    report.stopped = stop.is_set()
    return report


def _feeds_and_sitemaps(store: Store) -> list[SourceRow]:
    """Every source with a page list (a followed article is visited as a page)."""
    return [s for s in store.sources() if s.kind != "article"]


class _Work:
    """What one pass works through: claimed batches of due items (everything, unclaimed,
    with ``visit_all``), released one by one as they are visited."""

    def __init__(
        self, store: Store, settings: Settings, now: datetime, worker: str, visit_all: bool
    ) -> None:
        self.store, self.now, self.worker, self.visit_all = store, now, worker, visit_all
        self.lease = settings.claim_lease
        self.size = max(4, settings.poll_hosts * CLAIMS_PER_LANE)
        self.claimed = 0
        self.started = time.monotonic()

    def batches(
        self, claim: Callable[..., list[Any]], everything: Callable[[], list[Any]], stop: Any
    ) -> Iterator[list[Any]]:
        """Claimed batches until nothing is left (one batch of all items for visit_all)."""
        if self.visit_all:
            items = everything()
            self.claimed += len(items)
            yield items
            return
        while not stop.is_set():
            # due by the pass's time moved on by the seconds the pass has taken: pages
            # another follower found in its feeds a moment ago are shared out in this pass
            # too. Never the wall clock itself: a pass run at another time (``now`` in the
            # past) would find every page it just visited due again, and never end.
            due_by = self.now + timedelta(seconds=time.monotonic() - self.started)
            batch = claim(self.store, due_by, self.worker, self.lease, self.size)
            if not batch:
                return
            self.claimed += len(batch)
            yield batch

    def hold(self, kind: str, item_id: int) -> bool:
        """Whether the item is still ours to visit (always, with visit_all)."""
        if self.visit_all:
            return True
        return claims.renew(self.store, kind, item_id, self.worker, self.lease)

    def done(self, kind: str, item_id: int) -> None:
        """Release a visited item's claim (nothing to release for visit_all)."""
        if not self.visit_all:
            claims.release(self.store, kind, item_id, self.worker, datetime.now(UTC))


def _poll_sources(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    sources: Iterator[list[SourceRow]],
    now: datetime,
    report: PollReport,
    stop: threading.Event,
    work: _Work,
) -> None:
    def one(source: SourceRow) -> int | None:
        if not work.hold("source", source.id):
            return None  # our claim ran out and another follower took it over
        try:
            return poll_source(store, fetcher, source, now, settings, report)
        finally:
            work.done("source", source.id)

    lanes = run_lanes_over(sources, lambda s: s.url, one, settings.poll_hosts, stop, work.size)
    for source, new_pages, error in lanes:
        if isinstance(error, StoreError) or (error and not isinstance(error, StorylineError)):
            raise error
        if error is None and new_pages is None:
            continue  # another follower's now
        if error is not None:
            report.failures.append((source.url, str(error)))
        else:
            report.new_pages += new_pages or 0
        report.sources_polled += 1


def _visit_all(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    pages: Iterator[list[PageRow]],
    now: datetime,
    report: PollReport,
    on_progress: Progress | None,
    stop: threading.Event,
    extractor: Extractor,
    work: _Work,
) -> None:
    def one(page: PageRow) -> VisitResult | None:
        if not work.hold("page", page.id):
            return None  # our claim ran out and another follower took it over
        try:
            result = visit_page(store, fetcher, page, now, settings, extractor)
        except StoreError:
            raise
        except Exception as err:  # an extractor bug must not stop the other pages
            log.exception("visiting %s failed", page.url)
            result = VisitResult(page.url, "failed", error=f"internal error: {err!r}")
        work.done("page", page.id)
        return result

    lanes = run_lanes_over(pages, lambda p: p.url, one, settings.poll_hosts, stop, work.size)
    for _page, result, error in lanes:
        if error is not None:
            raise error
        if result is None:
            continue
        report.add(result)
        if on_progress:
            on_progress(report.pages_visited, work.claimed, result)


def watch(
    store: Store,
    fetcher: Fetcher,
    settings: Settings,
    stop: threading.Event,
    on_report: Callable[[PollReport], None] | None = None,
    max_sleep: float = 60.0,
    worker: str | None = None,
) -> int:
    """Poll until ``stop`` is set; pages in progress finish, nothing is half-written.

    Several ``watch`` processes on one database share the work (see ``poll``). Returns the
    number of passes made.
    """
    passes = 0
    worker = worker or default_worker()
    threader = LiveThreader()  # one threader for every pass, caught up with the log each time
    with extractor_for(settings, None) as extractor:  # one set of workers for every pass
        while not stop.is_set():
            report = poll(
                store,
                fetcher,
                settings,
                stop=stop,
                extractor=extractor,
                worker=worker,
                threader=threader,
            )
            passes += 1
            if on_report:
                on_report(report)
            due = store.next_due()
            wait = max_sleep if due is None else (due - datetime.now(UTC)).total_seconds()
            stop.wait(min(max(wait, 0.5), max_sleep))
    return passes
