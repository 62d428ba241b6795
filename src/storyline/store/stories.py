"""Database side of stories: which page is in which story, and each story's summary.

Kept apart from ``db.py`` like ``duplicates.py``: the functions take a ``Store``. Threading
is online (``storyline.stories.threading``): the stored stories are always what one pass
over every threaded page version, in the order threading saw them, gives. That order and
each version's prepared input are logged (``storyline.store.story_state``), so
``thread_new_versions`` threads only the new pages into a threader kept by the process
and rewrites only the stories they touched, and ``rethread`` replays the whole log:
page by page, in batches, or all at once, the stories agree by construction.
Writes are one transaction (``BEGIN IMMEDIATE`` on SQLite, like every Store write).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from storyline.config import Settings
from storyline.errors import NotFoundError
from storyline.model import Article, Entity, Story, TimelineEntry
from storyline.store import schema, story_state
from storyline.store.db import Store
from storyline.store.engine import store_errors
from storyline.store.story_writes import (
    FreshPage,
    ThreadReport,
    in_threading_order,
    items,
    prepare_fresh,
    stories_table,
    thread_pages,
)
from storyline.stories.entities import EntityRecognizer
from storyline.stories.threading import ThreadingOptions

__all__ = [
    "ThreadReport",
    "rethread",
    "stories",
    "story",
    "story_of",
    "thread_new_versions",
]

_p, _v = schema.pages, schema.versions


def thread_new_versions(
    store: Store,
    urls: Iterable[str] | None = None,
    settings: Settings | None = None,
    recognizer: EntityRecognizer | None = None,
    positions: Mapping[str, int] | None = None,
    workers: int = 1,
) -> ThreadReport:
    """Thread the latest versions of these pages (default: every stored page) into stories.

    Pages whose latest version is already threaded are skipped after one cheap query, so
    ``poll``, ``watch`` and ``ingest`` can call it after each pass with the pages they
    visited, or with no URLs at all. Only the new pages are read; the stories they join or
    merge are rewritten. Pass a ``recognizer`` to reuse a loaded spaCy model, or
    ``workers`` to find the entities of many pages in that many processes.

    The new pages are threaded in a defined order that depends only on the input: their
    publication time (else first capture), then their place in ``positions`` (URL -> its
    first position in the caller's input, as ``ingest`` gives), then their URL; never the
    order in which they happened to be stored.
    """
    started, cpu = time.perf_counter(), time.process_time()
    settings = settings or _default_settings()
    options = _options(settings)
    report = ThreadReport()
    pending = _pending(store, urls)
    worker_cpu: dict[int, float] = {}
    if pending:
        fresh = in_threading_order(
            prepare_fresh(pending, options, recognizer, settings, workers, worker_cpu),
            positions or {},
        )
        thread_pages(store, options, fresh, report, rebuild=False)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu + sum(worker_cpu.values())
    return report


def rethread(
    store: Store,
    settings: Settings | None = None,
    recognizer: EntityRecognizer | None = None,
    workers: int = 1,
) -> ThreadReport:
    """Rebuild every story: thread any stored page not threaded yet, then replay the
    whole threading log and rewrite every story."""
    started = time.perf_counter()
    settings = settings or _default_settings()
    options = _options(settings)
    report = ThreadReport()
    pending = _pending(store, None)
    fresh: list[FreshPage] = []
    if pending:
        fresh = in_threading_order(
            prepare_fresh(pending, options, recognizer, settings, workers), {}
        )
    story_state.forget(store)
    thread_pages(store, options, fresh, report, rebuild=True)
    report.seconds = time.perf_counter() - started
    return report


def stories(store: Store, since: datetime | None = None) -> list[Story]:
    """Every stored story (updated at or after ``since``), most recently updated first."""
    query = select(stories_table).order_by(
        stories_table.c.last_updated.desc(), stories_table.c.id.desc()
    )
    if since is not None:
        query = query.where(stories_table.c.last_updated >= since)
    with store_errors("listing stories"), store.engine.connect() as conn:
        rows = conn.execute(query).all()
        members = _members(conn, [r.id for r in rows])
    return [_story(row, members.get(row.id, [])) for row in rows]


def story(store: Store, story_id: int) -> Story:
    """One stored story; ``NotFoundError`` when there is no such story."""
    with store_errors(f"reading story {story_id}"), store.engine.connect() as conn:
        row = conn.execute(select(stories_table).where(stories_table.c.id == story_id)).first()
        if row is None:
            raise NotFoundError(
                f"there is no story {story_id}; `storyline stories` lists the stories"
            )
        return _story(row, _members(conn, [story_id]).get(story_id, []))


def story_of(store: Store, url: str) -> Story | None:
    """The story the page at ``url`` is in, or None when it is not threaded yet."""
    query = select(items.c.story_id).join(_p, _p.c.id == items.c.page_id).where(_p.c.url == url)
    with store_errors(f"finding the story of {url}"), store.engine.connect() as conn:
        story_id = conn.execute(query).scalar_one_or_none()
    return None if story_id is None else story(store, story_id)


def _options(settings: Settings) -> ThreadingOptions:
    return ThreadingOptions(half_life=settings.story_half_life)


def _default_settings() -> Settings:
    return Settings()  # every setting at its default


def _pending(store: Store, urls: Iterable[str] | None) -> list[Any]:
    """Pages (of ``urls``, or all) whose latest version is not the one threaded, with
    that version's article, first seen first. Only those articles are read."""
    query = (
        select(
            _p.c.id.label("page_id"),
            _p.c.url,
            _p.c.first_seen,
            _p.c.latest_version_id.label("version_id"),
            items.c.page_id.label("known"),
        )
        .outerjoin(items, items.c.page_id == _p.c.id)
        .where(
            _p.c.latest_version_id.is_not(None),
            or_(items.c.version_id.is_(None), items.c.version_id != _p.c.latest_version_id),
        )
        .order_by(_p.c.first_seen, _p.c.id)
    )
    with store_errors("reading pages to thread"), store.engine.connect() as conn:
        if urls is None:
            rows = list(conn.execute(query).all())
        else:
            wanted, rows = list(dict.fromkeys(urls)), []
            for start in range(0, len(wanted), 500):
                chunk = query.where(_p.c.url.in_(wanted[start : start + 500]))
                rows.extend(conn.execute(chunk).all())
            rows.sort(key=lambda r: (r.first_seen, r.page_id))
        articles = _articles(conn, [r.version_id for r in rows])
    return [(row, articles[row.version_id]) for row in rows]


def _articles(conn: Connection, version_ids: list[int]) -> dict[int, Article]:
    found = {}
    for start in range(0, len(version_ids), 500):
        chunk = version_ids[start : start + 500]
        for row in conn.execute(select(_v.c.id, _v.c.article_json).where(_v.c.id.in_(chunk))):
            found[row.id] = Article.from_dict(json.loads(row.article_json))
    return found


def _members(conn: Connection, story_ids: list[int]) -> dict[int, list[str]]:
    query = (
        select(items.c.story_id, _p.c.url)
        .join(_p, _p.c.id == items.c.page_id)
        .where(items.c.story_id.in_(story_ids))
        .order_by(items.c.seq)
    )
    found: dict[int, list[str]] = {}
    for row in conn.execute(query):
        found.setdefault(row.story_id, []).append(row.url)
    return found


def _story(row: Any, urls: list[str]) -> Story:
    return Story(
        id=row.id,
        title=row.title,
        articles=urls,
        entities=[Entity(**e) for e in json.loads(row.entities_json)],
        timeline=[TimelineEntry(**t) for t in json.loads(row.timeline_json)],
        first_seen=row.first_seen,
        last_updated=row.last_updated,
    )
