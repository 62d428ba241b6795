"""The ranked rows of an FTS5 search: BM25 over a bounded window of the newest matches.

FTS5 scores every match with ``bm25`` before it knows the best 20 (about 2 µs a match,
plus a look-up of the row's length), so a common word's search cost grew with the whole
store: 3-14 ms for the 11 % of the benchmark's words with over 1,000 matches among
10,000 articles, growing in proportion to the matches. Ranking is therefore bounded: the
newest ``RANK_WINDOW`` matching articles (by first seen: page ids grow as pages are
found) are ranked by BM25 and come first, and older matches follow, again by BM25, when
a reader pages past them. A search with fewer matches than the window is ranked exactly
as before; for a developing-news tool the recent matches are also the ones wanted first.

Measured on the web benchmark's 1,500 words (``benchmarks/search_ranking.py``, the whole
query with its window look-up, CPU ms): mean 1.06 → 0.98, p95 3.07 → 2.17, p99 5.46 →
2.77, worst 15.0 → 4.7; 17 % of the words (those with over 500 matches) get a different
top 20, keeping 64 % of it. BM25's IDF still comes from all matches (FTS5 computes it
over the whole index), so the two tiers' scores are comparable.

The window's start is the rowid of the ``RANK_WINDOW``-th newest match (FTS5 walks a
match list in rowid order cheaply); a ``rowid >=`` or ``<`` constraint then reaches FTS5
itself, so only the tier's rows are scored. Filters apply within each tier.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, String, bindparam, column, text

from storyline.store.coltypes import UTCDateTime
from storyline.store.prepared import Prepared

FTS_TABLE = "search_fts"
RANK_WINDOW = 500
FILTER_SQL = (
    "(p.url LIKE :site1 OR p.url LIKE :site2 OR p.url LIKE :site3 OR p.url LIKE :site4)",
    "p.id IN (SELECT page_id FROM story_items WHERE entities_json LIKE :entity)",
    "p.first_seen >= :since",
    "p.first_seen < :until",
)
Filters = tuple[bool, bool, bool, bool]  # which of FILTER_SQL a search uses

_TIERS = {
    "all": "",
    "recent": f" AND {FTS_TABLE}.rowid >= :boundary",
    "older": f" AND {FTS_TABLE}.rowid < :boundary",
}


def ranked_rows(
    conn: Connection, filters: Filters, params: dict[str, Any], limit: int, offset: int
) -> list[Any]:
    """Rows ``offset`` to ``offset + limit`` of the ranking (see module): page id, url,
    title, fetched_at, the indexed body and whether the body holds a query word.

    ``params`` has the MATCH expression (``match``) and the filters' values. Each
    statement reads its own snapshot (no BEGIN): the tiers are split by page id, which a
    commit in between cannot move."""
    boundary = _window_start().first(
        conn, {"match": params["match"], "skip": RANK_WINDOW - 1}, begin=False
    )
    if boundary is None:
        return _ranked(filters, "all").all(conn, _page(params, limit, offset), begin=False)
    tiered = {**params, "boundary": boundary.rowid}
    recent = _ranked(filters, "recent").all(conn, _page(tiered, limit, offset), begin=False)
    if len(recent) == limit:
        return recent
    if recent:  # the recent tier ends on this page: the older one starts at its top
        skip = 0
    else:
        counted = _recent_count(filters).first(conn, tiered, begin=False)
        assert counted is not None  # a count has its one row
        skip = offset - counted.n
    older = _ranked(filters, "older").all(
        conn, _page(tiered, limit - len(recent), max(0, skip)), begin=False
    )
    return recent + older


def _page(params: dict[str, Any], limit: int, offset: int) -> dict[str, Any]:
    return {**params, "limit": limit, "offset": offset}


@functools.cache
def _window_start() -> Prepared:
    sql = text(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "
        "ORDER BY rowid DESC LIMIT 1 OFFSET :skip"
    )
    return Prepared(sql.columns(column("rowid", Integer)))


@functools.cache
def _ranked(filters: Filters, tier: str) -> Prepared:
    """The ranked query for one combination of filters and one tier, built once.

    Building a ``text()`` with its typed parameters and result columns, and SQLAlchemy
    computing its cache key, cost as much as SQLite's answer to a one-word search; the
    combinations are few, so each is built on first use and then reused, and run on
    SQLite's cursor (``Prepared``: SQLAlchemy's execution bookkeeping was a tenth of an
    API search's CPU)."""
    sql = text(
        f"SELECT p.id, p.url, v.title, v.fetched_at, {FTS_TABLE}.body AS body, "
        f"bm25({FTS_TABLE}, 0.0, 1.0) < 0 AS in_body "
        f"{_from_where(filters, tier)} AND rank MATCH 'bm25(8.0, 1.0)' "
        f"ORDER BY rank LIMIT :limit OFFSET :offset"
    )
    columns = [
        column("id", Integer),
        column("url", String),
        column("title", String),
        column("fetched_at", UTCDateTime),
        column("body", String),
        column("in_body", Boolean),
    ]
    return Prepared(_typed(sql, filters).columns(*columns))


@functools.cache
def _recent_count(filters: Filters) -> Prepared:
    sql = text(f"SELECT count(*) AS n {_from_where(filters, 'recent')}")
    return Prepared(_typed(sql, filters).columns(column("n", Integer)))


def _from_where(filters: Filters, tier: str) -> str:
    where = "".join(
        f" AND {clause}" for clause, wanted in zip(FILTER_SQL, filters, strict=True) if wanted
    )
    return (
        f"FROM {FTS_TABLE} JOIN pages p ON p.id = {FTS_TABLE}.rowid "
        f"JOIN versions v ON v.id = p.latest_version_id "
        f"WHERE {FTS_TABLE} MATCH :match{_TIERS[tier]}{where}"
    )


def _typed(sql: Any, filters: Filters) -> Any:
    dates = (("since", filters[2]), ("until", filters[3]))
    return sql.bindparams(*(bindparam(name, type_=UTCDateTime) for name, on in dates if on))
