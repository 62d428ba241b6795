"""Work claims (migration 13): several followers on one database split what is due.

A follower claims a batch of due sources or pages in one write transaction: the rows due
and not claimed by anyone else (or whose claim has run out) are marked as its own until
``now + lease``. Writes are serialised (``BEGIN IMMEDIATE`` on SQLite, the writer's
advisory lock on PostgreSQL), so two followers never claim the same row: the equivalent of
``SELECT ... FOR UPDATE SKIP LOCKED``, with the claim surviving the transaction. A follower
renews its claim on an item just before visiting it and skips the item when the claim is
no longer its own, so an item is visited once even when a slow pass outlives its lease. A
visit releases its claim and notes who made it; a follower killed mid-pass leaves claims
that others take over once ``until`` has passed, and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, MetaData, Table, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storyline.store import schema
from storyline.store.db import Store
from storyline.store.migrations import m0013_claims
from storyline.store.rows import PageRow, SourceRow

work_claims: Table = m0013_claims.build_tables(MetaData())["work_claims"]
_c = work_claims


def claim_pages(
    store: Store,
    due_by: datetime,
    worker: str,
    lease_s: float,
    limit: int,
    at: datetime | None = None,
) -> list[PageRow]:
    """Claim up to ``limit`` pages due by ``due_by`` (the longest-waiting first) until
    ``at`` (default: now) plus the lease."""
    p = schema.pages
    at = at or datetime.now(UTC)
    with store._write(f"claiming pages for {worker}") as conn:
        rows = _free(conn, p, "page", p.c.next_visit_at <= due_by, at, limit)
        _claim(conn, "page", [r.id for r in rows], worker, at + timedelta(seconds=lease_s))
    return [PageRow(**r._asdict()) for r in rows]


def claim_sources(
    store: Store,
    due_by: datetime,
    worker: str,
    lease_s: float,
    limit: int,
    at: datetime | None = None,
) -> list[SourceRow]:
    """Claim up to ``limit`` feeds and sitemaps due by ``due_by``, as ``claim_pages``."""
    s = schema.sources
    at = at or datetime.now(UTC)
    due = and_(s.c.next_visit_at <= due_by, s.c.kind != "article")
    with store._write(f"claiming sources for {worker}") as conn:
        rows = _free(conn, s, "source", due, at, limit)
        _claim(conn, "source", [r.id for r in rows], worker, at + timedelta(seconds=lease_s))
    return [SourceRow(**r._asdict()) for r in rows]


def renew(
    store: Store, kind: str, item_id: int, worker: str, lease_s: float, at: datetime | None = None
) -> bool:
    """Extend ``worker``'s claim on an item it is about to visit; False when the claim is
    no longer its own (it ran out and another follower took the item over)."""
    at = at or datetime.now(UTC)
    with store._write(f"renewing the claim on {kind} {item_id}") as conn:
        done = conn.execute(
            update(_c)
            .where(_c.c.kind == kind, _c.c.item_id == item_id, _c.c.worker == worker)
            .values(until=at + timedelta(seconds=lease_s))
        )
    return bool(done.rowcount)


def release(store: Store, kind: str, item_id: int, worker: str, visited_at: datetime) -> None:
    """End ``worker``'s claim on a visited item and note that it made the visit."""
    with store._write(f"releasing {kind} {item_id}") as conn:
        conn.execute(
            update(_c)
            .where(_c.c.kind == kind, _c.c.item_id == item_id)
            .values(worker=None, until=None, last_worker=worker, last_visit_at=visited_at)
        )


def last_workers(store: Store, kind: str, ids: Sequence[int]) -> dict[int, str]:
    """Who last visited each of these items (items never visited by a follower are left out)."""
    if not ids:
        return {}
    query = select(_c.c.item_id, _c.c.last_worker).where(
        _c.c.kind == kind, _c.c.item_id.in_(list(ids)), _c.c.last_worker.is_not(None)
    )
    with store._read(f"reading who visited {kind}s") as conn:
        return {row.item_id: row.last_worker for row in conn.execute(query)}


def _free(conn: Connection, table: Table, kind: str, due: Any, now: datetime, limit: int) -> Any:
    """The due rows nobody holds a live claim on at ``now``, oldest due first (ties by id)."""
    joined = table.outerjoin(_c, and_(_c.c.kind == kind, _c.c.item_id == table.c.id))
    query = (
        select(table)
        .select_from(joined)
        .where(due, or_(_c.c.until.is_(None), _c.c.until <= now))
        .order_by(table.c.next_visit_at, table.c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def _claim(conn: Connection, kind: str, ids: list[int], worker: str, until: datetime) -> None:
    if not ids:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(_c)
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["kind", "item_id"],
            set_={"worker": insert.excluded.worker, "until": insert.excluded.until},
        ),
        [{"kind": kind, "item_id": i, "worker": worker, "until": until} for i in ids],
    )
