"""Migration 10: what readers sort and filter stories by, kept per page; factual changes.

Frozen like the others. ``storyline.store.page_facts`` builds its table from
``build_tables`` and keeps the rows current as versions are stored.

- ``page_facts``: for each page, facts of its latest version that lists need without
  reading the article JSON: when it was published (parsed, UTC), the outlet's own name
  (``site_name``), its language, and whether it is opinion rather than news. Filled here
  for the pages stored before this migration.
- Stored ``copy_edit`` changes that change a number, a date or a name become
  ``factual`` changes, as ``compare_articles`` now names them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)

from storyline.store.coltypes import UTCDateTime

NAME = "page facts, factual changes"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The table of migration 10, built on ``metadata`` (which must also hold ``pages``)."""
    facts = Table(
        "page_facts",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("version_id", Integer, nullable=False),
        Column("published_at", UTCDateTime),
        Column("site_name", Text),
        Column("language", String(32)),
        Column("opinion", Boolean, nullable=False, default=False),
    )
    return {facts.name: facts}


def upgrade(conn: Connection) -> None:
    """Create ``page_facts``, fill it for the stored pages, and name factual changes."""
    from storyline.revisions.factual import is_factual
    from storyline.store import page_facts
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    tables = initial(metadata)
    metadata.create_all(conn, tables=list(build_tables(metadata).values()))
    page_facts.backfill(conn)
    changes = tables["changes"]
    rows = conn.execute(
        select(changes.c.id, changes.c.before, changes.c.after).where(changes.c.kind == "copy_edit")
    ).all()
    factual = [r.id for r in rows if is_factual(r.before or "", r.after or "")]
    for start in range(0, len(factual), 500):
        chunk = factual[start : start + 500]
        conn.execute(update(changes).where(changes.c.id.in_(chunk)).values(kind="factual"))
