"""The data behind the search page and ``/api/search``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from storyline.errors import InputError
from storyline.store import Store
from storyline.store.search import MARK_END, MARK_START, SearchQuery, search_articles
from storyline.web.data import iso, site_of

PAGE_SIZE = 20


def search_data(
    store: Store,
    q: str = "",
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    entity: str | None = None,
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
    sites: list[str] | None = None,
) -> dict[str, Any]:
    """Articles whose current text matches, with filters by site, date and entity.

    ``sites`` (the followed sites, for the filter's choices) is computed when not given.
    """
    offset = _offset(cursor)
    limit = max(1, min(int(limit), 100))
    query = SearchQuery(
        words=q or "",
        site=source or None,
        since=_day(since, "since"),
        until=_day(until, "until", end=True),
        entity=entity or None,
        limit=limit,
        offset=offset,
    )
    with store.engine.connect() as conn:
        result = search_articles(conn, query)
    return {
        "q": q or "",
        "filters": {
            "source": source or None,
            "since": since or None,
            "until": until or None,
            "entity": entity or None,
        },
        "engine": result.engine,
        "items": [
            {
                "id": hit.page_id,
                "url": hit.url,
                "title": hit.title or hit.url,
                "site": site_of(hit.url),
                "fetched_at": iso(hit.fetched_at),
                "href": f"/articles/{hit.page_id}",
                "snippet": snippet_parts(hit.snippet),
            }
            for hit in result.hits
        ],
        "next_cursor": f"o{offset + limit}" if result.more else None,
        "sources": known_sites(store) if sites is None else sites,
    }


def known_sites(store: Store) -> list[str]:
    """The sites of the followed sources, sorted: the search form's site choices."""
    return sorted({site_of(s.url) for s in store.sources()})


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """Split an FTS snippet into text parts, each flagged whether it matched the query."""
    parts: list[dict[str, Any]] = []
    for i, chunk in enumerate(snippet.split(MARK_START)):
        if i == 0:
            if chunk:
                parts.append({"text": chunk, "match": False})
            continue
        hit, _, rest = chunk.partition(MARK_END)
        parts.append({"text": hit, "match": True})
        if rest:
            parts.append({"text": rest, "match": False})
    return parts


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if cursor.startswith("o") and cursor[1:].isdigit() and int(cursor[1:]) <= 10_000:
        return int(cursor[1:])
    raise InputError(
        f"cursor {cursor[:40]!r} was not handed out by this server; start again without a cursor"
    )


def _day(value: str | None, name: str, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError as exc:
        raise InputError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from exc
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment
