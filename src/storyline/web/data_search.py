"""The data behind the search page and ``/api/search``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from storyline import times
from storyline.errors import InputError
from storyline.read import queries as q
from storyline.read.shapes import site_of
from storyline.store import Store
from storyline.store import duplicates as copies
from storyline.store.search import MARK_END, MARK_START, SearchQuery, search_articles

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

    A syndicated copy counts once: of the pages of one copy group (``store.duplicates``)
    on this page of results, the best-ranked one is shown, with the others (and the
    group's pages that did not match) under ``also_in``.

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
        page = _page_named(conn, q or "") if not offset else None
        groups = copies.groups_of(conn, [hit.page_id for hit in result.hits])
    items = []
    shown: set[int] = set()  # pages shown, as a hit or in a hit's "also in"
    for hit in result.hits:
        if hit.page_id in shown:
            continue  # a copy of a better hit: listed there
        members = groups.get(hit.page_id, [])
        shown.update(page_id for page_id, _ in members)
        items.append(
            {
                "id": hit.page_id,
                "url": hit.url,
                "title": hit.title or hit.url,
                "site": site_of(hit.url),
                "fetched_at": times.iso(hit.fetched_at),
                "href": f"/articles/{hit.page_id}",
                "snippet": snippet_parts(hit.snippet),
                "also_in": [_copy(i, url) for i, url in members if i != hit.page_id],
            }
        )
    if page is not None and all(item["id"] != page["id"] for item in items):
        items.insert(0, page)
    return {
        "q": q or "",
        "filters": {
            "source": source or None,
            "since": since or None,
            "until": until or None,
            "entity": entity or None,
        },
        "engine": result.engine,
        "page": page,
        "items": items,
        "next_cursor": f"o{offset + limit}" if result.more else None,
        "sources": known_sites(store) if sites is None else sites,
    }


def _copy(page_id: int, url: str) -> dict[str, Any]:
    return {"id": page_id, "url": url, "site": site_of(url), "href": f"/articles/{page_id}"}


def _page_named(conn: Connection, text: str) -> dict[str, Any] | None:
    """The article stored at the URL searched for (a pasted link), as a result."""
    text = text.strip()
    if not text.startswith(("http://", "https://")):
        return None
    head = q.page_by_url(conn, text)
    if head is None:
        return None
    lines, _ = q.article_lines(conn, 1, page_ids=[head.id])
    fetched = lines[0].fetched_at if lines else None
    return {
        "id": head.id,
        "url": head.url,
        "title": (lines[0].title if lines else None) or head.title or head.url,
        "site": site_of(head.url),
        "fetched_at": times.iso(fetched),
        "href": f"/articles/{head.id}",
        "snippet": [],
        "also_in": [],
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
    return times.day_bound(value, name, end)
