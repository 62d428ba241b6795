"""Migration 7: URLs and server-supplied header values as unbounded text.

Migration 1 declared them ``VARCHAR(n)``. SQLite ignores the length, PostgreSQL enforces
it, so there a page with a 3,000-character tracking URL, or a server sending a long ETag
or Content-Type, failed to store. The values come from the web and have no natural bound,
so they become ``TEXT`` on databases that enforce lengths (nothing to do on SQLite).
``schema.py`` applies ``widen`` to its tables so they say the same.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, Text

NAME = "unbounded URLs and header values"

WIDENED = {
    "sources": ("url", "origin_url", "etag", "last_modified"),
    "pages": ("url", "canonical_url", "etag", "last_modified"),
    "versions": ("raw_type",),
}


def widen(tables: dict[str, Table]) -> None:
    """Give the Core tables of migration 1 the column types this migration leaves."""
    for name, columns in WIDENED.items():
        for column in columns:
            tables[name].c[column].type = Text()


def upgrade(conn: Connection) -> None:
    """Alter the columns to TEXT where the length is enforced (not on SQLite)."""
    if conn.dialect.name == "sqlite":
        return
    for name, columns in WIDENED.items():
        alters = ", ".join(f"ALTER COLUMN {column} TYPE TEXT" for column in columns)
        conn.exec_driver_sql(f"ALTER TABLE {name} {alters}")
