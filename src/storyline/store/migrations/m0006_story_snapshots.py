"""Migration 6: snapshots of the story threader, so a new process need not replay the log.

Frozen like the others. ``storyline.store.story_snapshots`` builds its table from
``build_tables``.

- ``story_snapshots``: the threader's state after the log event ``seq`` (which threaded
  version ``version_id`` of page ``page_id``: checked on load, so a snapshot of another
  log is never used), for the threading options in ``options_json``; ``state`` is the
  state as zlib-compressed JSON. Plain data, never pickle: a database may come from
  someone else.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, LargeBinary, MetaData, Table, Text

from storyline.store.coltypes import UTCDateTime

NAME = "story_snapshots"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 6, built on ``metadata``."""
    snapshots = Table(
        "story_snapshots",
        metadata,
        Column("options_json", Text, primary_key=True),
        Column("seq", Integer, nullable=False),
        Column("page_id", Integer, nullable=False),
        Column("version_id", Integer, nullable=False),
        Column("state", LargeBinary, nullable=False),
        Column("written_at", UTCDateTime, nullable=False),
    )
    return {snapshots.name: snapshots}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 6."""
    metadata = MetaData()
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
