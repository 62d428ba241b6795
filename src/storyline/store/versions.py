"""The version writer: captures in, versions and their changes kept consistent.

Every successful visit records a *capture* (page, time, content hash): small, and enough
to know what the page said when. A *version* is the first capture of each run of equal
content, in time order, and holds the Article as JSON and the compressed raw HTML.
Captures may arrive in any order (archives deliver them so); inserting one in the middle
of the history can start a new run, split a run, or move a run's start earlier, and the
changes of the neighbouring versions are recomputed. Ties in time are ordered by hash, so
the result does not depend on arrival order.

These functions run inside the caller's write transaction.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from isal import isal_zlib
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from storyline.errors import StoreError
from storyline.model import Article, Change, Version
from storyline.store import schema
from storyline.store.rows import PageRow, StoredVersion

Compare = Callable[[Article, Article], list[Change]]
Key = tuple[datetime, str]
RAW_ENCODING = "zlib"
# Level 1 of ISA-L's deflate (python-isal): an ordinary zlib stream, read back with the
# stdlib's zlib.decompress, made in a fifth of stdlib zlib level 1's CPU and a little
# smaller (82 shared pages: 0.43 vs 2.04 ms a page, 22.3 vs 22.6 % of the raw size);
# stdlib level 6 took 4.5 ms for 18.9 % (docs/benchmarks.md, "## Ingest").
RAW_LEVEL = 1

_v = schema.versions
_c = schema.captures
# Statements built once: executed with a dict of values, SQLAlchemy reuses their compiled
# form instead of building and cache-keying a new statement for every stored page.
_INSERT_CAPTURE = insert(_c)
_INSERT_VERSION = insert(_v)
_SET_LATEST = (
    update(schema.pages)
    .where(schema.pages.c.id == bindparam("page"))
    .values(latest_version_id=bindparam("latest"), version_count=bindparam("count"))
)


def compress_raw(raw: bytes) -> bytes:
    """Raw HTML as stored: a zlib stream (any zlib reads it, in any language)."""
    return isal_zlib.compress(raw, RAW_LEVEL)


@dataclass(frozen=True)
class RawHtml:
    """Raw HTML already compressed as the store keeps it (``compress_raw``).

    Compression is the costliest part of storing a page; building this in a worker
    process (``RawHtml.of``) takes it off the single writer. The stored bytes are the same
    either way, so ``Store.raw_html`` reads them back unchanged.
    """

    compressed: bytes

    @classmethod
    def of(cls, raw: bytes) -> RawHtml:
        """Compress ``raw`` as ``compress_raw`` does."""
        return cls(compress_raw(raw))


@dataclass(frozen=True)
class EncodedArticle:
    """An article's content hash and stored JSON, computed once, ahead of the write.

    Both walk the whole article (``dataclasses.asdict``); a worker process can pay for that
    instead of the single writer. Build it with ``of`` from the very article you store.
    """

    content_hash: str
    article_json: str

    @classmethod
    def of(cls, article: Article) -> EncodedArticle:
        """The hash and JSON of ``article`` as ``write_version`` would compute them."""
        return cls(article.content_hash(), _article_json(article))


def _article_json(article: Article) -> str:
    text = json.dumps(article.to_dict(), ensure_ascii=False)
    if "\\u0000" in text:  # a NUL in the article: PostgreSQL's JSON functions refuse it
        text = json.dumps(_without_nul(article.to_dict()), ensure_ascii=False)
    return text


def _without_nul(data: Any) -> Any:
    """``data`` with NUL characters as U+FFFD, as HTML parsers read ``&#0;``."""
    if isinstance(data, str):
        return data.replace("\x00", "\ufffd")
    if isinstance(data, dict):
        return {k: _without_nul(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_nul(v) for v in data]
    return data


def decompress_raw(data: bytes, encoding: str | None) -> bytes:
    """Undo ``compress_raw``."""
    if encoding == RAW_ENCODING:
        return zlib.decompress(data)
    if encoding in (None, "identity"):
        return data
    raise StoreError(f"raw HTML stored with unknown encoding {encoding!r}; upgrade storyline")


def write_version(
    conn: Connection,
    page: PageRow,
    fetched_at: datetime,
    article: Article,
    raw: bytes | RawHtml | None,
    compare: Compare,
    raw_type: str | None = None,
    encoded: EncodedArticle | None = None,
) -> StoredVersion:
    """Record a capture of ``article`` at ``fetched_at`` and keep the versions consistent.

    The usual case, a capture newer than all others, takes a handful of statements; a
    capture inside the history takes the general path. ``raw`` may come compressed
    already (``RawHtml``) and ``encoded`` saves hashing and serialising ``article`` here.
    """
    encoded = encoded or EncodedArticle.of(article)
    key: Key = (fetched_at, encoded.content_hash)
    # A page without versions has no captures either (every capture belongs to a version's
    # run): a brand-new page skips both neighbour look-ups.
    prev = _neighbour(conn, page.id, key, before=True) if page.version_count else None
    if prev == key:  # this very capture is stored already
        return StoredVersion(_version_at(conn, page.id, key, page.url), [], created=False)
    nxt = _neighbour(conn, page.id, key, before=False) if page.version_count else None
    conn.execute(
        _INSERT_CAPTURE, {"page_id": page.id, "fetched_at": key[0], "content_hash": key[1]}
    )
    if prev is not None and prev[1] == key[1]:
        if nxt is None and page.latest_version_id is not None:
            return StoredVersion(_latest(conn, page), [], created=False)
        return StoredVersion(_version_at(conn, page.id, key, page.url), [], created=False)
    if nxt is not None and nxt[1] == key[1]:  # an earlier sighting of the next run's content
        row = _version_row(conn, page.id, nxt)
        values = _content_values(article, raw, raw_type, encoded)
        if raw is None:  # keep the raw HTML we have rather than lose it
            values = {k: v for k, v in values.items() if not k.startswith("raw_")}
        conn.execute(update(_v).where(_v.c.id == row.id).values(fetched_at=key[0], **values))
        _refresh_page(conn, page.id)
        return StoredVersion(_version_at(conn, page.id, key, page.url), [], created=False)
    before = _version_row(conn, page.id, prev, at_or_before=True) if prev else None
    old = _article_of(before) if before is not None else None
    values = _content_values(article, raw, raw_type, encoded)
    new_id = _insert_version(conn, page.id, key, values)
    new_changes = _set_changes(conn, new_id, old, article, compare, fresh=True)
    if nxt is None:  # the newest version: the page's counters follow without a recount
        count = page.version_count + 1
        conn.execute(_SET_LATEST, {"page": page.id, "latest": new_id, "count": count})
        version = Version(page.url, key[0], key[1], article, id=new_id, number=count)
        return StoredVersion(version, new_changes, created=True)
    if prev is not None and nxt[1] == prev[1]:  # we split prev's run: it resumes at nxt
        _resume_run(conn, page.id, nxt, before, article, compare)
    else:
        after = _version_row(conn, page.id, nxt)
        _set_changes(conn, after.id, article, _article_of(after), compare)
    _refresh_page(conn, page.id)
    return StoredVersion(_version_at(conn, page.id, key, page.url), new_changes, created=True)


def _resume_run(
    conn: Connection, page_id: int, key: Key, source: Any, article: Article, compare: Compare
) -> None:
    """A version at ``key`` copying ``source`` (its content and raw page), after ``article``."""
    copy = {
        "title": source.title,
        "text_length": source.text_length,
        "article_json": source.article_json,
        "raw_html": source.raw_html,
        "raw_encoding": source.raw_encoding,
        "raw_type": source.raw_type,
    }
    copy_id = _insert_version(conn, page_id, key, copy)
    _set_changes(conn, copy_id, article, _article_of(source), compare, fresh=True)


def _latest(conn: Connection, page: PageRow) -> Version:
    row = conn.execute(select(_v).where(_v.c.id == page.latest_version_id)).one()
    return version_from_row(row, page.url, page.version_count)


def replace_content(conn: Connection, version_id: int, article: Article, compare: Compare) -> None:
    """Give a version a new Article (``reextract``); its captures and changes follow."""
    row = conn.execute(select(_v).where(_v.c.id == version_id)).first()
    if row is None:
        raise StoreError(f"version {version_id} is not stored")
    new_hash = article.content_hash()
    start: Key = (row.fetched_at, row.content_hash)
    nxt = _next_version_key(conn, row.page_id, start)
    in_run = [
        _c.c.page_id == row.page_id,
        _c.c.content_hash == row.content_hash,
        or_(_after(_c, start), _is(_c, start)),
    ]
    if nxt is not None:
        in_run.append(_before(_c, nxt))
    conn.execute(update(_c).where(*in_run).values(content_hash=new_hash))
    values = {
        k: v for k, v in _content_values(article, None, None).items() if not k.startswith("raw_")
    }
    conn.execute(update(_v).where(_v.c.id == version_id).values(content_hash=new_hash, **values))
    prev = _version_row(conn, row.page_id, start, strictly_before=True)
    _set_changes(conn, version_id, _article_of(prev) if prev else None, article, compare)
    if nxt is not None:
        after = _version_row(conn, row.page_id, nxt)
        _set_changes(conn, after.id, article, _article_of(after), compare)


def version_from_row(row: Any, url: str, number: int | None) -> Version:
    """A model ``Version`` from a ``versions`` row."""
    return Version(
        url=url,
        fetched_at=row.fetched_at,
        content_hash=row.content_hash,
        article=_article_of(row),
        id=row.id,
        number=number,
    )


def version_number(conn: Connection, page_id: int, key: Key) -> int:
    """The 1-based position of the version starting at ``key`` in the page's history."""
    earlier = (
        select(func.count())
        .select_from(_v)
        .where(_v.c.page_id == page_id, or_(_before(_v, key), _is(_v, key)))
    )
    return int(conn.execute(earlier).scalar_one())


def _content_values(
    article: Article,
    raw: bytes | RawHtml | None,
    raw_type: str | None,
    encoded: EncodedArticle | None = None,
) -> dict[str, Any]:
    if isinstance(raw, RawHtml):
        compressed: bytes | None = raw.compressed
    else:
        compressed = compress_raw(raw) if raw is not None else None
    return {
        "title": article.title,
        "text_length": len(article.body_text),
        "article_json": encoded.article_json if encoded else _article_json(article),
        "raw_html": compressed,
        "raw_encoding": RAW_ENCODING if raw is not None else None,
        "raw_type": raw_type if raw is not None else None,
    }


def _insert_version(conn: Connection, page_id: int, key: Key, values: dict[str, Any]) -> int:
    row = {"page_id": page_id, "fetched_at": key[0], "content_hash": key[1], **values}
    inserted = conn.execute(_INSERT_VERSION, row).inserted_primary_key
    assert inserted is not None  # an INSERT of one row has its key
    return int(inserted[0])


def _set_changes(
    conn: Connection,
    version_id: int,
    old: Article | None,
    new: Article,
    compare: Compare,
    fresh: bool = False,
) -> list[Change]:
    if not fresh:  # a version that is not brand new may have changes stored already
        conn.execute(delete(schema.changes).where(schema.changes.c.version_id == version_id))
    found = compare(old, new) if old is not None else []
    if found:
        conn.execute(
            insert(schema.changes),
            [
                {
                    "version_id": version_id,
                    "position": i,
                    "kind": c.kind,
                    "section": c.section,
                    "before": c.before,
                    "after": c.after,
                }
                for i, c in enumerate(found)
            ],
        )
    return found


def _refresh_page(conn: Connection, page_id: int) -> None:
    latest = conn.execute(
        select(_v.c.id)
        .where(_v.c.page_id == page_id)
        .order_by(_v.c.fetched_at.desc(), _v.c.content_hash.desc())
        .limit(1)
    ).scalar()
    count = conn.execute(
        select(func.count()).select_from(_v).where(_v.c.page_id == page_id)
    ).scalar_one()
    conn.execute(
        update(schema.pages)
        .where(schema.pages.c.id == page_id)
        .values(latest_version_id=latest, version_count=count)
    )


def _article_of(row: Any) -> Article:
    return Article.from_dict(json.loads(row.article_json))


def _is(table: Any, key: Key) -> ColumnElement[bool]:
    return and_(table.c.fetched_at == key[0], table.c.content_hash == key[1])


def _before(table: Any, key: Key) -> ColumnElement[bool]:
    return or_(
        table.c.fetched_at < key[0],
        and_(table.c.fetched_at == key[0], table.c.content_hash < key[1]),
    )


def _after(table: Any, key: Key) -> ColumnElement[bool]:
    return or_(
        table.c.fetched_at > key[0],
        and_(table.c.fetched_at == key[0], table.c.content_hash > key[1]),
    )


def _neighbour_query(before: bool) -> Any:
    at: BindParameter[datetime] = bindparam("at")
    digest: BindParameter[str] = bindparam("hash")
    if before:
        where = or_(_c.c.fetched_at < at, and_(_c.c.fetched_at == at, _c.c.content_hash <= digest))
        order = (_c.c.fetched_at.desc(), _c.c.content_hash.desc())
    else:
        where = or_(_c.c.fetched_at > at, and_(_c.c.fetched_at == at, _c.c.content_hash > digest))
        order = (_c.c.fetched_at.asc(), _c.c.content_hash.asc())
    return (
        select(_c.c.fetched_at, _c.c.content_hash)
        .where(_c.c.page_id == bindparam("page"), where)
        .order_by(*order)
        .limit(1)
    )


_NEIGHBOURS = {True: _neighbour_query(before=True), False: _neighbour_query(before=False)}


def _neighbour(conn: Connection, page_id: int, key: Key, before: bool) -> Key | None:
    """The capture at or before ``key`` (``before``), or the first one after it."""
    params = {"page": page_id, "at": key[0], "hash": key[1]}
    row = conn.execute(_NEIGHBOURS[before], params).first()
    return (row.fetched_at, row.content_hash) if row else None


def _next_version_key(conn: Connection, page_id: int, key: Key) -> Key | None:
    row = conn.execute(
        select(_v.c.fetched_at, _v.c.content_hash)
        .where(_v.c.page_id == page_id, _after(_v, key))
        .order_by(_v.c.fetched_at, _v.c.content_hash)
        .limit(1)
    ).first()
    return (row.fetched_at, row.content_hash) if row else None


def _version_row(
    conn: Connection,
    page_id: int,
    key: Key,
    at_or_before: bool = False,
    strictly_before: bool = False,
) -> Any:
    """The version starting exactly at ``key``, or the one in effect at/just before it."""
    query = select(_v).where(_v.c.page_id == page_id)
    if strictly_before:
        query = query.where(_before(_v, key))
    elif at_or_before:
        query = query.where(or_(_before(_v, key), _is(_v, key)))
    else:
        query = query.where(_is(_v, key))
    row = conn.execute(
        query.order_by(_v.c.fetched_at.desc(), _v.c.content_hash.desc()).limit(1)
    ).first()
    if row is None and not strictly_before:
        raise StoreError(
            f"page {page_id}: no version at {key[0].isoformat()}; the captures and "
            "versions disagree; run `storyline reextract` or report a bug"
        )
    return row


def _version_at(conn: Connection, page_id: int, key: Key, url: str) -> Version:
    row = _version_row(conn, page_id, key, at_or_before=True)
    start = (row.fetched_at, row.content_hash)
    return version_from_row(row, url, version_number(conn, page_id, start))
