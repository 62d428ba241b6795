"""Migration 3: the full-text search index (SQLite FTS5; nothing on other databases).

The table, its sync triggers and the back-fill live in ``storyline.store.search``.
"""

from __future__ import annotations

from sqlalchemy import Connection

from storyline.store.search import create_search_index

NAME = "full-text search index"


def upgrade(conn: Connection) -> None:
    """Create the FTS5 table and triggers, and index the pages already stored."""
    create_search_index(conn)
