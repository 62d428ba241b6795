"""Database side of stories: which page is in which story, each story's summary, and
which pages wait to be threaded.

Kept apart from ``db.py`` like ``duplicates.py``: the functions take a ``Store``. The
stories are written by the threading pass (``storyline.pipeline.stories``), which asks
``pending`` for the pages to thread; this module reads what it wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from storyline.errors import NotFoundError
from storyline.model import Article, Entity, Story, TimelineEntry
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import store_errors
from storyline.store.story_writes import items, stories_table

__all__ = ["items", "pending", "stories", "stories_table", "story", "story_of"]

_p, _v = schema.pages, schema.versions


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


def pending(store: Store, urls: Iterable[str] | None) -> list[tuple[Any, Article]]:
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
