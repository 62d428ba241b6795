"""Followed sources as readers get them (``storyline sources --json``, ``/api/sources``)."""

from __future__ import annotations

from typing import Any

from storyline import times
from storyline.errors import NotFoundError
from storyline.store import Store
from storyline.store.rows import SourceRow

MAX_LIMIT = 200


def sources_data(store: Store, limit: int = MAX_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """Followed sources with their health, oldest first, a page at a time."""
    after = int(cursor) if cursor and cursor.isdigit() else 0
    rows = [s for s in store.sources() if s.id > after]
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = rows[:limit]
    return {
        "items": [source_dict(s) for s in page],
        "next_cursor": str(page[-1].id) if len(rows) > limit else None,
    }


def source_dict(source: SourceRow) -> dict[str, Any]:
    """A source as JSON-ready data, with a health flag and a readable interval."""
    data = {k: times.iso(v) if k.endswith("_at") else v for k, v in source.__dict__.items()}
    data.pop("etag", None)
    data.pop("last_modified", None)
    data["healthy"] = source.failures == 0
    data["every"] = interval_text(source.interval_s)
    return data


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
