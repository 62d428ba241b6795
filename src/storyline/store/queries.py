"""Read queries too long to sit inside the Store class: the paged article listing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, or_, select

from storyline.errors import StoreError
from storyline.store import schema
from storyline.store.rows import ArticlePage, ArticleRow, PageRow
from storyline.store.versions import version_from_row, version_number

DEFAULT_LIMIT = 100


def article_page(
    conn: Connection,
    since: datetime | None,
    changed_only: bool,
    limit: int | None,
    cursor: str | None,
) -> ArticlePage:
    """Pages joined with their latest version, newest first, keyset-paged by ``cursor``."""
    p, v = schema.pages, schema.versions
    query = select(
        p,
        v.c.id.label("v_id"),
        v.c.fetched_at.label("v_fetched_at"),
        v.c.content_hash.label("v_content_hash"),
        v.c.article_json,
    ).join(v, v.c.id == p.c.latest_version_id)
    if since is not None:
        query = query.where(v.c.fetched_at >= since)
    if changed_only:
        query = query.where(p.c.version_count > 1)
    if cursor:
        at, page_id = _parse_cursor(cursor)
        query = query.where(or_(v.c.fetched_at < at, and_(v.c.fetched_at == at, p.c.id < page_id)))
    size = limit or DEFAULT_LIMIT
    rows = conn.execute(query.order_by(v.c.fetched_at.desc(), p.c.id.desc()).limit(size + 1)).all()
    result: list[ArticleRow] = []
    for row in rows[:size]:
        data = row._asdict()
        page = PageRow(**{c.name: data[c.name] for c in p.columns})
        vrow = _VersionRow(row.v_id, row.v_fetched_at, row.v_content_hash, row.article_json)
        number = version_number(conn, page.id, (vrow.fetched_at, vrow.content_hash))
        result.append(ArticleRow(page, version_from_row(vrow, page.url, number)))
    more = len(rows) > size
    last = result[-1] if result else None
    next_cursor = f"{last.version.fetched_at.isoformat()}|{last.page.id}" if more and last else None
    return ArticlePage(result, next_cursor)


class _VersionRow:
    """The columns ``version_from_row`` reads, taken from the joined row."""

    def __init__(self, id: int, fetched_at: datetime, content_hash: str, article_json: str):
        self.id, self.fetched_at = id, fetched_at
        self.content_hash, self.article_json = content_hash, article_json


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, page_id = cursor.rsplit("|", 1)
        return datetime.fromisoformat(at), int(page_id)
    except ValueError as err:
        raise StoreError(
            f"cursor {cursor!r} is not one this store handed out; start again without a cursor"
        ) from err
