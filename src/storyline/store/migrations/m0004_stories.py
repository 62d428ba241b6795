"""Migration 4: stories, and each threaded page's place in them.

Frozen like the others: later migrations alter these tables rather than edit this file.
``storyline.store.stories`` builds its table objects from ``build_tables``.

- ``story_items``: one row per threaded page, in arrival order (``seq``): the version that
  was threaded, the time threading used, the page's entities (JSON, so rethreading needs
  no spaCy) and the story the page is in now.
- ``stories``: each story's title, times, merged entities and timeline (JSON), as
  ``storyline.model.Story`` holds them.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

from storyline.store.coltypes import UTCDateTime

NAME = "stories"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 4, built on ``metadata`` (which must also hold ``pages``)."""
    items = Table(
        "story_items",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("seq", Integer, nullable=False, unique=True),
        Column("version_id", Integer, nullable=False),
        Column("thread_time", Float, nullable=False),
        Column("entities_json", Text, nullable=False),
        Column("story_id", Integer),
        Index("ix_story_items_story", "story_id"),
    )
    stories = Table(
        "stories",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("title", Text, nullable=False),
        Column("article_count", Integer, nullable=False),
        Column("first_seen", UTCDateTime),
        Column("last_updated", UTCDateTime),
        Column("entities_json", Text, nullable=False),
        Column("timeline_json", Text, nullable=False),
        Index("ix_stories_last_updated", "last_updated"),
    )
    return {t.name: t for t in (items, stories)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 4."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    initial(metadata)
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
