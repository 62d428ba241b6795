"""Facts of each page's latest version that story and article lists sort and filter by.

Lists of thousands of pages cannot parse every article's JSON to learn when it was
published or which outlet wrote it, so ``Store.store_version`` (and ``reextract``) keep
one ``page_facts`` row per page, from the article at hand, in the same transaction
(migration 10 filled it for older databases). Readers join it like any column.

- ``published_at``: the article's ``published`` as a UTC time (a date alone is noon UTC
  of that day, so it sorts within its day; a time without zone is UTC), or None.
- ``site_name``: the outlet's own name as the page gives it ("The Local Denmark").
- ``opinion``: an opinion piece, leader or column rather than news, so a story is not
  named after one. The rule is the stories stage's (``stories.opinion``), handed in by
  the caller (``OpinionRule``) like the version comparison: the store knows no stage.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, delete, insert, select

from storyline.model import Article
from storyline.store import schema
from storyline.store.fact_values import OpinionRule, facts_of, not_judged, published_time
from storyline.store.migrations import m0001_initial, m0010_page_facts

__all__ = [
    "OpinionRule",
    "backfill",
    "facts_of",
    "facts_table",
    "not_judged",
    "published_time",
    "record",
    "record_if_latest",
]

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
facts_table = m0010_page_facts.build_tables(_metadata)["page_facts"]
_p, _v = schema.pages, schema.versions


def record(
    conn: Connection,
    page_id: int,
    version_id: int,
    article: Article,
    url: str,
    opinion: OpinionRule,
) -> None:
    """Keep the facts of ``page_id``'s latest version (``version_id``, ``article``)."""
    facts = facts_of(article, url, opinion)
    conn.execute(delete(facts_table).where(facts_table.c.page_id == page_id))
    conn.execute(insert(facts_table).values(page_id=page_id, version_id=version_id, **facts))


def record_if_latest(
    conn: Connection, version_id: int, article: Article, opinion: OpinionRule
) -> None:
    """After a version's article was replaced (``reextract``): its facts, when it is the
    latest version of its page."""
    row = conn.execute(
        select(_p.c.id, _p.c.url).where(_p.c.latest_version_id == version_id)
    ).first()
    if row is not None:
        record(conn, row.id, version_id, article, row.url, opinion)


def backfill(conn: Connection, opinion: OpinionRule) -> int:
    """Facts for every page whose latest version has none (or older ones); returns how
    many pages were filled (migration 10's fill, with the caller's opinion rule)."""
    return m0010_page_facts.fill(conn, opinion)
