"""Migration 11: readers, the stories and articles they follow, and when they last looked.

Frozen like the others. ``storyline.store.readers`` builds its tables from ``build_tables``.

- ``readers``: one row per reader. The local single-user app has one reader (its
  ``token_hash`` is ``"local"``); a shared server gives each browser a random token in a
  cookie and keeps only its SHA-256 here.
- ``follows``: what a reader follows, by page: an article, or the story an article is in
  (a story is followed through one of its articles, so following survives ``rethread``
  renumbering the stories), with when it was followed and last seen.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

from storyline.store.coltypes import UTCDateTime

NAME = "readers and follows"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 11, built on ``metadata`` (which must also hold ``pages``)."""
    readers = Table(
        "readers",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("created_at", UTCDateTime, nullable=False),
    )
    follows = Table(
        "follows",
        metadata,
        Column("reader_id", Integer, ForeignKey("readers.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(16), nullable=False),  # "story" or "article"
        Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
        Column("followed_at", UTCDateTime, nullable=False),
        Column("seen_at", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("reader_id", "kind", "page_id"),
        Index("ix_follows_page", "page_id"),
    )
    return {t.name: t for t in (readers, follows)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 11."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    initial(metadata)
    metadata.create_all(conn, tables=list(build_tables(metadata).values()))
