"""Read queries shaped for lists and pages: lean rows, few round trips, no full articles.

The Store's own reads hand back whole ``Version``s (the Article parsed from JSON). A list
page needs only titles and times, and parsing 50 articles per request would dominate its
latency, so these queries read just the columns a page shows and batch the per-row lookups
(changes, activity) into one query each. Portable SQLAlchemy Core, SQLite or PostgreSQL.

The statements an article or story page runs are built once, here, with bound parameters:
building a ``select()`` and computing its cache key cost more than SQLite's answer (about
a fifth of an article request, measured with py-spy under load).
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
    type_coerce,
)

from storyline.errors import InputError, NotFoundError
from storyline.model import Article, Change, Version
from storyline.store import schema
from storyline.store.page_facts import facts_table as _f
from storyline.store.prepared import Prepared

_p, _v, _c = schema.pages, schema.versions, schema.changes
MAX_ID = 2**62

_LINE_COLUMNS = (
    _p.c.id,
    _p.c.url,
    _p.c.source_id,
    _p.c.version_count,
    _p.c.first_seen,
    _v.c.id.label("version_id"),
    _v.c.title,
    _v.c.fetched_at,
    _f.c.published_at,
    _f.c.site_name,
)
_PAGE_COLUMNS = (_p.c.id, _p.c.url, _p.c.canonical_url, _p.c.title)
_PAGE = Prepared(select(*_PAGE_COLUMNS).where(_p.c.id == bindparam("page_id")))
_PAGE_BY_URL = select(*_PAGE_COLUMNS).where(
    or_(_p.c.url == bindparam("url"), _p.c.canonical_url == bindparam("url"))
)
_HISTORY = Prepared(
    select(_v.c.id, _v.c.fetched_at, _v.c.title, _v.c.text_length, _v.c.content_hash)
    .where(_v.c.page_id == bindparam("page_id"))
    .order_by(_v.c.fetched_at, _v.c.content_hash)
)
_ARTICLE = Prepared(
    select(_v.c.content_hash, _v.c.article_json).where(_v.c.id == bindparam("version_id"))
)
_CHANGES = (
    select(_c)
    .where(_c.c.version_id.in_(bindparam("ids", expanding=True)))
    .order_by(_c.c.version_id, _c.c.position)
)
_CHANGES_OF_PAGE = Prepared(
    select(_c)
    .where(_c.c.version_id.in_(select(_v.c.id).where(_v.c.page_id == bindparam("page_id"))))
    .order_by(_c.c.version_id, _c.c.position)
)


def lines_from_pages() -> Select[Any]:
    """``_LINE_COLUMNS`` from pages joined with their latest version and facts."""
    return (
        select(*_LINE_COLUMNS)
        .select_from(_p)
        .join(_v, _v.c.id == _p.c.latest_version_id)
        .outerjoin(_f, _f.c.page_id == _p.c.id)
    )


_LINES_OF_PAGES = (
    lines_from_pages()
    .where(_p.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_v.c.fetched_at.desc(), _v.c.page_id.desc())
)


@dataclass(frozen=True)
class ArticleLine:
    """One article in a list: its page and the latest version's title and time."""

    page_id: int
    url: str
    source_id: int | None
    version_count: int
    first_seen: datetime
    version_id: int
    title: str | None
    fetched_at: datetime
    published_at: datetime | None = None
    site_name: str | None = None


@dataclass(frozen=True)
class VersionLine:
    """One version in a history: number, id and time, without the article."""

    number: int
    id: int
    fetched_at: datetime
    title: str | None
    length: int = 0
    content_hash: str = ""


