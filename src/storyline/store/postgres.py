"""What a PostgreSQL connection needs to behave like storyline's SQLite one.

- One writer at a time: SQLite's ``BEGIN IMMEDIATE`` becomes a transaction-level advisory
  lock (``pg_advisory_xact_lock``) taken when a write transaction begins. The version
  writer reads a page's history before it writes, so two writers interleaving on one page
  (``watch`` and an ``ingest`` in another process) would otherwise collide on the same
  rows. Advisory locks belong to one database, so two storyline databases on one server
  do not wait for each other.
- The busy timeout becomes ``lock_timeout``: a writer that waits longer gets an error
  that ``engine.store_errors`` reports as "locked by another storyline process".
- PostgreSQL text cannot hold NUL characters, which SQLite stores; with the psycopg driver
  a NUL in a string parameter is sent as U+FFFD, as HTML parsers read ``&#0;``, instead of
  failing the transaction (a feed title or an error message can carry one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

# pg_advisory_xact_lock key of the one writer: "storyl" in ASCII.
WRITER_LOCK = 0x73746F72796C
# SQLSTATEs of "waited too long for a lock" and "deadlock detected".
LOCK_STATES = ("55P03", "40P01")


def configure_postgresql(engine: Engine, lock_timeout_ms: int, write_option: str) -> None:
    """Set the lock timeout on every connection and lock out other writers on write begin."""
    nul_free = _nul_free_dumpers() if engine.dialect.driver == "psycopg" else ()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        for dumper in nul_free:
            dbapi_conn.adapters.register_dumper(str, dumper)
        with dbapi_conn.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")
        dbapi_conn.commit()  # the driver opened a transaction for the SET; the setting stays

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(write_option, False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def _nul_free_dumpers() -> tuple[type, ...]:
    """psycopg's str dumpers (text and binary) with NUL replaced by U+FFFD."""
    from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

    class NulFreeText(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\ufffd"))

    class NulFreeBinary(StrBinaryDumper):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\ufffd"))

    return (NulFreeText, NulFreeBinary)
