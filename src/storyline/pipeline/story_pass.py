"""The threading pass: record pages, log and thread them, rewrite the stories they touched
(or, for ``rethread``, every story), in one write transaction.

``storyline.pipeline.stories`` holds the public functions; this module is the write pass
they share. The threader and its log are ``story_threader``'s; the tables are written by
the store's small functions (``store.story_writes``); the summaries are computed by
``story_summaries``; people's edits are applied last (``story_edits``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import Connection

from storyline.config import Settings
from storyline.model import Article, Entity
from storyline.pipeline.story_edits import apply_edits
from storyline.pipeline.story_summaries import write_summaries
from storyline.pipeline.story_threader import Event, LiveThreader, add_missing_names
from storyline.store import story_log, story_snapshots, story_writes
from storyline.store.db import Store
from storyline.store.story_writes import ItemValues
from storyline.stories.entities import EntityRecognizer
from storyline.stories.preparation import PageText, prepare_in_processes, prepare_pages
from storyline.stories.threading import ThreadingOptions, prepare, thread_item


@dataclass
class ThreadReport:
    """What one threading run did."""

    pages_added: int = 0
    pages_updated: int = 0
    pages_threaded: int = 0
    stories: int = 0
    stories_written: int = 0
    merges: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process and its entity workers (loading included)


@dataclass
class FreshPage:
    """A page whose latest version is not threaded yet, ready to record and thread."""

    row: Any
    thread_time: float
    entities_json: str
    event: Event | None  # None: nothing to thread (no article, or an empty one)


def prepare_fresh(
    pending: Sequence[tuple[Any, Article]],
    options: ThreadingOptions,
    recognizer: EntityRecognizer | None,
    settings: Settings,
    workers: int,
    worker_cpu: dict[int, float] | None = None,
    progress: Callable[[int], None] | None = None,
    signatures: Mapping[int, bytes] | None = None,
) -> list[FreshPage]:
    """Entities, thread time and prepared threading input of each pending page (the slow
    text work, done before the write transaction opens): with ``recognizer`` in this
    process, else with the spaCy pipeline of the settings in up to ``workers`` processes
    (``progress`` told the pages prepared so far). ``signatures`` (by page id) are the
    copy detector's, stored with the pages, so they are not computed again."""
    known = signatures or {}
    pages = [
        PageText(str(row.page_id), article, row.first_seen, known.get(row.page_id))
        for row, article in pending
    ]
    lead = settings.entities_lead_words
    if recognizer is not None:
        ready = prepare_pages(pages, recognizer, options, lead)
    else:
        ready = prepare_in_processes(
            pages, options, settings.entities_model, workers, lead, worker_cpu, progress
        )
    return [
        FreshPage(
            row,
            page.thread_time,
            json.dumps([asdict(e) for e in page.entities]),
            Event(row.page_id, row.version_id, page.item) if page.item is not None else None,
        )
        for (row, _), page in zip(pending, ready, strict=True)
    ]


def in_threading_order(fresh: Sequence[FreshPage], positions: Mapping[str, int]) -> list[FreshPage]:
    """``fresh`` in the order they are threaded: thread time (publication, else first
    capture), then position in the input (``positions``; pages not in it after the
    others), then URL. Threading is order-dependent by design, so this order must come
    from the input alone, not from which extraction worker finished first."""
    last = len(positions)
    return sorted(fresh, key=lambda f: (f.thread_time, positions.get(f.row.url, last), f.row.url))


def thread_pages(
    store: Store,
    live: LiveThreader,
    options: ThreadingOptions,
    fresh: list[FreshPage],
    report: ThreadReport,
    rebuild: bool,
) -> None:
    """Record and thread ``fresh`` in one write transaction; rewrite the stories touched
    (``rebuild``: all of them)."""
    try:
        with store.writing("threading pages into stories") as conn:
            if rebuild:
                story_snapshots.discard(conn)
                add_missing_names(conn)
            live.catch_up(conn, options, snapshot=not rebuild)
            if live.replayed:
                _log_unlogged(conn, live, options)
            merges_before = len(live.threader.merges)
            report.pages_added, report.pages_updated = story_writes.record_items(
                conn, [_values(f) for f in fresh]
            )
            live.append(conn, [f.event for f in fresh if f.event is not None])
            live.save_snapshot_if_due(conn)
            merges = live.threader.merges[merges_before:]
            if rebuild:
                written = _write_all(store, conn, live)
            else:
                written = _write_touched(store, conn, live, fresh, merges)
            apply_edits(store, conn)  # people's edits outlast every pass
    except BaseException:
        live.forget()  # the threader may be ahead of what was rolled back
        raise
    report.pages_threaded = live.threader.item_count()
    report.stories = live.threader.story_count()
    report.stories_written, report.merges = written, len(merges)


def write_every_story(store: Store, options: ThreadingOptions, live: LiveThreader) -> int:
    """Place every threaded page and rewrite every story from the store's threader as it
    stands (its snapshot, else a replay of the log), threading nothing: what a bulk load
    of stories threaded elsewhere (``storyline load``) ends with. Returns how many."""
    try:
        with store.writing("writing the stories") as conn:
            live.catch_up(conn, options)
            written = _write_all(store, conn, live)
            apply_edits(store, conn)
    except BaseException:
        live.forget()
        raise
    return written


def _values(page: FreshPage) -> ItemValues:
    row = page.row
    known = row.known is not None
    return ItemValues(row.page_id, row.version_id, page.thread_time, page.entities_json, known)


def _log_unlogged(conn: Connection, live: LiveThreader, options: ThreadingOptions) -> None:
    """Pages threaded before the log existed (schema 4): log them once, in arrival order,
    from the version and entities they were threaded with. Only their articles are read."""
    logged = story_log.logged_pages(conn)
    missing = [p for p in story_writes.placed_in_order(conn) if p not in logged]
    found = story_writes.items_with_articles(conn, missing)
    events = []
    for page_id in missing:
        row = found[page_id]
        article = Article.from_dict(json.loads(row.article_json))
        entities = [Entity(**e) for e in json.loads(row.entities_json)]
        item = replace(thread_item(article, entities, key=str(page_id)), time=row.thread_time)
        events.append(Event(page_id, row.version_id, prepare(item, options)))
    live.append(conn, events)


def _write_touched(
    store: Store,
    conn: Connection,
    live: LiveThreader,
    fresh: Sequence[FreshPage],
    merges: Sequence[tuple[int, int]],
) -> int:
    """Move the pages of merged-away stories, place the new pages, and rewrite the
    stories the new pages are in now; returns how many stories were written."""
    threader = live.threader
    for keep, gone in merges:
        story_writes.move_story(conn, gone, keep)
    story_writes.place(
        conn,
        {
            page.row.page_id: threader.story_of(page.event.item.key)
            for page in fresh
            if page.event is not None
        },
    )
    touched = story_writes.stories_of(conn, [page.row.page_id for page in fresh])
    story_writes.delete_stories(conn, [g for _, g in merges])
    groups = story_writes.load_members(conn, sorted(touched))
    return write_summaries(store, conn, live.memo, groups)


def _write_all(store: Store, conn: Connection, live: LiveThreader) -> int:
    """Place every page and rewrite every story (``rethread``)."""
    groups = live.threader.stories()
    story_writes.place_every(conn, {sid: [int(k) for k in keys] for sid, keys in groups.items()})
    return write_summaries(store, conn, live.memo, story_writes.load_members(conn, None))
