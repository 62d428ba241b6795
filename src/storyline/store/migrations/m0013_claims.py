"""Migration 13: work claims, so that several followers on one database share the work.

Frozen like the others. ``storyline.store.claims`` builds its table from ``build_tables``.

- ``work_claims``: one row per source or page that a follower has claimed or visited
  (``kind`` is ``source`` or ``page``, ``item_id`` its row id). ``worker`` and ``until``
  name who holds it and until when (NULL once it is released); a claim not released by
  ``until`` (its follower was killed) is free again. ``last_worker`` and ``last_visit_at``
  say who visited it last, for ``storyline sources``.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table

from storyline.store.coltypes import UTCDateTime

NAME = "work claims"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The table of migration 13, built on ``metadata``."""
    claims = Table(
        "work_claims",
        metadata,
        Column("kind", String(16), primary_key=True),
        Column("item_id", Integer, primary_key=True, autoincrement=False),
        Column("worker", String(200)),
        Column("until", UTCDateTime),
        Column("last_worker", String(200)),
        Column("last_visit_at", UTCDateTime),
    )
    return {claims.name: claims}


def upgrade(conn: Connection) -> None:
    """Create the table of migration 13."""
    metadata = MetaData()
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
