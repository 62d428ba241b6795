"""People's edits to stories, the tables: pins and titles, kept across threading.

The threader decides where each article goes; a person who knows better says so, and
every threading pass (``rethread`` included) ends by applying what they said (the
pipeline's ``storyline.pipeline.story_edits``, which also rewrites the stories an edit
changes). Edits name articles, not story numbers, because threading renumbers stories:

- a *pin* puts an article into the story of another article (``move``, ``merge``), or,
  pinned to itself, makes it the head of a story of its own, with whatever is pinned to
  it (``split``, ``move`` to a new story). Such a story's number is ``OWN_STORY_BASE``
  plus its head article's number, so it keeps its address across rethreads;
- a *title* names the story an article is in (``rename``); it is kept by an article the
  threader put there, and handed to one that stays when that article is moved out.

This module keeps the two tables and the small reads and writes on them, each on the
caller's connection inside its write transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, MetaData, bindparam, delete, insert, select, update

from storyline.errors import InputError, NotFoundError
from storyline.store.migrations import m0001_initial, m0012_story_edits
from storyline.store.prepared import Prepared
from storyline.store.story_writes import items, stories_table

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0012_story_edits.build_tables(_metadata)
pins = _TABLES["story_pins"]
titles = _TABLES["story_titles"]
# Stories made by hand are numbered from here on, well above the threader's own numbers
# (which count up from 1) and within a 32-bit integer (PostgreSQL's INTEGER).
OWN_STORY_BASE = 2_000_000_000
MAX_TITLE = 300


def title_anchor(conn: Connection, members: Sequence[int]) -> int:
    """The article a story's title is kept by: its first that the threader put there (one
    moved in by hand is likelier to leave again), else its first."""
    moved = pinned(conn)
    return next((p for p in sorted(members) if p not in moved), min(members))


def keep_title(conn: Connection, story_id: int, leaving: set[int]) -> None:
    """A title given to a story stays with it when the article keeping it leaves."""
    members = members_of(conn, story_id)
    staying = [p for p in members if p not in leaving]
    row = conn.execute(
        select(titles.c.page_id, titles.c.title, titles.c.created_at).where(
            titles.c.page_id.in_([p for p in members if p in leaving])
        )
    ).first()
    if row is None or not staying:
        return
    conn.execute(delete(titles).where(titles.c.page_id == row.page_id))
    conn.execute(
        insert(titles).values(
            page_id=title_anchor(conn, staying), title=row.title, created_at=row.created_at
        )
    )


def pinned(conn: Connection) -> set[int]:
    """The articles pinned by hand."""
    return set(conn.execute(select(pins.c.page_id)).scalars())


def edits_of_story(conn: Connection, story_id: int) -> dict[str, Any]:
    """The edits that touch a story's articles: pins (article → article) and titles.
    Statements built once (a story page asks on every view)."""
    pinned, named = _edit_statements()
    found = {"story_id": story_id}
    return {
        "pins": [{"article": r.page_id, "with": r.target_page_id} for r in pinned.all(conn, found)],
        "titles": [{"article": r.page_id, "title": r.title} for r in named.all(conn, found)],
    }


@functools.cache
def _edit_statements() -> tuple[Prepared, Prepared]:
    members = select(items.c.page_id).where(items.c.story_id == bindparam("story_id"))
    return (
        Prepared(select(pins.c.page_id, pins.c.target_page_id).where(pins.c.page_id.in_(members))),
        Prepared(select(titles.c.page_id, titles.c.title).where(titles.c.page_id.in_(members))),
    )


def placements(conn: Connection, pinned: dict[int, int]) -> dict[int, tuple[Any, Any]]:
    """(the story each pinned article is in, the story its pins put it in)."""
    pages = set(pinned) | set(pinned.values())
    current = {
        r.page_id: r.story_id
        for r in conn.execute(
            select(items.c.page_id, items.c.story_id).where(items.c.page_id.in_(sorted(pages)))
        )
    }
    placed = {}
    for page_id in pinned:
        root = _root(page_id, pinned)
        if pinned.get(root) == root:
            goes_to: Any = OWN_STORY_BASE + root
        else:
            goes_to = current.get(root)
        placed[page_id] = (current.get(page_id), goes_to)
    return placed


def _root(page_id: int, pinned: dict[int, int]) -> int:
    """Where a chain of pins ends: an article pinned to itself, or one not pinned (a
    cycle ends at its smallest article)."""
    seen = [page_id]
    while page_id in pinned and pinned[page_id] != page_id:
        page_id = pinned[page_id]
        if page_id in seen:
            return min(seen)
        seen.append(page_id)
    return page_id


def _put_titles(conn: Connection, named: dict[int, str]) -> None:
    if not named:
        return
    found = conn.execute(
        select(items.c.page_id, items.c.story_id).where(items.c.page_id.in_(list(named)))
    ).all()
    for row in sorted(found, key=lambda r: r.page_id, reverse=True):  # the first article wins
        if row.story_id is not None:
            conn.execute(
                update(stories_table)
                .where(stories_table.c.id == row.story_id)
                .values(title=named[row.page_id])
            )


def pin(conn: Connection, page_ids: Sequence[int], target: int, now: datetime) -> None:
    """Pin these articles to ``target`` (to themselves: the head of a story of its own)."""
    conn.execute(delete(pins).where(pins.c.page_id.in_(list(page_ids))))
    conn.execute(
        insert(pins),
        [{"page_id": p, "target_page_id": target, "created_at": now} for p in page_ids],
    )


def story_of_page(conn: Connection, page_id: int) -> int:
    """The story an article is in; ``NotFoundError`` when it is in none."""
    found = conn.execute(
        select(items.c.story_id).where(items.c.page_id == page_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"article {page_id} is in no story (not threaded yet)")
    return int(found)


def members_of(conn: Connection, story_id: int) -> list[int]:
    """A story's articles (ids, in order); ``NotFoundError`` when there is no story."""
    found = (
        conn.execute(
            select(items.c.page_id).where(items.c.story_id == story_id).order_by(items.c.page_id)
        )
        .scalars()
        .all()
    )
    if not found:
        raise NotFoundError(f"there is no story {story_id}; `storyline stories` lists them")
    return [int(p) for p in found]


