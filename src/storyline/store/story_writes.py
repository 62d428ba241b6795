"""The story tables and their small writes: which page is in which story
(``story_items``) and each story's summary row (``stories``).

The threading pass that decides what to write (``storyline.pipeline.story_pass``) runs
these inside one write transaction (``Store.writing``): record the pages it threads,
move the pages of merged stories, place pages, and replace the summary rows it computed.
Nothing here knows how stories are made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, delete, func, insert, select, update
from sqlalchemy.sql.elements import BindParameter

from storyline.model import Entity
from storyline.store import schema
from storyline.store.migrations import m0001_initial, m0004_stories

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0004_stories.build_tables(_metadata)
items = _TABLES["story_items"]
stories_table = _TABLES["stories"]
_p, _v = schema.pages, schema.versions
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class ItemValues:
    """What ``story_items`` keeps of a page threaded at a version; ``known``: the page
    has a row already (a new version of it)."""

    page_id: int
    version_id: int
    thread_time: float
    entities_json: str
    known: bool


@dataclass
class MemberRow:
    """A story's member as stored: its page, latest threaded version and entities."""

    page_id: int
    url: str
    first_seen: datetime
    fetched_at: datetime
    version_id: int
    article_json: str
    entities: list[Entity]
    thread_time: float


def record_items(conn: Connection, pages: Sequence[ItemValues]) -> tuple[int, int]:
    """Store version, entities and thread time of new or changed pages: (added, updated)."""
    seq = conn.execute(select(func.coalesce(func.max(items.c.seq), 0))).scalar_one()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for page in pages:
        values = {
            "version_id": page.version_id,
            "thread_time": page.thread_time,
            "entities_json": page.entities_json,
        }
        if page.known:
            changed.append({"key": page.page_id, **values})
        else:
            seq += 1
            new.append({"page_id": page.page_id, "seq": seq, **values})
    if new:
        conn.execute(insert(items), new)  # one statement, many rows
    if changed:
        names = ("version_id", "thread_time", "entities_json")
        columns: dict[str, BindParameter[Any]] = {c: bindparam(c) for c in names}
        query = update(items).where(items.c.page_id == bindparam("key")).values(**columns)
        conn.execute(query, changed)
    return len(new), len(changed)


def move_story(conn: Connection, gone: int, keep: int) -> None:
    """Put every page of story ``gone`` into story ``keep``."""
    conn.execute(update(items).where(items.c.story_id == gone).values(story_id=keep))


def place(conn: Connection, placed: Mapping[int, int | None]) -> None:
    """Put each page (id) into its story (None: no story)."""
    rows = [{"key": page_id, "story": story} for page_id, story in placed.items()]
    if rows:
        query = update(items).where(items.c.page_id == bindparam("key"))
        conn.execute(query.values(story_id=bindparam("story")), rows)


def stories_of(conn: Connection, page_ids: Sequence[int]) -> set[int]:
    """The stories these pages are in."""
    found: set[int] = set()
    for start in range(0, len(page_ids), _CHUNK):
        chunk = page_ids[start : start + _CHUNK]
        query = select(items.c.story_id).where(items.c.page_id.in_(chunk))
        found.update(sid for sid in conn.execute(query).scalars() if sid is not None)
    return found


def delete_stories(conn: Connection, story_ids: Iterable[int]) -> None:
    """Drop these stories' summary rows."""
    ids = list(story_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(delete(stories_table).where(stories_table.c.id.in_(chunk)))


def place_every(conn: Connection, groups: Mapping[int, Sequence[int]]) -> None:
    """Every page into the story ``groups`` (story -> page ids) puts it in, every other
    page out of any story, and the summary rows of stories not in ``groups`` dropped."""
    conn.execute(delete(stories_table).where(stories_table.c.id.not_in(list(groups))))
    conn.execute(update(items).values(story_id=None))
    for sid, ids in groups.items():
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            conn.execute(update(items).where(items.c.page_id.in_(chunk)).values(story_id=sid))


def replace_stories(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Write these summary rows (each with its ``id``), replacing the stored ones."""
    delete_stories(conn, [row["id"] for row in rows])
    if rows:
        conn.execute(insert(stories_table), list(rows))


def load_members(conn: Connection, story_ids: list[int] | None) -> dict[int, list[MemberRow]]:
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
    groups: dict[int, list[MemberRow]] = {}
    for r in conn.execute(query):
        member = MemberRow(
            r.page_id,
            r.url,
            r.first_seen,
            r.fetched_at,
            r.version_id,
            r.article_json,
            [Entity(**e) for e in json.loads(r.entities_json)],
            r.thread_time,
        )
        groups.setdefault(r.story_id, []).append(member)
    return groups


def version_counts(conn: Connection, page_ids: list[int]) -> dict[int, int]:
    """How many versions each of these pages has."""
    counts: dict[int, int] = {}
    for start in range(0, len(page_ids), _CHUNK):
        chunk = page_ids[start : start + _CHUNK]
        query = (
            select(_v.c.page_id, func.count()).where(_v.c.page_id.in_(chunk)).group_by(_v.c.page_id)
        )
        counts.update({page_id: count for page_id, count in conn.execute(query)})
    return counts


def placed_in_order(conn: Connection) -> list[int]:
    """The pages in a story, in arrival order."""
    query = select(items.c.page_id).where(items.c.story_id.is_not(None)).order_by(items.c.seq)
    return list(conn.execute(query).scalars())


def items_with_articles(conn: Connection, page_ids: Sequence[int]) -> dict[int, Any]:
    """The ``story_items`` rows of these pages with their version's ``article_json``."""
    found = {}
    for start in range(0, len(page_ids), _CHUNK):
        query = (
            select(items, _v.c.article_json)
            .join(_v, _v.c.id == items.c.version_id)
            .where(items.c.page_id.in_(page_ids[start : start + _CHUNK]))
        )
        found.update({row.page_id: row for row in conn.execute(query)})
    return found
