"""Threading pages into stored stories: record them, log and thread them, rewrite the
stories they touched (or, for ``rethread``, every story), in one write transaction.

``storyline.store.stories`` holds the public functions and the read side; this module is
the write pass they share. The threader itself and its log live in ``story_state``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, delete, func, insert, select, update
from sqlalchemy.sql.elements import BindParameter

from storyline.config import Settings
from storyline.model import Article, Entity, TimelineEntry
from storyline.store import schema, story_edits, story_snapshots, story_state
from storyline.store.db import Store
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0004_stories
from storyline.store.story_state import Event, LiveThreader
from storyline.stories.entities import EntityRecognizer
from storyline.stories.entities import merge_entities as _merge_entities
from storyline.stories.preparation import (
    PageText,
    prepare_in_processes,
    prepare_pages,
    threadable,
)
from storyline.stories.threading import ThreadingOptions, prepare, thread_item
from storyline.stories.timeline import (
    article_events,
    first_appearances,
    order_and_dedupe,
    revision_events,
)
from storyline.stories.titles import neutral_story_title

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0004_stories.build_tables(_metadata)
items = _TABLES["story_items"]
stories_table = _TABLES["stories"]
_p, _v = schema.pages, schema.versions
TITLE_HEADLINES = 100


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
class _Item:
    page_id: int
    url: str
    first_seen: datetime
    fetched_at: datetime
    version_id: int
    article_json: str
    entities: list[Entity]
    thread_time: float


@dataclass(frozen=True)
class _Facts:
    """What a story's summary needs from one member at one version, kept by the live
    threader so that a story of hundreds of pages is not re-read for each new one."""

    title: str
    published: str
    url: str
    threadable: bool
    events: list[TimelineEntry]  # publication, update blocks, dated statements
    revision_events: list[TimelineEntry]  # updates and corrections its revisions added


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
) -> list[FreshPage]:
    """Entities, thread time and prepared threading input of each pending page (the slow
    text work, done before the write transaction opens): with ``recognizer`` in this
    process, else with the spaCy pipeline of the settings in up to ``workers`` processes."""
    pages = [PageText(str(row.page_id), article, row.first_seen) for row, article in pending]
    lead = settings.entities_lead_words
    if recognizer is not None:
        ready = prepare_pages(pages, recognizer, options, lead)
    else:
        ready = prepare_in_processes(
            pages, options, settings.entities_model, workers, lead, worker_cpu
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
    options: ThreadingOptions,
    fresh: list[FreshPage],
    report: ThreadReport,
    rebuild: bool,
) -> None:
    """Record and thread ``fresh`` in one write transaction; rewrite the stories touched
    (``rebuild``: all of them)."""
    try:
        with _writing(store, "threading pages into stories") as conn:
            if rebuild:
                story_snapshots.discard(conn)
                story_state.add_missing_names(conn)
            live = story_state.live_threader(store, conn, options, snapshot=not rebuild)
            if live.replayed:
                _log_unlogged(conn, live, options)
            merges_before = len(live.threader.merges)
            report.pages_added, report.pages_updated = _record_items(conn, fresh)
            story_state.append(conn, live, [f.event for f in fresh if f.event is not None])
            story_state.save_snapshot_if_due(conn, live)
            merges = live.threader.merges[merges_before:]
            if rebuild:
                written = _write_all(store, conn, live)
            else:
                written = _write_touched(store, conn, live, fresh, merges)
            story_edits.apply_edits(store, conn)  # people's edits outlast every pass
    except BaseException:
        story_state.forget(store)  # the threader may be ahead of what was rolled back
        raise
    report.pages_threaded = live.threader.item_count()
    report.stories = live.threader.story_count()
    report.stories_written, report.merges = written, len(merges)


def write_every_story(store: Store, options: ThreadingOptions) -> int:
    """Place every threaded page and rewrite every story from the store's threader as it
    stands (its snapshot, else a replay of the log), threading nothing: what a bulk load
    of stories threaded elsewhere (``storyline load``) ends with. Returns how many."""
    try:
        with _writing(store, "writing the stories") as conn:
            live = story_state.live_threader(store, conn, options)
            written = _write_all(store, conn, live)
            story_edits.apply_edits(store, conn)
    except BaseException:
        story_state.forget(store)
        raise
    return written


def _log_unlogged(conn: Connection, live: LiveThreader, options: ThreadingOptions) -> None:
    """Pages threaded before the log existed (schema 4): log them once, in arrival order,
    from the version and entities they were threaded with. Only their articles are read."""
    logged = story_state.logged_pages(conn)
    placed = select(items.c.page_id).where(items.c.story_id.is_not(None)).order_by(items.c.seq)
    missing = [page_id for page_id in conn.execute(placed).scalars() if page_id not in logged]
    found = {}
    for start in range(0, len(missing), 500):
        query = (
            select(items, _v.c.article_json)
            .join(_v, _v.c.id == items.c.version_id)
            .where(items.c.page_id.in_(missing[start : start + 500]))
        )
        found.update({row.page_id: row for row in conn.execute(query)})
    events = []
    for page_id in missing:
        row = found[page_id]
        article = Article.from_dict(json.loads(row.article_json))
        entities = [Entity(**e) for e in json.loads(row.entities_json)]
        item = replace(thread_item(article, entities, key=str(page_id)), time=row.thread_time)
        events.append(Event(page_id, row.version_id, prepare(item, options)))
    story_state.append(conn, live, events)


def _record_items(conn: Connection, fresh: Sequence[FreshPage]) -> tuple[int, int]:
    """Store version, entities and thread time of new or changed pages: (added, updated)."""
    seq = conn.execute(select(func.coalesce(func.max(items.c.seq), 0))).scalar_one()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for page in fresh:
        values = {
            "version_id": page.row.version_id,
            "thread_time": page.thread_time,
            "entities_json": page.entities_json,
        }
        if page.row.known is not None:
            changed.append({"key": page.row.page_id, **values})
        else:
            seq += 1
            new.append({"page_id": page.row.page_id, "seq": seq, **values})
    if new:
        conn.execute(insert(items), new)  # one statement, many rows
    if changed:
        names = ("version_id", "thread_time", "entities_json")
        columns: dict[str, BindParameter[Any]] = {c: bindparam(c) for c in names}
        query = update(items).where(items.c.page_id == bindparam("key")).values(**columns)
        conn.execute(query, changed)
    return len(new), len(changed)


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
        conn.execute(update(items).where(items.c.story_id == gone).values(story_id=keep))
    placed = [
        {"key": page.row.page_id, "story": threader.story_of(page.event.item.key)}
        for page in fresh
        if page.event is not None
    ]
    if placed:
        place = update(items).where(items.c.page_id == bindparam("key"))
        conn.execute(place.values(story_id=bindparam("story")), placed)
    page_ids = [page.row.page_id for page in fresh]
    touched: set[int] = set()
    for start in range(0, len(page_ids), 500):
        chunk = page_ids[start : start + 500]
        query = select(items.c.story_id).where(items.c.page_id.in_(chunk))
        touched.update(sid for sid in conn.execute(query).scalars() if sid is not None)
    merged_away = [g for _, g in merges]
    if merged_away:
        conn.execute(delete(stories_table).where(stories_table.c.id.in_(merged_away)))
    return _write_summaries(store, conn, live, _load_members(conn, sorted(touched)))


def _write_all(store: Store, conn: Connection, live: LiveThreader) -> int:
    """Place every page and rewrite every story (``rethread``)."""
    groups = live.threader.stories()
    conn.execute(delete(stories_table).where(stories_table.c.id.not_in(list(groups))))
    conn.execute(update(items).values(story_id=None))
    for sid, keys in groups.items():
        ids = [int(k) for k in keys]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(update(items).where(items.c.page_id.in_(chunk)).values(story_id=sid))
    return _write_summaries(store, conn, live, _load_members(conn, None))


def _write_summaries(
    store: Store, conn: Connection, live: LiveThreader, groups: dict[int, list[_Item]]
) -> int:
    counts = _version_counts(conn, [m.page_id for group in groups.values() for m in group])
    rows = [
        {"id": sid, **_summarise(store, conn, live, group, counts)} for sid, group in groups.items()
    ]
    ids = list(groups)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(delete(stories_table).where(stories_table.c.id.in_(chunk)))
    if rows:
        conn.execute(insert(stories_table), rows)
    return len(groups)


def _load_members(conn: Connection, story_ids: list[int] | None) -> dict[int, list[_Item]]:
    """The pages of these stories (None: of every story), in arrival order."""
    query = (
        select(items, _p.c.url, _p.c.first_seen, _v.c.fetched_at, _v.c.article_json)
        .join(_p, _p.c.id == items.c.page_id)
        .join(_v, _v.c.id == items.c.version_id)
        .where(items.c.story_id.is_not(None))
        .order_by(items.c.seq)
    )
    if story_ids is not None:
        query = query.where(items.c.story_id.in_(story_ids))
    groups: dict[int, list[_Item]] = {}
    for r in conn.execute(query):
        item = _Item(
            r.page_id,
            r.url,
            r.first_seen,
            r.fetched_at,
            r.version_id,
            r.article_json,
            [Entity(**e) for e in json.loads(r.entities_json)],
            r.thread_time,
        )
        groups.setdefault(r.story_id, []).append(item)
    return groups


def _summarise(
    store: Store,
    conn: Connection,
    live: LiveThreader,
    members: list[_Item],
    counts: dict[int, int],
) -> dict[str, Any]:
    """A story's stored columns: title, times, merged entities and timeline (from the
    members that still have an article; a page may have lost it in a later version).

    The title is the most central of the latest ``TITLE_HEADLINES`` headlines: centrality
    compares every pair, and a developing story is named by what it says now.
    """
    facts = _member_facts(store, live, members, counts)
    kept = [(m, f) for m, f in zip(members, facts, strict=True) if f.threadable]
    kept = kept or list(zip(members, facts, strict=True))
    by_date = sorted((f for _, f in kept), key=lambda f: (f.published, f.url))
    timeline = order_and_dedupe(
        [e for f in by_date for e in f.events] + [e for _, f in kept for e in f.revision_events]
    )
    entities = _merge_entities(m.entities for m, _ in kept)
    headlines = [(f.title, m.url) for m, f in kept][-TITLE_HEADLINES:]
    return {
        "title": neutral_story_title(headlines) or kept[0][0].url,
        "article_count": len(kept),
        "first_seen": min(m.first_seen for m, _ in kept),
        "last_updated": max(m.fetched_at for m, _ in kept),
        "entities_json": json.dumps([asdict(e) for e in entities], ensure_ascii=False),
        "timeline_json": json.dumps([asdict(t) for t in timeline], ensure_ascii=False),
    }


def _member_facts(
    store: Store, live: LiveThreader, members: list[_Item], counts: dict[int, int]
) -> list[_Facts]:
    """Each member's ``_Facts``, from the live threader's memory when its version (and
    its number of versions, ``counts`` by page) is the one remembered; revisions are
    read only for pages that have some."""
    found = []
    for member in members:
        key = (member.version_id, counts.get(member.page_id, 1))
        remembered = live.memo.get(member.page_id)
        facts = remembered[1] if remembered and remembered[0] == key else None
        if facts is None:
            article = Article.from_dict(json.loads(member.article_json))
            revisions, first_seen = [], {}
            if key[1] > 1:
                versions = store.versions(member.url)
                revisions = [(v, store.changes(v.id)) for v in versions[1:] if v.id is not None]
                first_seen = first_appearances(versions)
            facts = _Facts(
                article.title or "",
                article.published or "",
                article.url or "",
                threadable(article),
                article_events(article, first_seen),
                revision_events(revisions),
            )
            live.memo[member.page_id] = (key, facts)  # one entry per page
        found.append(facts)
    return found


def _version_counts(conn: Connection, page_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for start in range(0, len(page_ids), 500):
        chunk = page_ids[start : start + 500]
        query = (
            select(_v.c.page_id, func.count()).where(_v.c.page_id.in_(chunk)).group_by(_v.c.page_id)
        )
        counts.update({page_id: count for page_id, count in conn.execute(query)})
    return counts


@contextlib.contextmanager
def _writing(store: Store, what: str) -> Iterator[Connection]:
    writer = store.engine.execution_options(**{WRITE_OPTION: True})
    with store_errors(what), writer.begin() as conn:
        yield conn
