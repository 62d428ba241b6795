"""The current database schema as SQLAlchemy Core tables, used by every query.

Migrations (``storyline.store.migrations``) build the schema step by step; this module
describes where they end up (migration 1's tables plus what later migrations add), and a
test checks the two agree. Everything is portable Core: the same tables work on SQLite and
PostgreSQL. Times are stored as naive UTC and read back as aware UTC (``UTCDateTime``).
"""

from __future__ import annotations

from sqlalchemy import MetaData, Table

from storyline.store.migrations.m0001_initial import build_tables
from storyline.store.migrations.m0007_unbounded_text import widen

metadata = MetaData()
_TABLES = build_tables(metadata)
widen(_TABLES)
sources: Table = _TABLES["sources"]
pages: Table = _TABLES["pages"]
versions: Table = _TABLES["versions"]
captures: Table = _TABLES["captures"]
changes: Table = _TABLES["changes"]
