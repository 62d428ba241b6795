"""Read queries for stories: every story's members for the index, one story, its articles.

Split from ``queries`` (articles and versions) by job. The statements a story page runs
are ``Prepared`` (``store.prepared``): built once, run on SQLite's cursor. A story's
articles and their latest changes are read by story id with sub-selects, so no
statement needs an expanding ``IN`` list of page or version ids (SQLAlchemy renders
those anew on every call).

Stories are read through the tables the stories stage writes, as they are: entities and
timeline entries are handed on as stored (JSON objects), so fields that stage adds later
reach the JSON API without a change here.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, select, type_coerce

from storyline.model import Change
from storyline.read.queries import ArticleLine, _c, _lines, _p, _v, lines_from_pages
from storyline.store.page_facts import facts_table as _f
from storyline.store.prepared import Prepared


@dataclass(frozen=True)
class StoryLine:
    """One story's summary columns, without entities or timeline."""

    id: int
    title: str
    article_count: int
    first_seen: datetime | None
    last_updated: datetime | None


@dataclass(frozen=True)
class StoredStory:
    """One story as stored: its summary, entities and timeline (JSON objects, as written
    by the stories stage), and its (page id, URL) members in arrival order."""

    line: StoryLine
    entities: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    members: list[tuple[int, str]]


def all_story_lines(conn: Connection) -> list[StoryLine]:
    """Every story's summary columns."""
    from storyline.store.story_writes import stories_table as st

    rows = conn.execute(
        select(st.c.id, st.c.title, st.c.article_count, st.c.first_seen, st.c.last_updated)
    ).all()
    return [StoryLine(r.id, r.title, r.article_count, r.first_seen, r.last_updated) for r in rows]


def index_rows(conn: Connection) -> list[Any]:
    """Every threaded page with what the story index needs: its story, URL, first sight,
    version count, latest version's time, and its facts (times as stored: parsed by the
    caller, which is cheaper than SQLAlchemy's conversion of every row)."""
    from storyline.store.story_writes import items

    query = (
        select(
            items.c.story_id,
            _p.c.id,
            _p.c.url,
            type_coerce(_p.c.first_seen, String).label("first_seen"),
            _p.c.version_count,
            type_coerce(_v.c.fetched_at, String).label("fetched_at"),
            type_coerce(_f.c.published_at, String).label("published_at"),
            _f.c.site_name,
            _f.c.language,
            _f.c.opinion,
        )
        .select_from(items)
        .join(_p, _p.c.id == items.c.page_id)
        .join(_v, _v.c.id == _p.c.latest_version_id)
        .outerjoin(_f, _f.c.page_id == _p.c.id)
        .where(items.c.story_id.is_not(None))
    )
    return list(conn.execute(query).all())


def story_of_page(conn: Connection, page_id: int) -> StoryLine | None:
    """The story a page is in, or None when it is not threaded yet."""
    row = _story_statements()[0].first(conn, {"page_id": page_id})
    return (
        StoryLine(row.id, row.title, row.article_count, row.first_seen, row.last_updated)
        if row
        else None
    )


def load_story(conn: Connection, story_id: int) -> StoredStory | None:
    """One story with its entities, timeline and members, or None.

    Read on the caller's connection with statements built once (``store.stories.story``
    builds its queries and opens a connection per call, half of a story request's time)."""
    row = _story_statements()[1].first(conn, {"story_id": story_id})
    if row is None:
        return None
    members = [(r.id, r.url) for r in _story_statements()[2].all(conn, {"story_id": story_id})]
    line = StoryLine(row.id, row.title, row.article_count, row.first_seen, row.last_updated)
    entities = _objects(row.entities_json)
    timeline = _objects(row.timeline_json)
    return StoredStory(line, entities, timeline, members)


def _objects(text: str | None) -> list[dict[str, Any]]:
    data = json.loads(text or "[]")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


@functools.cache
def _story_statements() -> tuple[Prepared, Prepared, Prepared, Prepared, Prepared]:
    """The story queries, built once (on first use: the stories tables load late)."""
    from storyline.store.story_writes import items
    from storyline.store.story_writes import stories_table as st

    of_page = (
        select(st.c.id, st.c.title, st.c.article_count, st.c.first_seen, st.c.last_updated)
        .join(items, items.c.story_id == st.c.id)
        .where(items.c.page_id == bindparam("page_id"))
    )
    one = select(
        st.c.id,
        st.c.title,
        st.c.article_count,
        st.c.first_seen,
        st.c.last_updated,
        st.c.entities_json,
        st.c.timeline_json,
    ).where(st.c.id == bindparam("story_id"))
    members_of_one = (
        select(_p.c.id, _p.c.url)
        .join(items, _p.c.id == items.c.page_id)
        .where(items.c.story_id == bindparam("story_id"))
        .order_by(items.c.seq)
    )
    pages_of_one = select(items.c.page_id).where(items.c.story_id == bindparam("story_id"))
    lines_of_one = (
        lines_from_pages()
        .where(_p.c.id.in_(pages_of_one))
        .order_by(_v.c.fetched_at.desc(), _v.c.page_id.desc())
    )
    changed_latest = select(_p.c.latest_version_id).where(
        _p.c.id.in_(pages_of_one), _p.c.version_count > 1
    )
    changes_of_one = (
        select(_c)
        .where(_c.c.version_id.in_(changed_latest))
        .order_by(_c.c.version_id, _c.c.position)
    )
    statements = (of_page, one, members_of_one, lines_of_one, changes_of_one)
    return tuple(Prepared(s) for s in statements)  # type: ignore[return-value]


def story_article_lines(conn: Connection, story_id: int) -> list[ArticleLine]:
    """The story's articles with their latest version, newest change first: what
    ``article_lines`` gives for the story's page ids."""
    rows = _story_statements()[3].all(conn, {"story_id": story_id})
    return _lines(rows, len(rows))[0]


def story_latest_changes(conn: Connection, story_id: int) -> dict[int, list[Change]]:
    """The stored changes of the latest version of each of the story's articles that has
    more than one version: ``changes_for`` of those version ids."""
    found: dict[int, list[Change]] = defaultdict(list)
    for r in _story_statements()[4].all(conn, {"story_id": story_id}):
        found[r.version_id].append(Change(r.kind, r.before, r.after, r.section))
    return found
