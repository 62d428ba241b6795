"""Versioned schema migrations, each run once, in order, in its own transaction.

A migration is a module ``mNNNN_<name>.py`` with ``NAME`` and ``upgrade(conn)``; add it to
``MIGRATIONS``. Applied versions are recorded in ``storyline_schema``, so opening an old
database upgrades it and opening a database from a newer storyline is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
)

from storyline.errors import StoreError
from storyline.store.coltypes import UTCDateTime
from storyline.store.engine import WRITE_OPTION
from storyline.store.migrations import (
    m0001_initial,
    m0002_duplicates,
    m0003_search,
    m0004_stories,
    m0005_story_events,
    m0006_story_snapshots,
    m0007_unbounded_text,
    m0008_postgres_search,
    m0009_politeness,
    m0010_page_facts,
    m0011_readers,
    m0012_story_edits,
    m0013_claims,
)


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, a name, and the function that applies it."""

    version: int
    name: str
    upgrade: Callable[[Connection], None]


def _from_module(version: int, module: ModuleType) -> Migration:
    return Migration(version, module.NAME, module.upgrade)


MIGRATIONS: tuple[Migration, ...] = (
    _from_module(1, m0001_initial),
    _from_module(2, m0002_duplicates),
    _from_module(3, m0003_search),
    _from_module(4, m0004_stories),
    _from_module(5, m0005_story_events),
    _from_module(6, m0006_story_snapshots),
    _from_module(7, m0007_unbounded_text),
    _from_module(8, m0008_postgres_search),
    _from_module(9, m0009_politeness),
    _from_module(10, m0010_page_facts),
    _from_module(11, m0011_readers),
    _from_module(12, m0012_story_edits),
    _from_module(13, m0013_claims),
)

_meta = MetaData()
schema_table = Table(
    "storyline_schema",
    _meta,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)


def current_version(conn: Connection) -> int:
    """The highest migration applied to the database (0 for an empty database)."""
    _meta.create_all(conn, tables=[schema_table])
    found = conn.execute(select(schema_table.c.version)).scalars().all()
    return max(found, default=0)


def _applied_version(conn: Connection) -> int:
    """``current_version`` without creating the table (0 when there is none yet)."""
    if not inspect(conn).has_table(schema_table.name):
        return 0
    found = conn.execute(select(schema_table.c.version)).scalars().all()
    return max(found, default=0)


def migrate(engine: Engine, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply every pending migration; return the versions applied.

    The first look only reads, so opening an up-to-date database never waits for a
    writer; pending migrations run as write transactions (one writer, see ``engine.py``),
    so two processes opening a new database at once apply each migration once.
    """
    applied: list[int] = []
    with engine.connect() as conn:
        have = _applied_version(conn)
    newest = max((m.version for m in migrations), default=0)
    if have > newest:
        raise StoreError(
            f"the database is at schema version {have}, newer than this storyline knows "
            f"({newest}); upgrade storyline (pip install -U storyline) to open it"
        )
    writer = engine.execution_options(**{WRITE_OPTION: True})
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version <= have:
            continue
        with writer.begin() as conn:
            if current_version(conn) >= migration.version:  # another process got there first
                continue
            migration.upgrade(conn)
            conn.execute(
                schema_table.insert().values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        applied.append(migration.version)
    return applied
