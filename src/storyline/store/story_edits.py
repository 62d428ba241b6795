"""People's edits to stories: split, merge, move an article, rename; kept across threading.

The threader decides where each article goes; a person who knows better says so, and
every threading pass (``rethread`` included) ends by applying what they said
(``apply_edits``, called from ``story_writes.thread_pages``). Edits name articles, not
story numbers, because threading renumbers stories:

- a *pin* puts an article into the story of another article (``move``, ``merge``), or,
  pinned to itself, makes it the head of a story of its own, with whatever is pinned to
  it (``split``, ``move`` to a new story). Such a story's number is ``OWN_STORY_BASE``
  plus its head article's number, so it keeps its address across rethreads;
- a *title* names the story an article is in (``rename``); it is kept by an article the
  threader put there, and handed to one that stays when that article is moved out.

New articles are still placed by the threader: an edit applies to the articles it names.
``reset`` forgets the edits of a story's articles. Each edit is one write transaction
that rewrites the stories it changes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, MetaData, bindparam, delete, insert, select, update

from storyline.errors import InputError, NotFoundError
from storyline.store.db import Store
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0012_story_edits
from storyline.store.prepared import Prepared
from storyline.stories.threading import ThreadingOptions

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0012_story_edits.build_tables(_metadata)
pins = _TABLES["story_pins"]
titles = _TABLES["story_titles"]
# Stories made by hand are numbered from here on, well above the threader's own numbers
# (which count up from 1) and within a 32-bit integer (PostgreSQL's INTEGER).
OWN_STORY_BASE = 2_000_000_000
MAX_TITLE = 300


def move(store: Store, page_id: int, to_story: int | None, now: datetime) -> int:
    """Move an article into story ``to_story`` (None: into a story of its own); returns
    the story it is in now."""
    with _editing(store, f"moving article {page_id}") as conn:
        _keep_title(conn, _story_of_page(conn, page_id), {page_id})
        if to_story is None:
            _pin(conn, [page_id], page_id, now)
        else:
            target = _anchor(conn, to_story, avoid={page_id})
            _pin(conn, [page_id], target, now)
        apply_edits(store, conn)
        return _story_of_page(conn, page_id)


def merge(store: Store, story_id: int, into: int, now: datetime) -> int:
    """Put every article of story ``story_id`` into story ``into``; returns its number."""
    if story_id == into:
        raise InputError(f"story {story_id} cannot be merged into itself")
    with _editing(store, f"merging story {story_id} into {into}") as conn:
        members = _members_of(conn, story_id)
        target = _anchor(conn, into, avoid=set(members))
        _pin(conn, members, target, now)
        apply_edits(store, conn)
        return _story_of_page(conn, target)


def split(store: Store, story_id: int, page_ids: Sequence[int], now: datetime) -> int:
    """Take these articles out of story ``story_id`` into a story of their own; returns
    the new story's number."""
    with _editing(store, f"splitting story {story_id}") as conn:
        members = set(_members_of(conn, story_id))
        chosen = sorted(set(page_ids))
        strangers = [p for p in chosen if p not in members]
        if not chosen or strangers:
            raise InputError(
                f"choose articles of story {story_id} to split off"
                + (f"; {strangers} are not in it" if strangers else "")
            )
        if len(chosen) == len(members):
            raise InputError("a split must leave at least one article in the story")
        _keep_title(conn, story_id, set(chosen))
        _pin(conn, chosen, chosen[0], now)
        apply_edits(store, conn)
        return _story_of_page(conn, chosen[0])


def rename(store: Store, story_id: int, title: str, now: datetime) -> None:
    """Give story ``story_id`` this title."""
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InputError(f"a story's title has 1 to {MAX_TITLE} characters")
    with _editing(store, f"renaming story {story_id}") as conn:
        members = _members_of(conn, story_id)
        conn.execute(delete(titles).where(titles.c.page_id.in_(members)))
        conn.execute(
            insert(titles).values(page_id=_title_anchor(conn, members), title=title, created_at=now)
        )
        apply_edits(store, conn)


def _title_anchor(conn: Connection, members: Sequence[int]) -> int:
    """The article a story's title is kept by: its first that the threader put there (one
    moved in by hand is likelier to leave again), else its first."""
    moved = _pinned(conn)
    return next((p for p in sorted(members) if p not in moved), min(members))


def _keep_title(conn: Connection, story_id: int, leaving: set[int]) -> None:
    """A title given to a story stays with it when the article keeping it leaves."""
    members = _members_of(conn, story_id)
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
            page_id=_title_anchor(conn, staying), title=row.title, created_at=row.created_at
        )
    )


