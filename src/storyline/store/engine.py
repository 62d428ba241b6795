"""Open a database by path or SQLAlchemy URL, and translate database errors into ours.

SQLite gets WAL journaling (readers never block the writer), a busy timeout, foreign keys,
and ``BEGIN IMMEDIATE`` for write transactions, so two writers queue instead of failing
half-way. PostgreSQL (a ``postgresql+psycopg://`` URL, driver from the ``postgres`` extra)
gets the same one-writer rule and timeout from ``postgres.py``. Those are the only
dialect-specific bits; everything else is portable Core.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from storyline.config import Settings, default_db_path
from storyline.errors import StoreError
from storyline.store.postgres import LOCK_STATES, configure_postgresql

WRITE_OPTION = "storyline_write"


def resolve_target(target: str | Path | None, settings: Settings | None = None) -> str:
    """The database to open: ``target``, else $STORYLINE_DB, else settings.db, else the
    platform's user data directory."""
    for candidate in (target, os.environ.get("STORYLINE_DB"), settings.db if settings else None):
        if candidate:
            return str(candidate)
    return str(default_db_path())


def database_url(target: str, create: bool = True) -> str:
    """A SQLAlchemy URL for a path or URL, creating the parent folder of a SQLite file.

    With ``create=False`` a SQLite file that does not exist is an error naming the path
    (read commands use it, so a typo does not silently make an empty database).
    """
    if "://" in target:
        return target
    path = Path(target).expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory; give a database file such as {path}/storyline.db")
    if not create and not path.exists():
        raise StoreError(
            f"no database at {path}: check --db (or $STORYLINE_DB); `storyline follow` or "
            "`storyline ingest` creates one"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create the folder for database {path}: {err}") from err
    return f"sqlite:///{path.resolve()}"


def create_store_engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    """An Engine for ``url``; SQLite connections get WAL, a busy timeout and BEGIN IMMEDIATE."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as err:
        raise StoreError(f"{url!r} is neither a file path nor a database URL: {err}") from err
    try:
        engine = create_engine(parsed, future=True)
    except (exc.NoSuchModuleError, ImportError) as err:
        raise StoreError(
            f"cannot open {parsed.render_as_string(hide_password=True)}: {err}; install the "
            "database driver (pip install 'storyline[postgres]' for PostgreSQL)"
        ) from err
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, int(busy_timeout_s * 1000))
    elif engine.dialect.name == "postgresql":
        configure_postgresql(engine, int(busy_timeout_s * 1000), WRITE_OPTION)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _is_lock_wait(err: exc.DBAPIError, text: str) -> bool:
    """SQLite's "database is locked/busy" or PostgreSQL's lock timeout and deadlock."""
    state = getattr(err.orig, "sqlstate", None)
    return "locked" in text or "busy" in text or state in LOCK_STATES


@contextlib.contextmanager
def store_errors(where: str) -> Iterator[None]:
    """Translate SQLAlchemy errors raised inside the block into ``StoreError``."""
    try:
        yield
    except exc.OperationalError as err:
        text = str(err.orig) if err.orig else str(err)
        if _is_lock_wait(err, text):
            raise StoreError(
                f"{where}: the database is locked by another storyline process; wait for it "
                "to finish (or stop `storyline watch`) and try again"
            ) from err
        raise StoreError(f"{where}: the database cannot be used: {text}") from err
    except exc.DatabaseError as err:
        text = str(err.orig) if err.orig else str(err)
        if "not a database" in text or "malformed" in text:
            raise StoreError(
                f"{where}: the file is not a storyline database or is damaged ({text}); "
                "give another --db path"
            ) from err
        raise StoreError(f"{where}: database error: {text}") from err