def encode_cursor(at: datetime, row_id: int) -> str:
    """An opaque keyset cursor: the sort key of the last row handed out."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def page_after(
    query: Select[Any], cursor: str | None, at: Any, row_id: Any, limit: int
) -> Select[Any]:
    """``query`` newest first by (``at``, ``row_id``), from just after ``cursor`` (keyset
    paging: stable while rows are added), one row more than ``limit`` to tell if more follow."""
    if cursor:
        moment, last = decode_cursor(cursor)
        query = query.where(or_(at < moment, and_(at == moment, row_id < last)))
    return query.order_by(at.desc(), row_id.desc()).limit(limit + 1)


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Undo ``encode_cursor``; a cursor we did not make is the caller's error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, row_id = raw.rsplit("|", 1)
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment, int(row_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cursor {cursor[:40]!r} was not handed out by this server; "
            "start again without a cursor"
        ) from exc


def article_lines(
    conn: Connection,
    limit: int,
    cursor: str | None = None,
    changed_only: bool = False,
    page_ids: list[int] | None = None,
    since: datetime | None = None,
) -> tuple[list[ArticleLine], str | None]:
    """Articles by latest change (at or after ``since``), newest first, keyset-paged;
    with the next cursor."""
    columns = _LINE_COLUMNS
    if page_ids is not None and not (cursor or changed_only or since):  # a story's pages
        rows = conn.execute(_LINES_OF_PAGES, {"ids": page_ids}).all()[: limit + 1]
        return _lines(rows, limit)
    if page_ids is None:
        # Walk versions newest first (index on fetched_at) and keep each page's latest:
        # with LIMIT this stops after a page of rows instead of sorting every page.
        query = (
            select(*columns)
            .select_from(_v)
            .join(_p, _p.c.id == _v.c.page_id)
            .outerjoin(_f, _f.c.page_id == _p.c.id)
            .where(_p.c.latest_version_id == _v.c.id)
        )
    else:  # a few known pages: start from them
        query = lines_from_pages().where(_p.c.id.in_(page_ids))
    if changed_only:
        query = query.where(_p.c.version_count > 1)
    if since is not None:
        query = query.where(_v.c.fetched_at >= since)
    rows = conn.execute(page_after(query, cursor, _v.c.fetched_at, _v.c.page_id, limit)).all()
    return _lines(rows, limit)


def _lines(rows: Sequence[Any], limit: int) -> tuple[list[ArticleLine], str | None]:
    """The first ``limit`` rows as lines, and the cursor after them when there are more."""
    lines = [
        ArticleLine(
            r.id,
            r.url,
            r.source_id,
            r.version_count,
            r.first_seen,
            r.version_id,
            r.title,
            r.fetched_at,
            r.published_at,
            r.site_name,
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit and lines
    return lines, encode_cursor(lines[-1].fetched_at, lines[-1].page_id) if more else None


@dataclass(frozen=True)
class PageHead:
    """What an article page shows of its page row: the addresses and the stored title.

    Not the whole ``PageRow``: its visit times are never shown, and reading (and
    converting) them was most of this lookup's cost."""

    id: int
    url: str
    canonical_url: str | None
    title: str | None


def page_by_id(conn: Connection, page_id: int) -> PageHead:
    """The page with this id."""
    if not 0 < page_id < MAX_ID:  # larger ids cannot be stored (and overflow SQLite's int)
        raise NotFoundError(f"there is no article {page_id}; /articles lists them")
    row = _PAGE.first(conn, {"page_id": page_id})
    if row is None:
        raise NotFoundError(f"there is no article {page_id}; /articles lists them")
    return PageHead(row.id, row.url, row.canonical_url, row.title)


def page_by_url(conn: Connection, url: str) -> PageHead | None:
    """The page stored at ``url`` (or whose canonical URL it is), or None."""
    row = conn.execute(_PAGE_BY_URL, {"url": url.strip()}).first()
    return PageHead(row.id, row.url, row.canonical_url, row.title) if row else None


def version_lines(conn: Connection, page_id: int) -> list[VersionLine]:
    """A page's versions, oldest first, numbered from 1 (the Store's numbering)."""
    rows = _HISTORY.all(conn, {"page_id": page_id})
    return [
        VersionLine(i, r.id, r.fetched_at, r.title, r.text_length, r.content_hash)
        for i, r in enumerate(rows, 1)
    ]


