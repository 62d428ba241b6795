"""Migration 8: the full-text search index on PostgreSQL (nothing on SQLite, which has FTS5).

A GIN expression index over every version's headline, standfirst and body; the
expression and the queries using it live in ``storyline.store.pg_search``.
"""

from __future__ import annotations

from sqlalchemy import Connection

from storyline.store.pg_search import create_pg_search_index

NAME = "full-text search index on PostgreSQL"


def upgrade(conn: Connection) -> None:
    """Create the GIN index (PostgreSQL only), covering the versions already stored."""
    create_pg_search_index(conn)
