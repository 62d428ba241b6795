"""Secondary indexes and foreign keys set aside during a bulk load and rebuilt once after.

Building an index over rows already in a table is one sort (a B-tree) or one pass (a
GIN index), where keeping it up to date costs a search and an insertion for every row,
and a foreign key checked row by row is one index probe each; PostgreSQL's own advice
for populating a database ("Populating a Database" in its manual) is to drop both, load
with COPY and create them again. That pays only when the load is large against what the
tables hold (a rebuild reads every row, old ones too), so ``storyline load`` sets them
aside when it adds at least as many versions as the store has (``worth_deferring``).

Primary keys and unique constraints stay: they are what makes a bad load fail. Every
statement runs in the load's transaction, so a load that fails leaves the indexes and
constraints as they were (DDL is transactional on both databases). While the load runs,
its tables are locked against readers on PostgreSQL (``DROP INDEX`` takes an exclusive
lock); SQLite's writer lock already keeps other writers out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text


@dataclass
class Deferred:
    """What was set aside: ``(create statement)`` for indexes, ``(table, name, definition)``
    for PostgreSQL foreign keys."""

    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


def worth_deferring(conn: Connection, incoming_versions: int) -> bool:
    """Whether rebuilding after the load costs less than keeping the indexes up to date:
    when the load brings at least as many versions as the store holds."""
    held = conn.execute(text("SELECT count(*) FROM versions")).scalar_one()
    return int(held) <= incoming_versions


def set_aside(conn: Connection, tables: list[str]) -> Deferred:
    """Drop the secondary indexes (and, on PostgreSQL, the foreign keys) of ``tables``."""
    deferred = Deferred()
    if conn.dialect.name == "postgresql":
        deferred.foreign_keys = _pg_foreign_keys(conn, tables)
        for table, name, _ in deferred.foreign_keys:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        indexes = _pg_indexes(conn, tables)
    elif conn.dialect.name == "sqlite":
        indexes = _sqlite_indexes(conn, tables)
    else:
        return deferred
    for name, create in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        deferred.indexes.append(create)
    return deferred


def rebuild(conn: Connection, deferred: Deferred) -> None:
    """Create what ``set_aside`` dropped, each index in one pass over its table."""
    for create in deferred.indexes:
        conn.exec_driver_sql(create)
    for table, name, definition in deferred.foreign_keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _pg_indexes(conn: Connection, tables: list[str]) -> list[tuple[str, str]]:
    rows = conn.execute(
        text(
            "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class ct ON ct.oid = i.indrelid JOIN pg_class ci ON ci.oid = i.indexrelid "
            "WHERE ct.relname = ANY(:tables) AND ct.relnamespace = current_schema()::regnamespace "
            "AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY ci.relname"
        ),
        {"tables": tables},
    )
    return [(str(name), str(create)) for name, create in rows]


def _pg_foreign_keys(conn: Connection, tables: list[str]) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        text(
            "SELECT ct.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class ct ON ct.oid = c.conrelid WHERE c.contype = 'f' "
            "AND ct.relname = ANY(:tables) AND ct.relnamespace = current_schema()::regnamespace "
            "ORDER BY ct.relname, c.conname"
        ),
        {"tables": tables},
    )
    return [(str(table), str(name), str(definition)) for table, name, definition in rows]


def _sqlite_indexes(conn: Connection, tables: list[str]) -> list[tuple[str, str]]:
    marks = ", ".join(f":t{i}" for i in range(len(tables)))
    rows = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name"
        ),
        {f"t{i}": t for i, t in enumerate(tables)},
    )
    return [
        (str(name), str(create))
        for name, create in rows
        if not str(create).upper().startswith("CREATE UNIQUE")
    ]
