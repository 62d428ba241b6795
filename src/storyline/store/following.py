"""The Store's follow state: sources (feeds, sitemaps, followed articles) and pages, with
when each was last visited, how it went, and when to look again.

A mixin of ``Store`` (see ``storyline.store.db``), kept apart so each module has one job:
this one is the crawl frontier, ``db.py`` the versions.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from storyline.errors import NotFoundError, StoreError
from storyline.store import schema
from storyline.store.rows import PageRow, SourceRow

FETCH_FIELDS = (
    "etag",
    "last_modified",
    "next_visit_at",
    "failures",
    "last_error",
    "last_status",
    "last_visit_at",
)
_ALIASES = {"error": "last_error", "status": "last_status", "visited_at": "last_visit_at"}
# Built once (``_ensure_page`` runs for every stored page): compiled form reused.
_PAGE_BY_URL = select(schema.pages).where(schema.pages.c.url == bindparam("url"))
_INSERT_PAGE = insert(schema.pages)


class FollowState:
    """Sources and pages: what is followed and when to visit it (mixed into ``Store``)."""

    # Store provides these: a write transaction (one writer) and a read connection.
    _write: Callable[[str], AbstractContextManager[Connection]]
    _read: Callable[[str], AbstractContextManager[Connection]]

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
                    insert(t).values(
                        url=url,
                        added_at=now,
                        next_visit_at=None if kind == "article" else now,
                        failures=0,
                        **values,
                    )
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
                .order_by(t.c.next_visit_at, t.c.id)  # ties by id: the same on every database
            ).all()
        return [SourceRow(**r._asdict()) for r in rows]

    def update_source_fetch(self, source_id: int, **fields: Any) -> None:
        """Record a source visit: etag, last_modified, next_visit_at, failures, error,
        status, visited_at (columns last_error, last_status, last_visit_at) and title."""
        values = check_fields(fields, (*FETCH_FIELDS, "title"))
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
        row = conn.execute(_PAGE_BY_URL, {"url": url}).first()
        if row is None:
            first_seen = first_seen or datetime.now(UTC)
            values: dict[str, Any] = {
                "url": url,
                "source_id": source_id,
                "first_seen": first_seen,
                "title": title,
                "next_visit_at": (next_visit_at or first_seen) if schedule else None,
                "failures": 0,
                "version_count": 0,
            }
            key = conn.execute(_INSERT_PAGE, values).inserted_primary_key
            assert key is not None  # an INSERT of one row has its key
            return PageRow(id=int(key[0]), **values)
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
            sources, pages = schema.sources, schema.pages
            times = [
                conn.execute(
                    select(func.min(sources.c.next_visit_at)).where(sources.c.kind != "article")
                ).scalar(),  # a followed article is visited as a page
                conn.execute(select(func.min(pages.c.next_visit_at))).scalar(),
            ]
        found = [t for t in times if t is not None]
        return min(found) if found else None

    def update_page_fetch(self, page_id: int, **fields: Any) -> None:
        """Record a page visit: etag, last_modified, next_visit_at, failures, error,
        status, visited_at (columns last_error, last_status, last_visit_at), canonical_url."""
        values = check_fields(fields, (*FETCH_FIELDS, "canonical_url"))
        with self._write(f"updating page {page_id}") as conn:
            conn.execute(update(schema.pages).where(schema.pages.c.id == page_id).values(**values))


def check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The fields with short names (error, status, visited_at) spelt as columns."""
    named = {_ALIASES.get(k, k): v for k, v in fields.items()}
    unknown = sorted(set(named) - set(allowed))
    if unknown:
        raise StoreError(f"cannot update {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    return named
