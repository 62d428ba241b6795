"""Full-text search over the current text of every article.

On SQLite an FTS5 table (``search_fts``) holds one row per page, the page's latest
version: headline in one column, standfirst and body in the other. Triggers keep it in
sync as versions are stored (the version writer updates ``pages.latest_version_id``) or
re-extracted, so no writer has to remember it; ``create_search_index`` is migration 3
and back-fills pages stored before it. PostgreSQL has its own index of every version's
text (``pg_search.py``, migration 8); other databases fall back to case-insensitive
LIKE over the latest version's headline and text.

Words are matched as whole tokens, all of them (AND); the last one also as a prefix.
Results are ranked by BM25 with the headline weighted up (FTS5's own ``rank``), within a
window of the newest 500 matches first and then the older ones (``search_ranked``: the
cost of ranking stays bounded as the store grows); filters: site, first-seen date range,
and an entity: pages whose recognised entities (``story_items.entities_json``, written
when the stories stage threads a page) have that name or alias. Snippets are cut in Python
(``storyline.store.snippets``) from the indexed body of the rows returned: FTS5's
``snippet()`` re-tokenized each whole body and took half the query's CPU. The same query
says which of those bodies contain a word at all (most hits match on the headline), so
only those are searched for marks: BM25 with the headline weighted 0 is below zero
exactly when the body holds an instance of a query word, and FTS5 computes it for the
returned rows only (a sub-select of every body match cost twice as much).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    and_,
    case,
    cast,
    column,
    func,
    null,
    or_,
    select,
    table,
)

from storyline.store import schema
from storyline.store.pg_search import text_match
from storyline.store.search_ranked import FTS_TABLE, Filters, ranked_rows
from storyline.store.snippets import Matcher, make_snippet, match_pattern

MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_TOKENS = 24
_WORD = re.compile(r"\w+", re.UNICODE)
_story_items = table("story_items", column("page_id"), column("entities_json"))

_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_latest AFTER UPDATE OF latest_version_id
    ON pages BEGIN
      DELETE FROM {FTS_TABLE} WHERE rowid = new.id;
      INSERT INTO {FTS_TABLE}(rowid, title, body)
        SELECT new.id, coalesce(v.title, ''), {{body}} FROM versions v
        WHERE v.id = new.latest_version_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_reextract AFTER UPDATE OF article_json
    ON versions WHEN new.id = (SELECT latest_version_id FROM pages WHERE id = new.page_id)
    BEGIN
      DELETE FROM {FTS_TABLE} WHERE rowid = new.page_id;
      INSERT INTO {FTS_TABLE}(rowid, title, body)
        SELECT new.page_id, coalesce(v.title, ''), {{body}} FROM versions v WHERE v.id = new.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_page_gone AFTER DELETE ON pages BEGIN
      DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
    END""",
)
_BODY = (
    "coalesce(json_extract(v.article_json, '$.standfirst'), '') || char(10) || "
    "coalesce(json_extract(v.article_json, '$.body_text'), '')"
)


@dataclass(frozen=True)
class SearchQuery:
    """What to look for: words, and optional filters."""

    words: str = ""
    site: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    entity: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One matching article: its page, latest version, and a snippet with marked matches."""

    page_id: int
    url: str
    title: str | None
    fetched_at: datetime
    snippet: str = ""


@dataclass
class SearchResult:
    """A page of hits; ``more`` says whether another page follows."""

    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False
    engine: str = "fts5"


def create_search_index(conn: Connection) -> None:
    """Create the FTS table and its triggers (SQLite only) and index what is stored."""
    if conn.dialect.name != "sqlite":
        return
    for statement in _DDL:
        conn.exec_driver_sql(statement.replace("{body}", _BODY))
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}(rowid, title, body) SELECT p.id, coalesce(v.title, ''), "
        f"{_BODY} FROM pages p JOIN versions v ON v.id = p.latest_version_id "
        f"WHERE p.id NOT IN (SELECT rowid FROM {FTS_TABLE})"
    )


def search_articles(conn: Connection, query: SearchQuery) -> SearchResult:
    """Articles matching ``query``, best first (or newest first when no words are given)."""
    terms = _terms(query.words)
    if conn.dialect.name == "sqlite" and terms:
        return _fts(conn, query, terms)
    return _like(conn, query, terms)


def fts_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term, the last also as a prefix (search-as-you-type)."""
    return " AND ".join(_quoted(terms)) if terms else ""


def entity_pattern(name: str) -> str:
    """A LIKE pattern finding ``name`` as a whole JSON string (an entity's name or alias)."""
    quoted = json.dumps(name.strip(), ensure_ascii=False)
    return "%" + quoted.replace("%", "").replace("_", "") + "%"


def _terms(words: str) -> list[str]:
    return _WORD.findall(words)[:20]


