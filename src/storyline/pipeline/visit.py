"""One page: fetch it (conditional GET), extract its article, store a version, and
schedule the next visit; plus ``reextract`` over the stored raw pages.

A page that fails (slow, broken, too large, forbidden, over its extraction budget) is
recorded with its error and rescheduled with backoff, and the caller goes on with the
next page. Pages are extracted by an ``Extractor`` (``storyline.sandbox``): in worker
processes under the ``extract_budget`` and ``extract_memory_mb`` limits.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storyline.config import Settings, load_settings
from storyline.errors import BudgetError, StoreError, StorylineError
from storyline.model import Article, Change, Version
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.storing import replace_article, store_version
from storyline.sandbox import Extractor
from storyline.sandbox.work import extract_page_bytes
from storyline.sources.fetch import Fetcher, FetchResult
from storyline.sources.schedule import (
    backoff_after_failure,
    next_article_visit,
)
from storyline.store import PageRow, Store

log = logging.getLogger(__name__)


@dataclass
class VisitResult:
    """What one page visit did: outcome is new, changed, unchanged, not_modified or failed;
    a failure over the extraction budget has its ``problem`` (too_slow, too_big)."""

    url: str
    outcome: str
    version: Version | None = None
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    problem: str | None = None


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
    stories_written: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)  # too_slow, too_big, feed_limit
    stopped: bool = False

    def add(self, result: VisitResult) -> None:
        """Count one page visit."""
        self.pages_visited += 1
        if result.problem:
            self.problems[result.problem] += 1
        if result.outcome == "failed":
            self.failures.append((result.url, result.error or "failed"))
        else:
            setattr(self, result.outcome, getattr(self, result.outcome) + 1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["failures"] = [{"url": u, "error": e} for u, e in self.failures]
        data["problems"] = dict(sorted(self.problems.items()))
        return data


Progress = Callable[[int, int, VisitResult], None]


def extract_page(result: FetchResult, extractor: Extractor | None = None) -> Article:
    """The Article of a fetched page, plain text or HTML (the one dispatch,
    ``sandbox.work.extract_page_bytes``); under ``extractor``'s budget when given
    (BudgetError when over it), else in this process."""
    page = (result.content, result.final_url, result.headers.get("content-type"))
    is_text = result.content_type == "text/plain"
    if extractor is not None:
        return extractor.article(*page, is_text=is_text)
    return extract_page_bytes(*page, is_text=is_text)


def validators(result: FetchResult) -> dict[str, str]:
    """The ETag and Last-Modified an answer carries, to store: each is kept until an
    answer replaces it (a 304 or a 200 without one leaves the stored one alone)."""
    found = {"etag": result.etag, "last_modified": result.last_modified}
    return {name: value for name, value in found.items() if value}


@contextlib.contextmanager
def extractor_for(settings: Settings, given: Extractor | None) -> Iterator[Extractor]:
    """``given``, or a new Extractor (``poll_workers`` processes) closed at the end."""
    if given is not None:
        yield given
        return
    with Extractor(settings, workers=settings.poll_workers) as extractor:
        yield extractor


def visit_page(
    store: Store,
    fetcher: Fetcher,
    page: PageRow,
    now: datetime,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
) -> VisitResult:
    """Fetch a page (conditional GET), store a version if it changed, schedule the next visit.

    Without an ``extractor`` the page is extracted in this process, with no budget."""
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
                next_visit_at=next_visit(store, page, now, settings),
            )
            return VisitResult(page.url, "not_modified")
        article = extract_page(result, extractor)
    except StoreError:
        raise
    except StorylineError as err:
        return _page_failed(store, page, now, err)
    fields = {
        **validators(result),
        "failures": 0,
        "error": None,
        "status": result.status,
        "visited_at": now,
    }
    if article.canonical_url:
        fields["canonical_url"] = article.canonical_url
    stored = store_version(
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
    if not stored.created:
        return VisitResult(page.url, "unchanged", stored.version)
    outcome = "new" if stored.version.number == 1 else "changed"
    return VisitResult(page.url, outcome, stored.version, stored.changes)


def next_visit(store: Store, page: PageRow, now: datetime, settings: Settings) -> datetime | None:
    """When to look at ``page`` again, from its history of changes (``sources.schedule``)."""
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
    problem = err.kind if isinstance(err, BudgetError) else None
    return VisitResult(page.url, "failed", error=str(err), problem=problem)


def reextract(
    store: Store,
    on_progress: Callable[[int, int], None] | None = None,
    settings: Settings | None = None,
) -> int:
    """Extract every stored raw page again with the current extractor; return how many
    versions changed (a page's new latest text is indexed for the copy detector again)."""
    copies = CopyIndexer.from_settings(settings or load_settings())
    stored = store.raw_versions()
    changed = 0
    for done, (version_id, url, raw_type) in enumerate(stored, 1):
        article = extract_page_bytes(store.raw_html(version_id), url, raw_type)
        if article.content_hash() != store.version_by_id(version_id).content_hash:
            replace_article(store, version_id, article, copies)
            changed += 1
        if on_progress:
            on_progress(done, len(stored))
    return changed
