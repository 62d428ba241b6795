"""Facts of each page's latest version that story and article lists sort and filter by.

Lists of thousands of pages cannot parse every article's JSON to learn when it was
published or which outlet wrote it, so ``Store.store_version`` (and ``reextract``) keep
one ``page_facts`` row per page, from the article at hand, in the same transaction
(migration 10 filled it for older databases). Readers join it like any column.

- ``published_at``: the article's ``published`` as a UTC time (a date alone is noon UTC
  of that day, so it sorts within its day; a time without zone is UTC), or None.
- ``site_name``: the outlet's own name as the page gives it ("The Local Denmark").
- ``opinion``: an opinion piece, leader or column rather than news (by its labels,
  headline prefix or URL path), so a story is not named after one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, MetaData, delete, insert, select

from storyline import times
from storyline.model import Article
from storyline.store import schema
from storyline.store.migrations import m0001_initial, m0010_page_facts
from storyline.stories import opinion

_metadata = MetaData()
m0001_initial.build_tables(_metadata)
facts_table = m0010_page_facts.build_tables(_metadata)["page_facts"]
_p, _v = schema.pages, schema.versions


def facts_of(article: Article, url: str) -> dict[str, Any]:
    """The ``page_facts`` values of ``article`` (stored at ``url``)."""
    return {
        "published_at": published_time(article.published),
        "site_name": (article.site_name or "").strip()[:300] or None,
        "language": (article.language or "").strip()[:32] or None,
        "opinion": is_opinion(article, url),
    }


def published_time(value: str | None) -> datetime | None:
    """A page's ``published`` as a UTC time: a date alone is noon UTC of that day."""
    moment = times.parse(value)
    if moment is not None:
        return moment
    day = times.day(value)
    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time(12), tzinfo=UTC)


def is_opinion(article: Article, url: str) -> bool:
    """Whether the page is opinion (a column, a leader, an op-ed) rather than news."""
    return opinion.is_opinion(article.title, url, article.labels)


def record(conn: Connection, page_id: int, version_id: int, article: Article, url: str) -> None:
    """Keep the facts of ``page_id``'s latest version (``version_id``, ``article``)."""
    conn.execute(delete(facts_table).where(facts_table.c.page_id == page_id))
    conn.execute(
        insert(facts_table).values(page_id=page_id, version_id=version_id, **facts_of(article, url))
    )


def record_if_latest(conn: Connection, version_id: int, article: Article) -> None:
    """After a version's article was replaced (``reextract``): its facts, when it is the
    latest version of its page."""
    row = conn.execute(
        select(_p.c.id, _p.c.url).where(_p.c.latest_version_id == version_id)
    ).first()
    if row is not None:
        record(conn, row.id, version_id, article, row.url)


def backfill(conn: Connection) -> int:
    """Facts for every page whose latest version has none (or older ones); returns how
    many pages were filled. Articles are read 500 at a time."""
    query = (
        select(_p.c.id, _p.c.url, _p.c.latest_version_id, _v.c.article_json)
        .join(_v, _v.c.id == _p.c.latest_version_id)
        .outerjoin(facts_table, facts_table.c.page_id == _p.c.id)
        .where(
            (facts_table.c.version_id.is_(None))
            | (facts_table.c.version_id != _p.c.latest_version_id)
        )
        .order_by(_p.c.id)
    )
    filled = 0
    last = 0
    while True:
        rows = conn.execute(query.where(_p.c.id > last).limit(500)).all()
        if not rows:
            return filled
        conn.execute(delete(facts_table).where(facts_table.c.page_id.in_([r.id for r in rows])))
        values = [
            {"page_id": r.id, "version_id": r.latest_version_id, **_facts_of_json(r)} for r in rows
        ]
        conn.execute(insert(facts_table), values)
        filled += len(rows)
        last = rows[-1].id


def _facts_of_json(row: Any) -> dict[str, Any]:
    try:
        article = Article.from_dict(json.loads(row.article_json))
    except (ValueError, TypeError, KeyError):
        article = Article(url=row.url)
    return facts_of(article, row.url)