def _fts(conn: Connection, query: SearchQuery, terms: list[str]) -> SearchResult:
    params = {**_filter_params(query), "match": fts_expression(terms)}
    rows = ranked_rows(conn, _filter_flags(query), params, query.limit + 1, query.offset)
    pattern = match_pattern(terms)
    hits = [
        SearchHit(
            r.id, r.url, r.title, r.fetched_at, _snippet(r.body, pattern if r.in_body else None)
        )
        for r in rows[: query.limit]
    ]
    return SearchResult(hits, len(rows) > query.limit, "fts5")


def _quoted(terms: list[str]) -> list[str]:
    return [f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}"*']


def _snippet(body: str | None, pattern: Matcher | None) -> str:
    return make_snippet(body or "", pattern, (MARK_START, MARK_END), SNIPPET_TOKENS)


def _filter_flags(query: SearchQuery) -> Filters:
    """Which filters ``query`` uses, in the order of ``search_ranked.FILTER_SQL``."""
    return bool(query.site), bool(query.entity), bool(query.since), bool(query.until)


def _filter_params(query: SearchQuery) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if query.site:
        params.update(_site_patterns(query.site))
    if query.entity:
        params["entity"] = entity_pattern(query.entity)
    if query.since:
        params["since"] = query.since
    if query.until:
        params["until"] = query.until
    return params


def _site_patterns(site: str) -> dict[str, str]:
    host = site.strip().lower().removeprefix("www.").replace("%", "")
    return {
        "site1": f"http://{host}/%",
        "site2": f"https://{host}/%",
        "site3": f"http://www.{host}/%",
        "site4": f"https://www.{host}/%",
    }


def _like(conn: Connection, query: SearchQuery, words: list[str]) -> SearchResult:
    """Search without FTS5 (on SQLite only filter-only listings come here).

    On PostgreSQL the words are matched by its full-text index (``pg_search``); elsewhere
    each word must occur, case folded, in the headline or in the standfirst and body read
    from the article JSON (not the JSON's keys), as a substring: a superset of what FTS5's
    whole-word match finds. Headlines holding every word rank first, then the newest.
    """
    p, v = schema.pages, schema.versions
    columns = [p.c.id, p.c.url, v.c.title, v.c.fetched_at]
    stmt = (
        select(*columns, v.c.article_json if words else null().label("article_json"))
        .select_from(v)
        .join(p, p.c.id == v.c.page_id)
        .where(p.c.latest_version_id == v.c.id)
    )
    order: list[Any] = [v.c.fetched_at.desc(), v.c.page_id.desc()]
    engine = "like"
    if words:
        conditions, rank, engine = _word_match(conn.dialect.name, v, words)
        stmt = stmt.where(*conditions)
        order.insert(0, rank)
    sqlite = conn.dialect.name == "sqlite"  # its LIKE folds ASCII case already
    if query.site:
        sites = _site_patterns(query.site).values()
        stmt = stmt.where(or_(*(p.c.url.like(s) if sqlite else p.c.url.ilike(s) for s in sites)))
    if query.entity:
        pattern, names = entity_pattern(query.entity), _story_items.c.entities_json
        stmt = stmt.where(
            p.c.id.in_(
                select(_story_items.c.page_id).where(
                    names.like(pattern) if sqlite else names.ilike(pattern)
                )
            )
        )
    if query.since:
        stmt = stmt.where(p.c.first_seen >= query.since)
    if query.until:
        stmt = stmt.where(and_(p.c.first_seen < query.until))
    rows = conn.execute(stmt.order_by(*order).limit(query.limit + 1).offset(query.offset)).all()
    pattern_ = match_pattern(words)
    hits = [
        SearchHit(r.id, r.url, r.title, r.fetched_at, _like_snippet(r.article_json, pattern_))
        for r in rows[: query.limit]
    ]
    return SearchResult(hits, len(rows) > query.limit, engine)


def _word_match(dialect: str, v: Any, words: list[str]) -> tuple[list[Any], Any, str]:
    """(conditions every word must meet, headline-first rank, the engine's name)."""
    if dialect == "postgresql":
        matches, in_headline = text_match(v, words)
        return [matches], case((in_headline, 0), else_=1), "tsvector"
    data = cast(v.c.article_json, JSON)
    text_ = func.lower(
        func.coalesce(v.c.title, "")
        + " "
        + func.coalesce(data["standfirst"].as_string(), "")
        + " "
        + func.coalesce(data["body_text"].as_string(), "")
    )
    title = func.lower(func.coalesce(v.c.title, ""))
    raw = func.lower(v.c.article_json)  # cheap first pass: the words occur in the JSON
    conditions = [raw.contains(w.lower(), autoescape=True) for w in words]
    conditions += [text_.contains(w.lower(), autoescape=True) for w in words]
    in_title = and_(*(title.contains(w.lower(), autoescape=True) for w in words))
    return conditions, case((in_title, 0), else_=1), "like"


def _like_snippet(article_json: str, pattern: Matcher | None) -> str:
    """The FTS path's snippet, cut from the body the index would hold."""
    if pattern is None:
        return ""
    data = json.loads(article_json)
    return _snippet(f"{data.get('standfirst') or ''}\n{data.get('body_text') or ''}", pattern)
