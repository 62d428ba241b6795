"""Database side of stories: which page is in which story, and each story's summary.

Kept apart from ``db.py`` like ``duplicates.py``: the functions take a ``Store``. Threading
is online (``storyline.stories.threading``), and the stored stories are always what one
pass over every threaded page, in arrival order, gives: ``thread_new_versions`` appends
the new pages to that order, replays the pass (entities come from the database, so no
spaCy is needed for pages already seen) and rewrites only the stories that changed. So
threading page by page, threading in batches, and ``rethread`` agree by construction.
Writes are one transaction (``BEGIN IMMEDIATE`` on SQLite, like every Store write).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, MetaData, delete, func, insert, or_, select, update

from storyline.config import SETTINGS, Settings
from storyline.errors import NotFoundError
from storyline.model import Article, Entity, Story, TimelineEntry
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0004_stories
from storyline.stories.entities import EntityRecognizer, SpacyRecognizer, extract_entities
from storyline.stories.entities import merge_entities as _merge_entities
from storyline.stories.threading import StoryThreader, ThreadingOptions, thread_item
from storyline.stories.timeline import build_timeline
from storyline.stories.titles import story_title

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0004_stories.build_tables(_metadata)
items = _TABLES["story_items"]
stories_table = _TABLES["stories"]
_p, _v = schema.pages, schema.versions


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


@dataclass
class _Item:
    page_id: int
    url: str
    first_seen: datetime
    fetched_at: datetime
    version_id: int
    article: Article
    entities: list[Entity]
    thread_time: float


def thread_new_versions(
    store: Store,
    urls: Iterable[str] | None = None,
    settings: Settings | None = None,
    recognizer: EntityRecognizer | None = None,
) -> ThreadReport:
    """Thread the latest versions of these pages (default: every stored page) into stories.

    Pages whose latest version is already threaded are skipped after one cheap query, so
    ``poll``, ``watch`` and ``ingest`` can call it after each pass with the pages they
    visited, or with no URLs at all. Pass a ``recognizer`` to reuse a loaded spaCy model.
    """
    started = time.perf_counter()
    settings = settings or _default_settings()
    report = ThreadReport()
    fresh = _pending(store, urls)
    if fresh:
        recognizer = recognizer or SpacyRecognizer(settings.entities_model)
        report.pages_added, report.pages_updated = _record_items(store, fresh, recognizer)
        _rebuild(store, settings, {row.page_id for row, _ in fresh}, report)
    report.seconds = time.perf_counter() - started
    return report


def rethread(
    store: Store, settings: Settings | None = None, recognizer: EntityRecognizer | None = None
) -> ThreadReport:
    """Rebuild every story: thread any stored page not threaded yet, then rewrite all."""
    started = time.perf_counter()
    settings = settings or _default_settings()
    report = ThreadReport()
    fresh = _pending(store, None)
    if fresh:
        recognizer = recognizer or SpacyRecognizer(settings.entities_model)
        report.pages_added, report.pages_updated = _record_items(store, fresh, recognizer)
    _rebuild(store, settings, None, report)
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


def _default_settings() -> Settings:
    return Settings({s.name: s.default for s in SETTINGS})


def _pending(store: Store, urls: Iterable[str] | None) -> list[Any]:
    """Pages (of ``urls``, or all) whose latest version is not the one threaded, with
    that version's article, first seen first. Only those articles are read."""
    query = (
        select(
            _p.c.id.label("page_id"),
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


def _threadable(article: Article) -> bool:
    return not article.no_article and bool((article.title or "").strip() or article.body_text)


def _record_items(
    store: Store, pending: Sequence[tuple[Any, Article]], recognizer: EntityRecognizer
) -> tuple[int, int]:
    """Store entities and thread time of new or changed pages; returns (added, updated)."""
    added = updated = 0
    prepared = []
    for row, article in pending:
        entities = extract_entities(article, recognizer) if _threadable(article) else []
        moment = thread_item(article, seen_at=row.first_seen).time
        prepared.append((row, moment, json.dumps([asdict(e) for e in entities])))
    with _writing(store, "recording threaded pages") as conn:
        seq = conn.execute(select(func.coalesce(func.max(items.c.seq), 0))).scalar_one()
        for row, moment, entities_json in prepared:
            values = {
                "version_id": row.version_id,
                "thread_time": moment,
                "entities_json": entities_json,
            }
            if row.known is not None:
                conn.execute(update(items).where(items.c.page_id == row.page_id).values(**values))
                updated += 1
            else:
                seq += 1
                conn.execute(insert(items).values(page_id=row.page_id, seq=seq, **values))
                added += 1
    return added, updated


def _load_items(conn: Connection) -> list[_Item]:
    query = (
        select(items, _p.c.url, _p.c.first_seen, _v.c.fetched_at, _v.c.article_json)
        .join(_p, _p.c.id == items.c.page_id)
        .join(_v, _v.c.id == items.c.version_id)
        .order_by(items.c.seq)
    )
    return [
        _Item(
            r.page_id,
            r.url,
            r.first_seen,
            r.fetched_at,
            r.version_id,
            Article.from_dict(json.loads(r.article_json)),
            [Entity(**e) for e in json.loads(r.entities_json)],
            r.thread_time,
        )
        for r in conn.execute(query)
    ]


def _rebuild(
    store: Store, settings: Settings, changed: set[int] | None, report: ThreadReport
) -> None:
    """Replay threading over every item; rewrite the stories whose content changed."""
    with store_errors("reading threaded pages"), store.engine.connect() as conn:
        threaded = [i for i in _load_items(conn) if _threadable(i.article)]
        before = {r.page_id: r.story_id for r in conn.execute(select(items)).all()}
    threads = StoryThreader(ThreadingOptions(half_life=settings.story_half_life))
    by_key = {}
    for item in threaded:
        key = str(item.page_id)
        by_key[key] = item
        threads.add(
            replace(thread_item(item.article, item.entities, key=key), time=item.thread_time)
        )
    groups = {sid: [by_key[k] for k in keys] for sid, keys in threads.stories().items()}
    old_groups: dict[int | None, set[int]] = {}
    for page_id, story_id in before.items():
        old_groups.setdefault(story_id, set()).add(page_id)
    dirty = [
        sid
        for sid, members in groups.items()
        if changed is None
        or old_groups.get(sid) != {m.page_id for m in members}
        or any(m.page_id in changed for m in members)
    ]
    summaries = {sid: _summarise(store, sid, groups[sid]) for sid in dirty}
    with _writing(store, "writing stories") as conn:
        conn.execute(delete(stories_table).where(stories_table.c.id.not_in(list(groups))))
        conn.execute(update(items).values(story_id=None))
        for sid, members in groups.items():
            ids = [m.page_id for m in members]
            conn.execute(update(items).where(items.c.page_id.in_(ids)).values(story_id=sid))
        for sid, values in summaries.items():
            conn.execute(delete(stories_table).where(stories_table.c.id == sid))
            conn.execute(insert(stories_table).values(id=sid, **values))
    report.pages_threaded, report.stories = len(threaded), len(groups)
    report.stories_written, report.merges = len(summaries), len(threads.merges)


def _summarise(store: Store, story_id: int, members: list[_Item]) -> dict[str, Any]:
    """A story's stored columns: title, times, merged entities and timeline."""
    revisions = []
    for member in members:
        versions = store.versions(member.url)
        revisions.extend((v, store.changes(v.id)) for v in versions[1:] if v.id is not None)
    timeline = build_timeline([m.article for m in members], revisions)
    entities = _merge_entities(m.entities for m in members)
    return {
        "title": story_title([m.article.title or "" for m in members]) or members[0].url,
        "article_count": len(members),
        "first_seen": min(m.first_seen for m in members),
        "last_updated": max(m.fetched_at for m in members),
        "entities_json": json.dumps([asdict(e) for e in entities], ensure_ascii=False),
        "timeline_json": json.dumps([asdict(t) for t in timeline], ensure_ascii=False),
    }


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


@contextlib.contextmanager
def _writing(store: Store, what: str) -> Iterator[Connection]:
    writer = store.engine.execution_options(**{WRITE_OPTION: True})
    with store_errors(what), writer.begin() as conn:
        yield conn
