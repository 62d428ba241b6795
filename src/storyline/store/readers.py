"""Readers and what they follow: the store side of "what's new since I last looked".

No accounts: the local app has one reader, shared by the web app and ``storyline news``;
a shared server (``reader_cookies``) gives each browser a random token (kept in a cookie,
and in the address of its personal feed) and stores only the token's SHA-256.

A reader follows an article, or a story *through one of its articles* (the story that
article is in now), so following survives ``rethread`` renumbering stories. Each follow
has ``seen_at``: the changes after it are what is new. Writes are one short transaction
each; reads check first, so a page view writes only when it marks something seen.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, MetaData, and_, delete, insert, or_, select, update

from storyline.errors import InputError
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.migrations import m0001_initial, m0011_readers

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
_TABLES = m0011_readers.build_tables(_metadata)
readers_table = _TABLES["readers"]
follows_table = _TABLES["follows"]
LOCAL = "local"
KINDS = ("story", "article")


@dataclass(frozen=True)
class Follow:
    """One thing a reader follows: an article, or the story its ``page_id`` is in."""

    kind: str
    page_id: int
    followed_at: datetime
    seen_at: datetime


def new_token() -> str:
    """A fresh reader token (for a cookie and the personal feed's address)."""
    return secrets.token_urlsafe(24)


def _hash(token: str | None) -> str:
    if token is None:
        return LOCAL
    return hashlib.sha256(token.encode()).hexdigest()


def find_reader(conn: Connection, token: str | None) -> int | None:
    """The reader with this token (None: the local reader), or None when unknown."""
    query = select(readers_table.c.id).where(readers_table.c.token_hash == _hash(token))
    found = conn.execute(query).scalar_one_or_none()
    return int(found) if found is not None else None


def reader_id(store: Store, token: str | None, now: datetime) -> int:
    """The reader with this token (None: the local reader), created when new."""
    with store.engine.connect() as conn:
        found = find_reader(conn, token)
    if found is not None:
        return found
    with store.writing("adding a reader") as conn:
        found = find_reader(conn, token)  # another process may have added it meanwhile
        if found is not None:
            return found
        result = conn.execute(insert(readers_table).values(token_hash=_hash(token), created_at=now))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def follows(conn: Connection, reader: int) -> list[Follow]:
    """What the reader follows, oldest follow first."""
    f = follows_table
    rows = conn.execute(
        select(f.c.kind, f.c.page_id, f.c.followed_at, f.c.seen_at)
        .where(f.c.reader_id == reader)
        .order_by(f.c.followed_at, f.c.page_id)
    ).all()
    return [Follow(r.kind, r.page_id, r.followed_at, r.seen_at) for r in rows]


def follow(store: Store, reader: int, kind: str, page_id: int, now: datetime) -> bool:
    """Follow an article or the story of ``page_id``; False when followed already."""
    _check_kind(kind)
    f = follows_table
    with store.writing(f"following {kind} of page {page_id}") as conn:
        if (
            conn.execute(select(schema.pages.c.id).where(schema.pages.c.id == page_id)).first()
            is None
        ):
            raise InputError(f"there is no article {page_id} to follow")
        key = and_(f.c.reader_id == reader, f.c.kind == kind, f.c.page_id == page_id)
        if conn.execute(select(f.c.page_id).where(key)).first() is not None:
            return False
        conn.execute(
            insert(f).values(
                reader_id=reader, kind=kind, page_id=page_id, followed_at=now, seen_at=now
            )
        )
    return True


def unfollow(store: Store, reader: int, kind: str, page_ids: Sequence[int]) -> int:
    """Stop following (``kind``, any of ``page_ids``); how many follows were removed."""
    _check_kind(kind)
    f = follows_table
    with store.writing(f"unfollowing a {kind}") as conn:
        result = conn.execute(
            delete(f).where(f.c.reader_id == reader, f.c.kind == kind, f.c.page_id.in_(page_ids))
        )
    return int(result.rowcount or 0)


def followed_among(
    conn: Connection, reader: int, story_pages: Sequence[int], article: int | None
) -> list[tuple[str, int]]:
    """Which of these the reader follows: (``"story"``, page) for a page of the story's,
    (``"article"``, page) for the article."""
    f = follows_table
    wanted = []
    if story_pages:
        wanted.append(and_(f.c.kind == "story", f.c.page_id.in_(list(story_pages))))
    if article is not None:
        wanted.append(and_(f.c.kind == "article", f.c.page_id == article))
    if not wanted:
        return []
    rows = conn.execute(
        select(f.c.kind, f.c.page_id).where(f.c.reader_id == reader, or_(*wanted))
    ).all()
    return [(r.kind, r.page_id) for r in rows]


def mark_seen(
    store: Store, reader: int, now: datetime, keys: Sequence[tuple[str, int]] | None = None
) -> int:
    """Everything the reader follows (or just ``keys``: (kind, page id) pairs) is seen
    as of ``now``; returns how many follows were marked."""
    f = follows_table
    query = update(f).where(f.c.reader_id == reader)
    if keys is not None:
        if not keys:
            return 0
        query = query.where(
            or_(*(and_(f.c.kind == kind, f.c.page_id == page) for kind, page in keys))
        )
    with store.writing("marking followed stories seen") as conn:
        result = conn.execute(query.values(seen_at=now))
    return int(result.rowcount or 0)


def has_follows(conn: Connection, reader: int) -> bool:
    """Whether the reader follows anything (pages may then show what is new)."""
    f = follows_table
    return (
        conn.execute(select(f.c.page_id).where(f.c.reader_id == reader).limit(1)).first()
        is not None
    )


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(f"follow a story or an article, not {kind!r}")
