"""The Store: every read and write of storyline's database, one method per job.

Open it with ``Store.open(path_or_url, settings)``. It is SQLite by default (one file, WAL
mode) and PostgreSQL by URL. Writes go through one writer at a time (a lock in this
process, ``BEGIN IMMEDIATE`` across processes) and each stored page is one transaction, so
a crash or ``kill -9`` never leaves half a version behind. Reads use their own connections
and never wait for the writer.

Usage::

    with Store.open("news.db") as store:
        stored = store.store_version(url, fetched_at, article, raw_html=html)
        for version in store.versions(url):
            print(version.number, version.fetched_at, version.article.title)

Errors are ``StoreError`` (cannot open, locked, damaged) and ``NotFoundError`` (no such
source, page or version), with messages that say what to do.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from storyline.config import Settings
from storyline.errors import NotFoundError, StoreError
from storyline.model import Article, Change, Version
from storyline.store import schema
from storyline.store import versions as _versions
from storyline.store.engine import (
    WRITE_OPTION,
    create_store_engine,
    database_url,
    resolve_target,
    store_errors,
)
from storyline.store.migrations import migrate
from storyline.store.queries import article_page
from storyline.store.rows import ArticlePage, PageRow, SourceRow, StoredVersion

Compare = Callable[[Article, Article], list[Change]]
_FETCH_FIELDS = (
    "etag",
    "last_modified",
    "next_visit_at",
    "failures",
    "last_error",
    "last_status",
    "last_visit_at",
)
_ALIASES = {"error": "last_error", "status": "last_status", "visited_at": "last_visit_at"}


def _default_compare(old: Article, new: Article) -> list[Change]:
    from storyline.revisions.changes import compare_articles

    return compare_articles(old, new)


class Store:
    """storyline's database: sources, pages, versions and their changes."""

    def __init__(self, engine: Engine, compare: Compare | None = None):
        self.engine = engine
        self._compare = compare or _default_compare
        self._write_lock = threading.RLock()
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    @classmethod
    def open(
        cls,
        target: str | Path | None = None,
        settings: Settings | None = None,
        compare: Compare | None = None,
    ) -> Store:
        """Open (creating and migrating as needed) the database at a path or SQLAlchemy URL.

        ``None`` means $STORYLINE_DB, else ``settings.db``, else the user data directory.
        ``compare`` computes the changes between two versions (default: the revisions
        stage's ``compare_articles``).
        """
        url = database_url(resolve_target(target, settings))
        engine = create_store_engine(url, settings.db_timeout if settings else 30.0)
        with store_errors(f"opening {engine.url.render_as_string(hide_password=True)}"):
            migrate(engine)
        return cls(engine, compare)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        """Where the data lives, for messages (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def _write(self, what: str) -> Iterator[Connection]:
        with self._write_lock, store_errors(what), self._writer.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def _read(self, what: str) -> Iterator[Connection]:
        with store_errors(what), self.engine.connect() as conn:
            yield conn

    # -- sources ---------------------------------------------------------------------------

    def add_source(
        self,
        url: str,
        kind: str,
        interval_s: float,
        origin_url: str | None = None,
        title: str | None = None,
        now: datetime | None = None,
    ) -> SourceRow:
        """Follow a feed, sitemap or article URL; following it again updates kind and interval."""
        now = now or datetime.now(UTC)
        t = schema.sources
        with self._write(f"adding source {url}") as conn:
            row = conn.execute(select(t.c.id).where(t.c.url == url)).first()
            values = {"kind": kind, "interval_s": float(interval_s)}
            if origin_url:
                values["origin_url"] = origin_url
            if title:
                values["title"] = title
            if row:
                conn.execute(update(t).where(t.c.id == row.id).values(**values))
            else:
                conn.execute(
                    insert(t).values(url=url, added_at=now, next_visit_at=now, failures=0, **values)
                )
        return self.source(url)

    def source(self, url: str) -> SourceRow:
        """The followed source with this URL (or the URL it was followed as)."""
        t = schema.sources
        with self._read(f"reading source {url}") as conn:
            row = conn.execute(
                select(t)
                .where((t.c.url == url) | (t.c.origin_url == url))
                .order_by(t.c.id)
                .limit(1)
            ).first()
        if row is None:
            raise NotFoundError(f"{url} is not followed; see `storyline sources` for what is")
        return SourceRow(**row._asdict())

    def remove_source(self, url: str) -> SourceRow:
        """Stop following a source; its pages stop being revisited, their versions stay."""
        source = self.source(url)
        with self._write(f"removing source {url}") as conn:
            conn.execute(
                update(schema.pages)
                .where(schema.pages.c.source_id == source.id)
                .values(next_visit_at=None)
            )
            conn.execute(schema.sources.delete().where(schema.sources.c.id == source.id))
        return source

    def sources(self) -> list[SourceRow]:
        """Every followed source, oldest first."""
        t = schema.sources
        with self._read("listing sources") as conn:
            rows = conn.execute(select(t).order_by(t.c.id)).all()
        return [SourceRow(**r._asdict()) for r in rows]

    def sources_due(self, now: datetime) -> list[SourceRow]:
        """Feeds and sitemaps whose next visit is at or before ``now``."""
        t = schema.sources
        with self._read("listing sources due") as conn:
            rows = conn.execute(
                select(t)
                .where(t.c.next_visit_at <= now, t.c.kind != "article")
                .order_by(t.c.next_visit_at)
            ).all()
        return [SourceRow(**r._asdict()) for r in rows]

    def update_source_fetch(self, source_id: int, **fields: Any) -> None:
        """Record a source visit: etag, last_modified, next_visit_at, failures, error,
        status, visited_at (columns last_error, last_status, last_visit_at) and title."""
        values = _check_fields(fields, (*_FETCH_FIELDS, "title"))
        with self._write(f"updating source {source_id}") as conn:
            conn.execute(
                update(schema.sources).where(schema.sources.c.id == source_id).values(**values)
            )

    # -- pages -----------------------------------------------------------------------------

    def add_page(
        self,
        url: str,
        source_id: int | None = None,
        first_seen: datetime | None = None,
        title: str | None = None,
        next_visit_at: datetime | None = None,
    ) -> PageRow:
        """Start following a page (idempotent: a known page is returned as it is)."""
        with self._write(f"adding page {url}") as conn:
            return self._ensure_page(conn, url, source_id, first_seen, title, next_visit_at)

    def add_pages(
        self, entries: list[tuple[str, str | None]], source_id: int | None, first_seen: datetime
    ) -> list[str]:
        """Start following many (url, title) pages in one transaction; return the new URLs."""
        t = schema.pages
        urls = list(dict.fromkeys(url for url, _ in entries))
        titles = dict(entries)
        with self._write(f"adding {len(urls)} pages") as conn:
            known: set[str] = set()
            for start in range(0, len(urls), 500):
                chunk = urls[start : start + 500]
                known.update(conn.execute(select(t.c.url).where(t.c.url.in_(chunk))).scalars())
            fresh = [u for u in urls if u not in known]
            if fresh:
                conn.execute(
                    insert(t),
                    [
                        {
                            "url": u,
                            "source_id": source_id,
                            "first_seen": first_seen,
                            "title": titles.get(u),
                            "next_visit_at": first_seen,
                            "failures": 0,
                            "version_count": 0,
                        }
                        for u in fresh
                    ],
                )
        return fresh

    def _ensure_page(
        self,
        conn: Connection,
        url: str,
        source_id: int | None,
        first_seen: datetime | None,
        title: str | None = None,
        next_visit_at: datetime | None = None,
        schedule: bool = True,
    ) -> PageRow:
        """The page row for ``url``, created if new; ``schedule=False`` creates it without a
        next visit (pages known only from stored captures, e.g. archives, are not polled)."""
        t = schema.pages
        row = conn.execute(select(t).where(t.c.url == url)).first()
        if row is None:
            first_seen = first_seen or datetime.now(UTC)
            values = {
                "url": url,
                "source_id": source_id,
                "first_seen": first_seen,
                "title": title,
                "next_visit_at": (next_visit_at or first_seen) if schedule else None,
                "failures": 0,
                "version_count": 0,
            }
            new_id = conn.execute(insert(t).values(**values)).inserted_primary_key[0]
            return PageRow(id=int(new_id), **values)
        if source_id is not None and row.source_id is None:
            conn.execute(update(t).where(t.c.id == row.id).values(source_id=source_id))
            row = conn.execute(select(t).where(t.c.id == row.id)).one()
        if first_seen is not None and first_seen < row.first_seen:  # an older capture came in
            conn.execute(update(t).where(t.c.id == row.id).values(first_seen=first_seen))
            row = conn.execute(select(t).where(t.c.id == row.id)).one()
        return PageRow(**row._asdict())

    def page(self, url: str) -> PageRow:
        """The followed page with this URL (or canonical URL)."""
        t = schema.pages
        with self._read(f"reading page {url}") as conn:
            row = conn.execute(
                select(t)
                .where((t.c.url == url) | (t.c.canonical_url == url))
                .order_by(t.c.id)
                .limit(1)
            ).first()
        if row is None:
            raise NotFoundError(f"no article stored for {url}; `storyline articles` lists them")
        return PageRow(**row._asdict())

    def pages_due(self, now: datetime, limit: int | None = None) -> list[PageRow]:
        """Pages whose next visit is at or before ``now``, the longest-waiting first."""
        t = schema.pages
        query = select(t).where(t.c.next_visit_at <= now).order_by(t.c.next_visit_at, t.c.id)
        with self._read("listing pages due") as conn:
            rows = conn.execute(query.limit(limit) if limit else query).all()
        return [PageRow(**r._asdict()) for r in rows]

    def pages_followed(self) -> list[PageRow]:
        """Every page still revisited (``poll --all`` visits these)."""
        t = schema.pages
        with self._read("listing pages") as conn:
            rows = conn.execute(
                select(t).where(t.c.next_visit_at.is_not(None)).order_by(t.c.id)
            ).all()
        return [PageRow(**r._asdict()) for r in rows]

    def next_due(self) -> datetime | None:
        """The earliest next visit of any source or page (``watch`` sleeps until then)."""
        with self._read("reading the schedule") as conn:
            times = [
                conn.execute(select(func.min(t.c.next_visit_at))).scalar()
                for t in (schema.sources, schema.pages)
            ]
        found = [t for t in times if t is not None]
        return min(found) if found else None

    def update_page_fetch(self, page_id: int, **fields: Any) -> None:
        """Record a page visit: etag, last_modified, next_visit_at, failures, error,
        status, visited_at (columns last_error, last_status, last_visit_at), canonical_url."""
        values = _check_fields(fields, (*_FETCH_FIELDS, "canonical_url"))
        with self._write(f"updating page {page_id}") as conn:
            conn.execute(update(schema.pages).where(schema.pages.c.id == page_id).values(**values))

    # -- versions --------------------------------------------------------------------------

    def store_version(
        self,
        url: str,
        fetched_at: datetime,
        article: Article,
        raw_html: bytes | None = None,
        raw_type: str | None = None,
        page_fields: dict[str, Any] | None = None,
    ) -> StoredVersion:
        """Store what ``url`` said at ``fetched_at``, in one transaction.

        No version is added when the article equals the version just before it in time;
        storing the same capture twice is a no-op; captures may come in any order.
        ``page_fields`` (as for ``update_page_fetch``) are written in the same transaction.
        """
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=UTC)
        with self._write(f"storing a version of {url}") as conn:
            page = self._ensure_page(conn, url, None, fetched_at, schedule=False)
            stored = _versions.write_version(
                conn, page, fetched_at, article, raw_html, self._compare, raw_type
            )
            if page_fields:
                values = _check_fields(page_fields, (*_FETCH_FIELDS, "canonical_url"))
                conn.execute(
                    update(schema.pages).where(schema.pages.c.id == page.id).values(**values)
                )
        return stored

    def versions(self, url: str) -> list[Version]:
        """Every version of the article at ``url``, oldest first, numbered from 1."""
        page = self.page(url)
        v = schema.versions
        with self._read(f"reading versions of {url}") as conn:
            rows = conn.execute(
                select(v).where(v.c.page_id == page.id).order_by(v.c.fetched_at, v.c.content_hash)
            ).all()
        return [_versions.version_from_row(r, page.url, i) for i, r in enumerate(rows, 1)]

    def version(self, url: str, number: int) -> Version:
        """Version ``number`` (1 = first; negative counts from the latest, -1 = latest)."""
        found = self.versions(url)
        index = number - 1 if number > 0 else len(found) + number
        if not found or number == 0 or not 0 <= index < len(found):
            raise NotFoundError(
                f"{url} has {len(found)} version(s); there is no version "
                f"{number}; `storyline versions {url}` lists them"
            )
        return found[index]

    def version_by_id(self, version_id: int) -> Version:
        """The version with this database id."""
        v, p = schema.versions, schema.pages
        with self._read(f"reading version {version_id}") as conn:
            row = conn.execute(
                select(v, p.c.url.label("page_url"))
                .join(p, p.c.id == v.c.page_id)
                .where(v.c.id == version_id)
            ).first()
            if row is None:
                raise NotFoundError(f"version {version_id} is not stored")
            number = _versions.version_number(conn, row.page_id, (row.fetched_at, row.content_hash))
        return _versions.version_from_row(row, row.page_url, number)

    def change_times(self, page_id: int) -> list[datetime]:
        """When the page's article changed (the times of its versions), oldest first."""
        v = schema.versions
        with self._read(f"reading page {page_id}") as conn:
            return list(
                conn.execute(
                    select(v.c.fetched_at).where(v.c.page_id == page_id).order_by(v.c.fetched_at)
                ).scalars()
            )

    def changes(self, version_id: int) -> list[Change]:
        """What changed from the previous version to this one (empty for a first version)."""
        c = schema.changes
        with self._read(f"reading changes of version {version_id}") as conn:
            rows = conn.execute(
                select(c).where(c.c.version_id == version_id).order_by(c.c.position)
            ).all()
        return [
            Change(kind=r.kind, before=r.before, after=r.after, section=r.section) for r in rows
        ]

    def articles(
        self,
        since: datetime | None = None,
        changed_only: bool = False,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> ArticlePage:
        """Pages with their latest version, most recently changed first, a page at a time.

        ``since`` keeps articles whose latest version is that recent; ``changed_only`` keeps
        those with more than one version; pass ``next_cursor`` back to get the next page.
        """
        with self._read("listing articles") as conn:
            return article_page(conn, since, changed_only, limit, cursor)

    def raw_html(self, version_id: int) -> bytes:
        """The page as fetched for this version (decompressed)."""
        v = schema.versions
        with self._read(f"reading raw HTML of version {version_id}") as conn:
            row = conn.execute(
                select(v.c.raw_html, v.c.raw_encoding).where(v.c.id == version_id)
            ).first()
        if row is None:
            raise NotFoundError(f"version {version_id} is not stored")
        if row.raw_html is None:
            raise NotFoundError(f"version {version_id} was stored without its raw page")
        return _versions.decompress_raw(row.raw_html, row.raw_encoding)

    def raw_versions(self) -> list[tuple[int, str, str | None]]:
        """(version id, page URL, content type) of every version stored with its raw page."""
        v, p = schema.versions, schema.pages
        with self._read("listing stored pages") as conn:
            rows = conn.execute(
                select(v.c.id, p.c.url, v.c.raw_type)
                .join(p, p.c.id == v.c.page_id)
                .where(v.c.raw_html.is_not(None))
                .order_by(v.c.id)
            ).all()
        return [(r.id, r.url, r.raw_type) for r in rows]

    def replace_article(self, version_id: int, article: Article) -> None:
        """Give a stored version a newly extracted Article (``storyline reextract``).

        Every version is kept, even when the new extraction makes two neighbours equal.
        """
        with self._write(f"replacing the article of version {version_id}") as conn:
            _versions.replace_content(conn, version_id, article, self._compare)

    def counts(self) -> dict[str, int]:
        """How many sources, pages, versions, captures and changes are stored."""
        with self._read("counting") as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (
                    schema.sources,
                    schema.pages,
                    schema.versions,
                    schema.captures,
                    schema.changes,
                )
            }


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The fields with short names (error, status, visited_at) spelt as columns."""
    named = {_ALIASES.get(k, k): v for k, v in fields.items()}
    unknown = sorted(set(named) - set(allowed))
    if unknown:
        raise StoreError(f"cannot update {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    return named