def load_article_json(conn: Connection, line: VersionLine) -> tuple[str, str]:
    """(content hash, stored article JSON) of one history line, for readers that do not
    need the Article objects (``data.stored_article_dict``)."""
    (row,) = _ARTICLE.all(conn, {"version_id": line.id})
    return row.content_hash, row.article_json


def load_version(conn: Connection, url: str, line: VersionLine) -> Version:
    """The full version (Article parsed) for one history line."""
    (row,) = _ARTICLE.all(conn, {"version_id": line.id})
    article = Article.from_dict(json.loads(row.article_json))
    return Version(
        url=url,
        fetched_at=line.fetched_at,
        content_hash=row.content_hash,
        article=article,
        id=line.id,
        number=line.number,
    )


def changes_for(conn: Connection, version_ids: list[int]) -> dict[int, list[Change]]:
    """The stored changes of many versions in one query."""
    found: dict[int, list[Change]] = defaultdict(list)
    if not version_ids:
        return found
    rows = conn.execute(_CHANGES, {"ids": version_ids}).all()
    for r in rows:
        found[r.version_id].append(Change(r.kind, r.before, r.after, r.section))
    return found


def changes_of_page(conn: Connection, page_id: int) -> dict[int, list[Change]]:
    """The stored changes of all of a page's versions, by version id, in one query.

    The same as ``changes_for`` with the page's version ids, without the expanding IN
    list, which SQLAlchemy re-renders on every call (a tenth of an article request)."""
    found: dict[int, list[Change]] = defaultdict(list)
    for r in _CHANGES_OF_PAGE.all(conn, {"page_id": page_id}):
        found[r.version_id].append(Change(r.kind, r.before, r.after, r.section))
    return found


def version_times(
    conn: Connection, page_ids: list[int], since: datetime | None = None
) -> dict[int, list[datetime]]:
    """When each page got each version (since ``since``), oldest first: activity charts."""
    found: dict[int, list[datetime]] = defaultdict(list)
    if not page_ids:
        return found
    # Read the times as stored and parse them with fromisoformat: SQLAlchemy's SQLite
    # DateTime parser costs more than the query itself when a week has many versions.
    raw = type_coerce(_v.c.fetched_at, String).label("at")
    query = select(_v.c.page_id, raw).where(_v.c.page_id.in_(page_ids))
    if since is not None:
        query = query.where(_v.c.fetched_at >= since)
    for r in conn.execute(query.order_by(_v.c.page_id, _v.c.fetched_at)).all():
        found[r.page_id].append(utc(r.at))
    return found


def utc(value: Any) -> datetime:
    """A stored time (a datetime, or SQLite's text) as aware UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recent_revisions(conn: Connection, limit: int, page_ids: list[int] | None = None) -> list[Any]:
    """The newest versions that follow an earlier one (each changed something), newest first.

    Rows carry page id and URL, version id, title and time. A version counts when it has
    stored changes: first versions have none.
    """
    has_changes = select(_c.c.id).where(_c.c.version_id == _v.c.id).exists()
    query = (
        select(_v.c.id, _v.c.page_id, _v.c.title, _v.c.fetched_at, _v.c.content_hash, _p.c.url)
        .join(_p, _p.c.id == _v.c.page_id)
        .where(has_changes)
    )
    if page_ids is not None:
        query = query.where(_v.c.page_id.in_(page_ids))
    return list(
        conn.execute(query.order_by(_v.c.fetched_at.desc(), _v.c.id.desc()).limit(limit)).all()
    )


def version_number_of(
    conn: Connection, page_id: int, fetched_at: datetime, content_hash: str
) -> int:
    """The 1-based number of the version that starts at (fetched_at, content_hash)."""
    earlier = (
        select(func.count())
        .select_from(_v)
        .where(
            _v.c.page_id == page_id,
            or_(
                _v.c.fetched_at < fetched_at,
                and_(_v.c.fetched_at == fetched_at, _v.c.content_hash <= content_hash),
            ),
        )
    )
    return int(conn.execute(earlier).scalar_one())
