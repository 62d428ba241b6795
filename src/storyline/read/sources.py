"""Followed sources as readers get them (``storyline sources --json``, ``/api/sources``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from storyline import times
from storyline.errors import NotFoundError
from storyline.store import Store, schema
from storyline.store.claims import last_workers, work_claims
from storyline.store.rows import SourceRow

MAX_LIMIT = 200
MAX_FAILING_SHOWN = 5


def sources_data(store: Store, limit: int = MAX_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """Followed sources with their health, oldest first, a page at a time. A source is
    healthy when its own last visit worked and none of its pages keeps failing (a page
    that robots.txt forbids fails on every visit, even when the feed is fine)."""
    after = int(cursor) if cursor and cursor.isdigit() else 0
    rows = [s for s in store.sources() if s.id > after]
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = rows[:limit]
    ids = [s.id for s in page]
    with store.engine.connect() as conn:
        failing = _failing_pages(conn, ids)
        visitors = _page_visitors(conn, ids)
    workers = last_workers(store, "source", ids)
    return {
        "items": [
            source_dict(s, failing.get(s.id), workers.get(s.id), visitors.get(s.id)) for s in page
        ],
        "next_cursor": str(page[-1].id) if len(rows) > limit else None,
    }


def source_dict(
    source: SourceRow,
    failing: list[dict[str, Any]] | None = None,
    last_worker: str | None = None,
    page_visitors: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A source as JSON-ready data, with a health flag, its failing pages, a readable
    interval, and which follower last read it and visited its pages (several ``watch``
    processes on one database share the work)."""
    data = {k: times.iso(v) if k.endswith("_at") else v for k, v in source.__dict__.items()}
    data.pop("etag", None)
    data.pop("last_modified", None)
    data["failing_pages"] = failing or []
    data["healthy"] = source.failures == 0 and not failing
    data["every"] = interval_text(source.interval_s)
    data["last_worker"] = last_worker
    data["pages_by_worker"] = page_visitors or {}
    return data


def _page_visitors(conn: Connection, source_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each source, how many of its pages each follower visited last."""
    p, c = schema.pages, work_claims
    found: dict[int, dict[str, int]] = {}
    if not source_ids:
        return found
    rows = conn.execute(
        select(p.c.source_id, c.c.last_worker, func.count())
        .join(c, (c.c.kind == "page") & (c.c.item_id == p.c.id))
        .where(p.c.source_id.in_(source_ids), c.c.last_worker.is_not(None))
        .group_by(p.c.source_id, c.c.last_worker)
        .order_by(p.c.source_id, c.c.last_worker)
    ).all()
    for source_id, worker, count in rows:
        found.setdefault(source_id, {})[worker] = int(count)
    return found


def _failing_pages(conn: Connection, source_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each source's pages whose last visits failed: URL, failures in a row, the error."""
    p = schema.pages
    found: dict[int, list[dict[str, Any]]] = {}
    if not source_ids:
        return found
    rows = conn.execute(
        select(p.c.source_id, p.c.id, p.c.url, p.c.failures, p.c.last_error, p.c.last_status)
        .where(p.c.source_id.in_(source_ids), p.c.failures > 0)
        .order_by(p.c.source_id, p.c.failures.desc(), p.c.id)
    ).all()
    for r in rows:
        mine = found.setdefault(r.source_id, [])
        if len(mine) < MAX_FAILING_SHOWN:
            mine.append(
                {
                    "id": r.id,
                    "url": r.url,
                    "failures": r.failures,
                    "error": r.last_error,
                    "status": r.last_status,
                }
            )
    return found


def interval_text(seconds: float) -> str:
    """ "15 min", "2 h", "1 d": a polling interval as people say it."""
    if seconds >= 86400 and seconds % 86400 == 0:
        return f"{int(seconds // 86400)} d"
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds)} s"


def unfollow(store: Store, source_id: int) -> SourceRow:
    """Stop following the source with this id; its stored articles stay."""
    match = next((s for s in store.sources() if s.id == source_id), None)
    if match is None:
        raise NotFoundError(f"there is no source {source_id}; /sources lists them")
    return store.remove_source(match.url)
