"""Read statements compiled once and run on SQLite's own cursor, with SQLAlchemy's typing.

An article or story page runs four to six small indexed queries. SQLite answers each in
about 25 µs; SQLAlchemy's ``Connection.execute`` of the same, already built statement
took 70 µs (its cache key, compiled-cache lookup, execution context and result
metadata), so a page spent more in that bookkeeping than in the database; a search's
ranked query paid about 0.2 ms of it. A
``Prepared`` statement is compiled once per dialect; on SQLite it runs on the DBAPI
connection underneath the caller's ``Connection`` (so inside the same transaction),
with the bind and result processors SQLAlchemy itself would apply (datetimes come back
as the same UTC ``datetime``). Other databases run it through ``Connection.execute``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Dialect, Select, TextualSelect

if TYPE_CHECKING:
    import sqlite3


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bind parameters, in the order of their ``?``
    defaults: dict[str, Any]  # values bound in the statement itself (``count > 1``)
    binds: tuple[Callable[[Any], Any] | None, ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, processor)
    row: Callable[[Sequence[Any]], Any]


class Prepared:
    """A read-only SELECT (or ``text()`` with its ``.columns()``) without expanding ``IN``
    parameters, run cheaply (see module)."""

    def __init__(self, statement: Select[Any] | TextualSelect):
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def all(self, conn: Connection, params: dict[str, Any], *, begin: bool = True) -> list[Any]:
        """Every row (named tuples: ``row.id``), as ``conn.execute(...).all()`` gives.

        ``begin``: start the engine's transaction when none is open, so a request's reads
        share one snapshot; with False (on SQLite) a statement outside a transaction reads
        its own, for callers that need no common one (BEGIN and the ROLLBACK at the end
        cost a search 5 % of its CPU)."""
        if conn.dialect.name != "sqlite":
            return list(conn.execute(self.statement, params).all())
        compiled = self._by_dialect.get("sqlite") or self._compile(conn.dialect)
        if begin and not conn.in_transaction():
            conn.begin()  # as execute() would: the engine's BEGIN, one snapshot per request
        given = (params[n] if n in params else compiled.defaults[n] for n in compiled.names)
        values = [
            value if bind is None else bind(value)
            for value, bind in zip(given, compiled.binds, strict=True)
        ]
        driver = cast("sqlite3.Connection", conn.connection.driver_connection)  # SQLite here
        cursor = driver.execute(compiled.sql, values)
        rows = cursor.fetchall()
        if compiled.results:
            rows = [_processed(row, compiled.results) for row in rows]
        return [compiled.row(row) for row in rows]

    def first(self, conn: Connection, params: dict[str, Any], *, begin: bool = True) -> Any | None:
        """The first row, or None."""
        rows = self.all(conn, params, begin=begin)
        return rows[0] if rows else None

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        if dialect.paramstyle != "qmark" or any(
            compiled.binds[name].expanding for name in compiled.binds
        ):
            raise ValueError("Prepared needs qmark parameters and no expanding IN lists")
        binds = tuple(compiled.binds[name].type._cached_bind_processor(dialect) for name in names)
        columns = list(self.statement.selected_columns)
        results = tuple(
            (i, processor)
            for i, column in enumerate(columns)
            if (processor := column.type._cached_result_processor(dialect, None)) is not None
        )
        # a row class whose fields are known at run time only, which mypy cannot type
        row = namedtuple("Row", [c.key for c in columns])._make  # type: ignore[misc,attr-defined]
        found = _Compiled(str(compiled), names, dict(compiled.params), binds, results, row)
        self._by_dialect[dialect.name] = found
        return found


def _processed(
    row: Sequence[Any], results: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> list[Any]:
    values = list(row)
    for i, processor in results:
        values[i] = processor(values[i])
    return values
