"""Migration 12: people's edits to stories (split, merge, move an article, rename).

Frozen like the others. ``storyline.store.story_edits`` builds its tables from
``build_tables`` and applies the edits after every threading pass, so they outlast
``rethread``. Edits are kept by page, not by story number (threading renumbers stories):

- ``story_pins``: an article pinned to the story of another (``target_page_id``), or,
  pinned to itself, heading a story of its own with the articles pinned to it.
- ``story_titles``: a title given by hand to the story an article is in.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, ForeignKey, Integer, MetaData, Table, Text

from storyline.store.coltypes import UTCDateTime

NAME = "story edits"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 12, built on ``metadata`` (which must also hold ``pages``)."""
    pins = Table(
        "story_pins",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column(
            "target_page_id", Integer, ForeignKey("pages.id", ondelete="CASCADE"), nullable=False
        ),
        Column("created_at", UTCDateTime, nullable=False),
    )
    titles = Table(
        "story_titles",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("title", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    )
    return {t.name: t for t in (pins, titles)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 12."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    initial(metadata)
    metadata.create_all(conn, tables=list(build_tables(metadata).values()))
