"""Politeness state in the database (migration 9): host turns, deadline misses and
robots.txt answers shared by every process on one database (``sources.shared``'s
protocols), and the install's named secrets.

A turn is reserved with one UPDATE ... RETURNING that moves ``last_start`` to the later
of now and the last start plus the delay: atomic on SQLite (the one-writer transaction)
and on PostgreSQL (the row lock; it does not need the writer's advisory lock, so many
``watch`` processes can reserve turns at once when followers are split by host).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, MetaData, Table, case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storyline.sources.shared import Slot, StoredRobots
from storyline.store.db import Store
from storyline.store.migrations.m0009_politeness import build_tables

_TABLES = build_tables(MetaData())
host_slots: Table = _TABLES["host_slots"]
robots_txt: Table = _TABLES["robots_txt"]
install_secrets: Table = _TABLES["install_secrets"]


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` / ``_do_update``."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


class StorePoliteness:
    """``HostSlots`` and ``RobotsStore`` kept in the store (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- host turns --------------------------------------------------------------------

    def reserve(self, host: str, delay: float, now: float) -> Slot:
        t = host_slots
        with self._store.writing(f"reserving a turn at {host}") as conn:
            conn.execute(
                _insert(conn, t)
                .values(host=host, last_start=now - delay, misses=0)
                .on_conflict_do_nothing(index_elements=["host"])
            )
            start = case((t.c.last_start + delay > now, t.c.last_start + delay), else_=now)
            row = conn.execute(
                update(t)
                .where(t.c.host == host)
                .values(last_start=start)
                .returning(t.c.last_start, t.c.misses, t.c.resting_until)
            ).one()
        resting = None if row.resting_until is None else float(row.resting_until)
        return Slot(float(row.last_start), int(row.misses), resting)

    def started_late(self, host: str, started: float) -> None:
        t = host_slots
        with self._store.writing(f"moving the turn at {host}") as conn:
            conn.execute(
                update(t)
                .where(t.c.host == host, t.c.last_start < started)
                .values(last_start=started)
            )

    def missed(self, host: str) -> int:
        t = host_slots
        with self._store.writing(f"noting a missed deadline at {host}") as conn:
            conn.execute(
                _insert(conn, t)
                .values(host=host, last_start=0.0, misses=0)
                .on_conflict_do_nothing(index_elements=["host"])
            )
            return int(
                conn.execute(
                    update(t)
                    .where(t.c.host == host)
                    .values(misses=t.c.misses + 1)
                    .returning(t.c.misses)
                ).scalar_one()
            )

    def rest(self, host: str, until: float) -> None:
        t = host_slots
        with self._store.writing(f"resting {host}") as conn:
            conn.execute(update(t).where(t.c.host == host).values(resting_until=until))

    def resting_until(self, host: str) -> float | None:
        t = host_slots
        with self._store.reading(f"reading the state of {host}") as conn:
            value = conn.execute(select(t.c.resting_until).where(t.c.host == host)).scalar()
        return None if value is None else float(value)

    def recovered(self, host: str) -> None:
        t = host_slots
        with self._store.writing(f"clearing the misses of {host}") as conn:
            conn.execute(update(t).where(t.c.host == host).values(misses=0, resting_until=None))

    # -- robots.txt --------------------------------------------------------------------

    def load(self, origin: str) -> StoredRobots | None:
        t = robots_txt
        with self._store.reading(f"reading robots.txt of {origin}") as conn:
            row = conn.execute(
                select(t.c.status, t.c.body, t.c.expires_at).where(t.c.origin == origin)
            ).first()
        if row is None:
            return None
        return StoredRobots(row.status, bytes(row.body), float(row.expires_at))

    def save(self, origin: str, answer: StoredRobots, fetched_at: float) -> None:
        t = robots_txt
        values = {
            "status": answer.status,
            "body": answer.body,
            "fetched_at": fetched_at,
            "expires_at": answer.expires_at,
        }
        with self._store.writing(f"keeping robots.txt of {origin}") as conn:
            conn.execute(
                _insert(conn, t)
                .values(origin=origin, **values)
                .on_conflict_do_update(index_elements=["origin"], set_=values)
            )


def install_secret(store: Store, name: str) -> str:
    """The install's secret called ``name``, made (random, 256 bits) the first time."""
    t = install_secrets
    with store.reading(f"reading secret {name}") as conn:
        found = conn.execute(select(t.c.value).where(t.c.name == name)).scalar()
    if found:
        return str(found)
    with store.writing(f"making secret {name}") as conn:
        conn.execute(
            _insert(conn, t)
            .values(name=name, value=secrets.token_urlsafe(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return str(conn.execute(select(t.c.value).where(t.c.name == name)).scalar_one())
