"""Migration 9: politeness state shared by every process on one database, and the
install's secrets.

Frozen like the others. ``storyline.store.politeness`` builds its tables from
``build_tables``.

- ``host_slots``: per host (``netloc``), ``last_start``, when (Unix seconds) the last
  reserved request to it starts; a request reserves its turn with one atomic UPDATE
  that sets it to the later of now and ``last_start`` plus the host's delay (the delay
  the requester knows now, Crawl-delay included), so separate ``follow``, ``poll`` and
  ``watch`` processes keep Crawl-delay together. ``misses`` (deadline misses in a row)
  and ``resting_until`` (the host is left alone until then). Times are plain floats so
  the slot arithmetic is the same SQL on SQLite and PostgreSQL; a later claim column
  (which follower owns the host) can be added beside them.
- ``robots_txt``: per origin (``scheme://netloc``), the last answer (HTTP status, or NULL
  when robots.txt was unreachable), its body (at most 512 KiB), when it was fetched and
  until when it may be used, so robots.txt is fetched once per expiry, not per process.
- ``install_secrets``: named random secrets of this install (the web app's CSRF key).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

NAME = "shared politeness state"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables of migration 9, built on ``metadata``."""
    slots = Table(
        "host_slots",
        metadata,
        Column("host", String(300), primary_key=True),
        Column("last_start", Float, nullable=False),
        Column("misses", Integer, nullable=False, default=0),
        Column("resting_until", Float),
    )
    robots = Table(
        "robots_txt",
        metadata,
        Column("origin", String(320), primary_key=True),
        Column("status", Integer),
        Column("body", LargeBinary, nullable=False),
        Column("fetched_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False),
    )
    secrets = Table(
        "install_secrets",
        metadata,
        Column("name", String(100), primary_key=True),
        Column("value", String(200), nullable=False),
    )
    return {t.name: t for t in (slots, robots, secrets)}


def upgrade(conn: Connection) -> None:
    """Create the tables of migration 9."""
    metadata = MetaData()
    tables = build_tables(metadata)
    metadata.create_all(conn, tables=list(tables.values()))
