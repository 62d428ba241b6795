"""Migration 5: the story threader's input, kept so threading need not read it again.

Frozen like the others. ``storyline.store.story_log`` builds its table from
``build_tables``.

- ``story_events``: one row per threaded page version, in the order threading saw them
  (``seq``): the page, the version, the time threading used and the prepared item
  (``features_json``: raw feature weights and the syndication signature). Replaying the
  rows in ``seq`` order rebuilds the threader exactly, without reading or tokenizing any
  article, so a process threads new pages after one replay and ``rethread`` agrees with
  threading page by page.
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

NAME = "story_events"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 5, built on ``metadata`` (which must also hold ``pages``)."""
    events = Table(
        "story_events",
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False),
        Column("version_id", Integer, nullable=False),
        Column("thread_time", Float, nullable=False),
        Column("features_json", Text, nullable=False),
        Index("ix_story_events_page", "page_id"),
    )
    return {events.name: events}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 5."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    initial(metadata)
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
