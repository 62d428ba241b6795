"""Bulk writes: many rows into the store's tables at once, fast, in one transaction.

``storyline load`` (``spark/load.py``) turns a backfill's Parquet tables into table rows;
this module writes them: PostgreSQL through ``COPY ... FROM STDIN`` (psycopg), SQLite
through ``executemany``. The caller asks for the next free ids and which of its URLs the
store already holds, then writes rows with explicit ids, all inside one write
transaction (``Store.bulk()``): a load that fails leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, MetaData, Table, func, insert, select, text

from storyline.store import duplicates as dup_tables
from storyline.store import schema
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0004_stories, m0005_story_events

_CHUNK = 2000
_stories_metadata = MetaData()
m0001_initial.build_tables(_stories_metadata)
_STORY_TABLES = {
    **m0004_stories.build_tables(_stories_metadata),
    **m0005_story_events.build_tables(_stories_metadata),
}
TABLES: dict[str, Table] = {
    "pages": schema.pages,
    "versions": schema.versions,
    "captures": schema.captures,
    "changes": schema.changes,
    "dup_signatures": dup_tables.signatures,
    "dup_bands": dup_tables.bands,
    "story_items": _STORY_TABLES["story_items"],
    "story_events": _STORY_TABLES["story_events"],
}


class BulkWriter:
    """One bulk-load transaction: read the next ids and known URLs, then write rows."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def next_ids(self) -> tuple[int, int]:
        """The first free page id and version id."""
        page = self.conn.execute(select(func.max(schema.pages.c.id))).scalar() or 0
        version = self.conn.execute(select(func.max(schema.versions.c.id))).scalar() or 0
        return int(page) + 1, int(version) + 1

    def known_urls(self, urls: Sequence[str], limit: int = 3) -> list[str]:
        """Up to ``limit`` of ``urls`` that the store already holds as pages."""
        p = schema.pages
        found: list[str] = []
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            found += self.conn.execute(
                select(p.c.url).where(p.c.url.in_(chunk)).limit(limit)
            ).scalars()
            if len(found) >= limit:
                break
        return found[:limit]

    def write(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Write rows (dicts with the same keys) into one of ``TABLES``; the row count."""
        if self.conn.dialect.name == "postgresql":
            return _pg_copy(self.conn, TABLES[table], rows)
        count = 0
        for chunk in _chunks(rows, _CHUNK):
            self.conn.execute(insert(TABLES[table]), chunk)
            count += len(chunk)
        return count

    def finish(self) -> None:
        """What inserts with explicit ids leave to do: PostgreSQL's id sequences move past
        the new ids; SQLite's search index takes the new pages (its triggers fire on
        updates, not on these inserts)."""
        if self.conn.dialect.name == "postgresql":
            for table in (schema.pages, schema.versions, schema.captures, schema.changes):
                self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
            return
        from storyline.store.search import create_search_index

        create_search_index(self.conn)


@contextlib.contextmanager
def bulk_transaction(engine: Any, what: str) -> Iterator[BulkWriter]:
    """A write transaction for a bulk load (queued behind other writers like any write)."""
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with store_errors(what), writer.begin() as conn:
        bulk = BulkWriter(conn)
        yield bulk
        bulk.finish()


def _pg_copy(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """``COPY table (columns) FROM STDIN``, one row at a time through psycopg's adapters."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = list(first)
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    count = 0
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in itertools.chain([first], iterator):
            copy.write_row([_pg_value(row[c]) for c in columns])
            count += 1
    return count


def _pg_value(value: Any) -> Any:
    if isinstance(value, datetime):  # stored as naive UTC, like UTCDateTime does
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