def reset(store: Store, story_id: int, options: ThreadingOptions) -> int:
    """Forget the edits of story ``story_id``'s articles: they go back where the threader
    put them, under the threader's titles. Returns how many edits were forgotten."""
    from storyline.store import story_state
    from storyline.store import story_writes as sw

    with _editing(store, f"resetting story {story_id}") as conn:
        members = _members_of(conn, story_id)
        pinned = [p for p in members if p in _pinned(conn)]
        gone = conn.execute(delete(pins).where(pins.c.page_id.in_(members))).rowcount or 0
        gone += conn.execute(delete(titles).where(titles.c.page_id.in_(members))).rowcount or 0
        affected = {story_id}
        if pinned:
            threader = story_state.live_threader(store, conn, options).threader
            for page_id in pinned:
                home = threader.story_of(str(page_id))
                conn.execute(
                    update(sw.items).where(sw.items.c.page_id == page_id).values(story_id=home)
                )
                affected.add(home)
        groups = sw._load_members(conn, sorted(affected))
        for empty in affected - set(groups):
            conn.execute(delete(sw.stories_table).where(sw.stories_table.c.id == empty))
        sw._write_summaries(store, conn, cast(Any, _SummaryMemo()), groups)
        apply_edits(store, conn)
    return int(gone)


def _pinned(conn: Connection) -> set[int]:
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
    from storyline.store import story_writes as sw

    members = select(sw.items.c.page_id).where(sw.items.c.story_id == bindparam("story_id"))
    return (
        Prepared(select(pins.c.page_id, pins.c.target_page_id).where(pins.c.page_id.in_(members))),
        Prepared(select(titles.c.page_id, titles.c.title).where(titles.c.page_id.in_(members))),
    )


def apply_edits(store: Store, conn: Connection) -> int:
    """Put every pinned article where its pins say and every title on its story,
    rewriting the stories that changed; returns how many articles moved. Runs inside a
    threading pass's or an edit's write transaction."""
    from storyline.store import story_writes as sw

    pinned = dict(conn.execute(select(pins.c.page_id, pins.c.target_page_id)).all())
    named = dict(conn.execute(select(titles.c.page_id, titles.c.title)).all())
    if not pinned and not named:
        return 0
    placed = _placements(conn, pinned)
    affected: set[int] = set()
    for page_id, (now_in, goes_to) in placed.items():
        if goes_to is not None and goes_to != now_in:
            conn.execute(
                update(sw.items).where(sw.items.c.page_id == page_id).values(story_id=goes_to)
            )
            affected.update(s for s in (now_in, goes_to) if s is not None)
    if affected:
        groups = sw._load_members(conn, sorted(affected))
        for empty in affected - set(groups):
            conn.execute(delete(sw.stories_table).where(sw.stories_table.c.id == empty))
        sw._write_summaries(store, conn, cast(Any, _SummaryMemo()), groups)
    _apply_titles(conn, named)
    return sum(1 for now_in, goes_to in placed.values() if goes_to != now_in)


def _placements(conn: Connection, pinned: dict[int, int]) -> dict[int, tuple[Any, Any]]:
    """(the story each pinned article is in, the story its pins put it in)."""
    from storyline.store import story_writes as sw

    pages = set(pinned) | set(pinned.values())
    current = {
        r.page_id: r.story_id
        for r in conn.execute(
            select(sw.items.c.page_id, sw.items.c.story_id).where(
                sw.items.c.page_id.in_(sorted(pages))
            )
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


def _apply_titles(conn: Connection, named: dict[int, str]) -> None:
    from storyline.store import story_writes as sw

    if not named:
        return
    found = conn.execute(
        select(sw.items.c.page_id, sw.items.c.story_id).where(sw.items.c.page_id.in_(list(named)))
    ).all()
    for row in sorted(found, key=lambda r: r.page_id, reverse=True):  # the first article wins
        if row.story_id is not None:
            conn.execute(
                update(sw.stories_table)
                .where(sw.stories_table.c.id == row.story_id)
                .values(title=named[row.page_id])
            )


class _SummaryMemo:
    """What ``story_writes`` keeps between passes to write summaries, empty: an edit
    rewrites a few stories and needs no threader (it reads their articles)."""

    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}


def _pin(conn: Connection, page_ids: Sequence[int], target: int, now: datetime) -> None:
    conn.execute(delete(pins).where(pins.c.page_id.in_(list(page_ids))))
    conn.execute(
        insert(pins),
        [{"page_id": p, "target_page_id": target, "created_at": now} for p in page_ids],
    )


def _story_of_page(conn: Connection, page_id: int) -> int:
    from storyline.store import story_writes as sw

    found = conn.execute(
        select(sw.items.c.story_id).where(sw.items.c.page_id == page_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"article {page_id} is in no story (not threaded yet)")
    return int(found)


def _members_of(conn: Connection, story_id: int) -> list[int]:
    from storyline.store import story_writes as sw

    found = (
        conn.execute(
            select(sw.items.c.page_id)
            .where(sw.items.c.story_id == story_id)
            .order_by(sw.items.c.page_id)
        )
        .scalars()
        .all()
    )
    if not found:
        raise NotFoundError(f"there is no story {story_id}; `storyline stories` lists them")
    return [int(p) for p in found]


def _anchor(conn: Connection, story_id: int, avoid: set[int]) -> int:
    """The article a story is reached through: its first not among ``avoid``."""
    members = [p for p in _members_of(conn, story_id) if p not in avoid]
    if not members:
        raise InputError(f"story {story_id} has no other article to move into")
    return members[0]


@contextlib.contextmanager
def _editing(store: Store, what: str) -> Iterator[Connection]:
    writer = store.engine.execution_options(**{WRITE_OPTION: True})
    with store_errors(what), writer.begin() as conn:
        yield conn
