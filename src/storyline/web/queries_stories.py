"""Read queries for the story pages: story lists, one story, its articles and changes.

Split from ``queries`` (articles and versions) by job. The statements a story page runs
are ``Prepared`` (``web.prepared``): built once, run on SQLite's cursor. A story's
articles and their latest changes are read by story id with sub-selects, so no
statement needs an expanding ``IN`` list of page or version ids (SQLAlchemy renders
those anew on every call).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from storyline.model import Change, Entity, Story, TimelineEntry
from storyline.store.prepared import Prepared
from storyline.web.queries import (
    _LINE_COLUMNS,
    ArticleLine,
    _c,
    _lines,
    _p,
    _v,
    encode_cursor,
    page_after,
)


@dataclass(frozen=True)
class StoryLine:
    """One story in a list: its summary columns, without entities or timeline."""

    id: int
    title: str
    article_count: int
    first_seen: datetime | None
    last_updated: datetime | None


def story_lines(
    conn: Connection, limit: int, cursor: str | None = None
) -> tuple[list[StoryLine], str | None]:
    """Stories by last update, newest first, keyset-paged; with the next cursor."""
    from storyline.store.stories import stories_table as st

    query = select(st.c.id, st.c.title, st.c.article_count, st.c.first_seen, st.c.last_updated)
    rows = conn.execute(page_after(query, cursor, st.c.last_updated, st.c.id, limit)).all()
    lines = [
        StoryLine(r.id, r.title, r.article_count, r.first_seen, r.last_updated)
        for r in rows[:limit]
    ]
    last = lines[-1] if lines else None
    more = len(rows) > limit and last is not None and last.last_updated is not None
    return lines, encode_cursor(last.last_updated, last.id) if more and last else None  # type: ignore[arg-type]


def story_members(conn: Connection, story_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """(page id, URL) of each story's articles, in arrival order."""
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not story_ids:
        return found
    rows = conn.execute(_story_statements()[0], {"ids": story_ids}).all()
    for r in rows:
        found[r.story_id].append((r.id, r.url))
    return found


def story_of_page(conn: Connection, page_id: int) -> StoryLine | None:
    """The story a page is in, or None when it is not threaded yet."""
    row = _story_statements()[1].first(conn, {"page_id": page_id})
    return (
        StoryLine(row.id, row.title, row.article_count, row.first_seen, row.last_updated)
        if row
        else None
    )


def load_story(conn: Connection, story_id: int) -> tuple[Story, list[tuple[int, str]]] | None:
    """One story with its entities and timeline, and its (page id, URL) members; or None.

    The same Story as ``storyline.store.stories.story`` (a test checks), read on the
    caller's connection with statements built once: that function builds its queries and
    opens a connection per call, which was half of a story request's time."""
    row = _story_statements()[2].first(conn, {"story_id": story_id})
    if row is None:
        return None
    members = [(r.id, r.url) for r in _story_statements()[3].all(conn, {"story_id": story_id})]
    story = Story(
        id=row.id,
        title=row.title,
        articles=[url for _, url in members],
        entities=[Entity(**e) for e in json.loads(row.entities_json)],
        timeline=[TimelineEntry(**t) for t in json.loads(row.timeline_json)],
        first_seen=row.first_seen,
        last_updated=row.last_updated,
    )
    return story, members


@functools.cache
def _story_statements() -> tuple[Select[Any], Prepared, Prepared, Prepared, Prepared, Prepared]:
    """The story queries, built once (on first use: the stories tables load late)."""
    from storyline.store.stories import items
    from storyline.store.stories import stories_table as st

    members = (
        select(items.c.story_id, _p.c.id, _p.c.url)
        .join(_p, _p.c.id == items.c.page_id)
        .where(items.c.story_id.in_(bindparam("ids", expanding=True)))
        .order_by(items.c.seq)
    )
    of_page = (
        select(st.c.id, st.c.title, st.c.article_count, st.c.first_seen, st.c.last_updated)
        .join(items, items.c.story_id == st.c.id)
        .where(items.c.page_id == bindparam("page_id"))
    )
    one = select(
        st.c.id,
        st.c.title,
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
        select(*_LINE_COLUMNS)
        .select_from(_p)
        .join(_v, _v.c.id == _p.c.latest_version_id)
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
    prepared = (of_page, one, members_of_one, lines_of_one, changes_of_one)
    return (members, *(Prepared(statement) for statement in prepared))


def story_article_lines(conn: Connection, story_id: int) -> list[ArticleLine]:
    """The story's articles with their latest version, newest change first: what
    ``article_lines`` gives for the story's page ids."""
    rows = _story_statements()[4].all(conn, {"story_id": story_id})
    return _lines(rows, len(rows))[0]


def story_latest_changes(conn: Connection, story_id: int) -> dict[int, list[Change]]:
    """The stored changes of the latest version of each of the story's articles that has
    more than one version: ``changes_for`` of those version ids."""
    found: dict[int, list[Change]] = defaultdict(list)
    for r in _story_statements()[5].all(conn, {"story_id": story_id}):
        found[r.version_id].append(Change(r.kind, r.before, r.after, r.section))
    return found