def anchor(conn: Connection, story_id: int, avoid: set[int]) -> int:
    """The article a story is reached through: its first not among ``avoid``."""
    members = [p for p in members_of(conn, story_id) if p not in avoid]
    if not members:
        raise InputError(f"story {story_id} has no other article to move into")
    return members[0]


def set_title(conn: Connection, members: Sequence[int], title: str, now: datetime) -> None:
    """Name the story of ``members`` (its articles) ``title``: kept by its title anchor."""
    conn.execute(delete(titles).where(titles.c.page_id.in_(list(members))))
    conn.execute(
        insert(titles).values(page_id=title_anchor(conn, members), title=title, created_at=now)
    )


def forget(conn: Connection, members: Sequence[int]) -> tuple[list[int], int]:
    """Forget the pins and titles of these articles: (those that were pinned, how many
    edits were forgotten)."""
    was_pinned = [p for p in members if p in pinned(conn)]
    gone = conn.execute(delete(pins).where(pins.c.page_id.in_(list(members)))).rowcount or 0
    gone += conn.execute(delete(titles).where(titles.c.page_id.in_(list(members)))).rowcount or 0
    return was_pinned, int(gone)


def move_pinned(conn: Connection) -> tuple[set[int], int]:
    """Put every pinned article where its pins say: (the stories that gained or lost an
    article, how many pinned articles were not where their pins put them)."""
    pinned_to = dict(conn.execute(select(pins.c.page_id, pins.c.target_page_id)).all())
    if not pinned_to:
        return set(), 0
    placed = placements(conn, pinned_to)
    affected: set[int] = set()
    for page_id, (now_in, goes_to) in placed.items():
        if goes_to is not None and goes_to != now_in:
            conn.execute(update(items).where(items.c.page_id == page_id).values(story_id=goes_to))
            affected.update(s for s in (now_in, goes_to) if s is not None)
    return affected, sum(1 for now_in, goes_to in placed.values() if goes_to != now_in)


def apply_titles(conn: Connection) -> None:
    """Put every title given by hand on the story its article is in now."""
    named = dict(conn.execute(select(titles.c.page_id, titles.c.title)).all())
    _put_titles(conn, named)
