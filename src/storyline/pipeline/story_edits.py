"""People's edits to stories: split, merge, move an article, rename, reset.

The threader decides where each article goes; a person who knows better says so (the
``storyline edit`` commands, the story page's form, ``/api/stories/{id}/...``), and every
threading pass (``rethread`` included) ends by applying what they said (``apply_edits``).
The edits are kept by article in the store (``store.story_edits``: pins and titles, and
why they name articles); each edit here is one write transaction that records it, puts
the articles where the edits say and rewrites the stories that changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from storyline.errors import InputError
from storyline.pipeline.story_summaries import rewrite_stories
from storyline.pipeline.story_threader import LiveThreader
from storyline.store import story_edits as se
from storyline.store import story_writes
from storyline.store.db import Store
from storyline.stories.threading import ThreadingOptions

MAX_TITLE = se.MAX_TITLE
OWN_STORY_BASE = se.OWN_STORY_BASE


def move(store: Store, page_id: int, to_story: int | None, now: datetime) -> int:
    """Move an article into story ``to_story`` (None: into a story of its own); returns
    the story it is in now."""
    with store.writing(f"moving article {page_id}") as conn:
        se.keep_title(conn, se.story_of_page(conn, page_id), {page_id})
        if to_story is None:
            se.pin(conn, [page_id], page_id, now)
        else:
            target = se.anchor(conn, to_story, avoid={page_id})
            se.pin(conn, [page_id], target, now)
        apply_edits(store, conn)
        return se.story_of_page(conn, page_id)


def merge(store: Store, story_id: int, into: int, now: datetime) -> int:
    """Put every article of story ``story_id`` into story ``into``; returns its number."""
    if story_id == into:
        raise InputError(f"story {story_id} cannot be merged into itself")
    with store.writing(f"merging story {story_id} into {into}") as conn:
        members = se.members_of(conn, story_id)
        target = se.anchor(conn, into, avoid=set(members))
        se.pin(conn, members, target, now)
        apply_edits(store, conn)
        return se.story_of_page(conn, target)


def split(store: Store, story_id: int, page_ids: Sequence[int], now: datetime) -> int:
    """Take these articles out of story ``story_id`` into a story of their own; returns
    the new story's number."""
    with store.writing(f"splitting story {story_id}") as conn:
        members = set(se.members_of(conn, story_id))
        chosen = sorted(set(page_ids))
        strangers = [p for p in chosen if p not in members]
        if not chosen or strangers:
            raise InputError(
                f"choose articles of story {story_id} to split off"
                + (f"; {strangers} are not in it" if strangers else "")
            )
        if len(chosen) == len(members):
            raise InputError("a split must leave at least one article in the story")
        se.keep_title(conn, story_id, set(chosen))
        se.pin(conn, chosen, chosen[0], now)
        apply_edits(store, conn)
        return se.story_of_page(conn, chosen[0])


def rename(store: Store, story_id: int, title: str, now: datetime) -> None:
    """Give story ``story_id`` this title."""
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InputError(f"a story's title has 1 to {MAX_TITLE} characters")
    with store.writing(f"renaming story {story_id}") as conn:
        se.set_title(conn, se.members_of(conn, story_id), title, now)
        apply_edits(store, conn)


def reset(
    store: Store,
    story_id: int,
    options: ThreadingOptions,
    threader: LiveThreader | None = None,
) -> int:
    """Forget the edits of story ``story_id``'s articles: they go back where the threader
    put them, under the threader's titles. Returns how many edits were forgotten.
    ``threader``: the store's live threader, if the caller keeps one."""
    live = threader or LiveThreader()
    with store.writing(f"resetting story {story_id}") as conn:
        pinned, gone = se.forget(conn, se.members_of(conn, story_id))
        affected = {story_id}
        if pinned:
            live.catch_up(conn, options)
            homes = {page_id: live.threader.story_of(str(page_id)) for page_id in pinned}
            story_writes.place(conn, homes)
            affected.update(homes.values())
        rewrite_stories(store, conn, {}, affected)
        apply_edits(store, conn)
    return gone


def apply_edits(store: Store, conn: Connection) -> int:
    """Put every pinned article where its pins say and every title on its story,
    rewriting the stories that changed; returns how many articles moved. Runs inside a
    threading pass's or an edit's write transaction."""
    affected, moved = se.move_pinned(conn)
    if affected:
        rewrite_stories(store, conn, {}, affected)
    se.apply_titles(conn)
    return moved
