"""Full-text search on PostgreSQL: a GIN index of each version's text, matched with tsquery.

SQLite has FTS5 (``search.py``); without an index PostgreSQL answered word queries by
reading and lower-casing every latest version's JSON, about 1–2 s for 4,000 articles. An
expression index (migration 8) keeps ``to_tsvector('simple', headline, standfirst and
body)`` of every version, so a query reads only the matching rows. The ``simple``
configuration folds case but neither stems nor drops stop words, close to FTS5's
``unicode61`` (which also folds diacritics; this does not: "cafe" does not find "café").
Words match whole, the last one also as a prefix, all of them (AND), as on SQLite. The
first 100,000 characters of an article are indexed: PostgreSQL refuses a tsvector over
1 MB, and that would refuse to store the page.

The document is a function of the row (``storyline_search_document``) declared costly:
the planner then always reads the index rather than recomputing every row's document
(JSON parsing and tokenizing, ~1.5 ms a row) on a table it has no statistics for yet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, bindparam, func, literal_column

INDEX = "ix_versions_search"
FUNCTION = "storyline_search_document"
MAX_CHARS = 100_000
_CONFIG = "'simple'::regconfig"
_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(p_title text, p_json text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000 AS $body$
BEGIN
  RETURN to_tsvector({_CONFIG}, coalesce(p_title, '') || ' ' || left(
    coalesce(p_json::json ->> 'standfirst', '') || ' '
    || coalesce(p_json::json ->> 'body_text', ''), {MAX_CHARS}));
END
$body$"""


def create_pg_search_index(conn: Connection) -> None:
    """Create the document function and its GIN index over every version (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(_CREATE_FUNCTION)
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON versions "
        f"USING gin ({FUNCTION}(title, article_json))"
    )


def tsquery_text(terms: list[str]) -> str:
    """A ``to_tsquery`` expression: every term quoted, all required, the last as a prefix."""
    quoted = ["'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms]
    return " & ".join(quoted[:-1] + [quoted[-1] + ":*"])


def text_match(versions: Table, terms: list[str]) -> tuple[ColumnElement[bool], Any]:
    """(the version's text holds every term, its headline holds every term)."""
    query = func.to_tsquery(literal_column(_CONFIG), bindparam("tsquery", tsquery_text(terms)))
    document = getattr(func, FUNCTION)(versions.c.title, versions.c.article_json)
    headline = func.to_tsvector(literal_column(_CONFIG), func.coalesce(versions.c.title, ""))
    return document.op("@@")(query), headline.op("@@")(query)
