"""Look-ups the batch ingest needs before it spends time on extraction.

``captured`` lets a re-run skip what an interrupted run already stored, and
``article_with_hash`` lets a capture whose payload repeats an earlier one reuse that
capture's extracted article. Both are reads on the Store's engine; writes stay in
``Store.store_version``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import bindparam, select

from storyline.model import Article
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import store_errors

_p, _c, _v = schema.pages, schema.captures, schema.versions


# Built once, so SQLAlchemy reuses the compiled statement: this runs for every chunk read.
_CAPTURED = (
    select(_p.c.url, _c.c.fetched_at)
    .join(_p, _p.c.id == _c.c.page_id)
    .where(_p.c.url.in_(bindparam("urls", expanding=True)))
)


def captured(store: Store, wanted: list[tuple[str, datetime]]) -> list[bool]:
    """For each (url, capture time) of ``wanted``, whether it is stored (a re-run skips it).

    One query for a whole chunk of records: a look-up per record cost the single writer
    more than half a millisecond each. Times compare as the store keeps them (UTC; naive
    means UTC).
    """
    if not wanted:
        return []
    urls = sorted({url for url, _ in wanted})
    with store_errors(f"checking {len(urls)} pages"), store.engine.connect() as conn:
        rows = conn.execute(_CAPTURED, {"urls": urls}).all()
    stored = {(url, _as_stored(at)) for url, at in rows}
    return [(url, _as_stored(at)) in stored for url, at in wanted]


def _as_stored(at: datetime) -> datetime:
    """A capture time as the store returns it: aware UTC (naive input is UTC already)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def article_with_hash(store: Store, url: str, content_hash: str) -> Article | None:
    """The stored article of ``url`` whose content hash is ``content_hash``, if any."""
    query = (
        select(_v.c.article_json)
        .join(_p, _p.c.id == _v.c.page_id)
        .where(_p.c.url == url, _v.c.content_hash == content_hash)
        .limit(1)
    )
    with store_errors(f"reading {url}"), store.engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    if found is None:
        return None
    return Article.from_dict(json.loads(found))
