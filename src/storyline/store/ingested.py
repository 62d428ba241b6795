"""Look-ups the batch ingest needs before it spends time on extraction.

``is_captured`` lets a re-run skip what an interrupted run already stored, and
``article_with_hash`` lets a capture whose payload repeats an earlier one reuse that
capture's extracted article. Both are reads on the Store's engine; writes stay in
``Store.store_version``.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import bindparam, select

from storyline.model import Article
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import store_errors

_p, _c, _v = schema.pages, schema.captures, schema.versions


# Built once, so SQLAlchemy reuses the compiled statement: this runs for every record.
_CAPTURED = (
    select(_c.c.id)
    .join(_p, _p.c.id == _c.c.page_id)
    .where(_p.c.url == bindparam("url"), _c.c.fetched_at == bindparam("at"))
    .limit(1)
)


def is_captured(store: Store, url: str, fetched_at: datetime) -> bool:
    """True when a capture of ``url`` at ``fetched_at`` is stored (a re-run skips it)."""
    with store_errors(f"checking {url}"), store.engine.connect() as conn:
        return conn.execute(_CAPTURED, {"url": url, "at": fetched_at}).first() is not None


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
