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
from typing import Any, TypeVar

from sqlalchemy import Connection, MetaData, Table, func, insert, select, text

from storyline.store import duplicates as dup_tables
from storyline.store import schema
from storyline.store.bulk_indexes import Deferred, rebuild, set_aside, worth_deferring
from storyline.store.engine import WRITE_OPTION, store_errors
from storyline.store.migrations import m0001_initial, m0004_stories, m0005_story_events

_CHUNK = 2000
T = TypeVar("T")
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
        self.deferred = Deferred()

    def defer_indexes(self, incoming_versions: int) -> bool:
        """Set the secondary indexes (and PostgreSQL's foreign keys) of the tables a load
        writes aside until ``finish``, when the load is large against the store
        (``bulk_indexes``); whether it did."""
        if not worth_deferring(self.conn, incoming_versions):
            return False
        self.deferred = set_aside(self.conn, list(TABLES))
        return True

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
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        columns = list(first)
        tuples = (
            tuple(_naive_utc(row[c]) for c in columns) for row in itertools.chain([first], iterator)
        )
        return self.write_tuples(table, columns, tuples)

    def write_tuples(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Write rows given as value sequences in the order of ``columns`` (no dict per row:
        what ``storyline load`` streams from Parquet columns); the row count. Datetimes
        are naive UTC, as the store keeps them."""
        if self.conn.dialect.name == "postgresql":
            return _pg_copy(self.conn, TABLES[table], columns, rows)
        statement = insert(TABLES[table])
        count = 0
        for chunk in _chunks(rows, _CHUNK):
            self.conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in chunk])
            count += len(chunk)
        return count

    def finish(self) -> None:
        """What inserts with explicit ids leave to do: PostgreSQL's id sequences move past
        the new ids; SQLite's search index takes the new pages (its triggers fire on
        updates, not on these inserts). Indexes set aside are built again first."""
        rebuild(self.conn, self.deferred)
        self.deferred = Deferred()
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
        if conn.dialect.name == "postgresql":  # one commit at the end: no need to wait for it
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            _faster_compression(conn)
        bulk = BulkWriter(conn)
        yield bulk
        bulk.finish()


def _faster_compression(conn: Connection) -> None:
    """lz4 for the values this load stores compressed (article JSON), where the server
    has it: several times faster than the default pglz, and read back the same."""
    has_lz4 = conn.exec_driver_sql(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    ).scalar()
    if has_lz4:
        conn.exec_driver_sql("SET LOCAL default_toast_compression = lz4")


def _pg_copy(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """``COPY table (columns) FROM STDIN`` in PostgreSQL's binary format: values go as
    they are (a raw page as its bytes, not hex text), typed from the catalogue."""
    names = ", ".join(f'"{c}"' for c in columns)
    types = _pg_types(conn, table.name)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    count = 0
    texts = [i for i, c in enumerate(columns) if types[c] in _TEXT_TYPES]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)') as copy:
        copy.set_types([types[c] for c in columns])
        for row in rows:
            if texts:
                row = _nul_free(row, texts)
            copy.write_row(row)
            count += 1
    return count


_TEXT_TYPES = ("text", "character varying")


def _pg_types(conn: Connection, table: str) -> dict[str, str]:
    """Each column's type name, as psycopg's binary COPY wants it."""
    rows = conn.execute(
        text(
            "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
            "WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        {"table": f'"{table}"'},
    )
    return {str(name): str(kind) for name, kind in rows}


def _nul_free(row: Sequence[Any], texts: list[int]) -> Sequence[Any]:
    """PostgreSQL text cannot hold NUL, which SQLite stores: U+FFFD instead, as the
    store's own writes do (``postgres.py``)."""
    if not any(isinstance(row[i], str) and "\x00" in row[i] for i in texts):
        return row
    values = list(row)
    for i in texts:
        if isinstance(values[i], str):
            values[i] = values[i].replace("\x00", "\ufffd")
    return values


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
