"""The Store: every read and write of storyline's database, one method per job.

Open it with ``Store.open(path_or_url, settings)``. It is SQLite by default (one file, WAL
mode) and PostgreSQL by URL. Writes go through one writer at a time (a lock in this
process, ``BEGIN IMMEDIATE`` across processes) and each stored page is one transaction, so
a crash or ``kill -9`` never leaves half a version behind. Reads use their own connections
and never wait for the writer.

Usage::

    with Store.open("news.db") as store:
        stored = store.store_version(url, fetched_at, article, html, compare=compare_articles)
        for version in store.versions(url):
            print(version.number, version.fetched_at, version.article.title)

The store knows tables, not the stages: what changed between two versions is computed by
the ``compare`` its caller hands in (the pipeline hands in the revisions stage's
``compare_articles``, see ``storyline.pipeline.storing``; whether a page is opinion, its
``opinion`` rule likewise), and other writers run their own small write functions inside
``writing()``, the one-writer transaction.

The methods, by job:

- follow state (``following.py``): ``add_source``, ``source``, ``remove_source``,
  ``sources``, ``sources_due``, ``update_source_fetch``; ``add_page``, ``add_pages``,
  ``page``, ``pages_due``, ``pages_followed``, ``next_due``, ``update_page_fetch``;
- versions (here): ``store_version``, ``versions``, ``version``, ``version_by_id``,
  ``change_times``, ``changes``, ``raw_html``, ``raw_versions``, ``replace_article``;
- reading: ``articles`` (latest version per page, paged by cursor), ``counts``;
- transactions for the small write and read functions of the other store modules:
  ``writing(what)`` (the one writer) and ``reading(what)``.

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

from sqlalchemy import Connection, Engine, func, select, update

from storyline.config import Settings
from storyline.errors import NotFoundError
from storyline.model import Article, Change, Version
from storyline.store import page_facts, schema
from storyline.store import versions as _versions
from storyline.store.engine import (
    WRITE_OPTION,
    create_store_engine,
    database_url,
    resolve_target,
    store_errors,
)
from storyline.store.following import FETCH_FIELDS, FollowState, check_fields
from storyline.store.migrations import migrate
from storyline.store.queries import article_page
from storyline.store.rows import ArticlePage, StoredVersion

# What changed between two versions (the revisions stage's ``compare_articles``).
Compare = _versions.Compare
# Whether a stored article is opinion (the stories stage's rule), for ``page_facts``.
OpinionRule = page_facts.OpinionRule
# Extra writes for the same transaction as a stored version: (connection, page id, outcome).
AlsoWrite = Callable[[Connection, int, StoredVersion], None]


class Store(FollowState):
    """storyline's database: sources, pages, versions and their changes."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._write_lock = threading.RLock()
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    @classmethod
    def open(
        cls,
        target: str | Path | None = None,
        settings: Settings | None = None,
        *,
        create: bool = True,
    ) -> Store:
        """Open (creating and migrating as needed) the database at a path or SQLAlchemy URL.

        ``None`` means $STORYLINE_DB, else ``settings.db``, else the user data directory.
        ``create=False`` refuses a SQLite file that does not exist yet instead of creating
        an empty database.
        """
        url = database_url(resolve_target(target, settings), create)
        engine = create_store_engine(url, settings.db_timeout if settings else 30.0)
        with store_errors(f"opening {engine.url.render_as_string(hide_password=True)}"):
            migrate(engine)
        return cls(engine)

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
    def writing(self, what: str) -> Iterator[Connection]:
        """A write transaction: the one writer (this process's lock, then ``BEGIN
        IMMEDIATE`` or the advisory lock), committed at the end, rolled back on an error.
        ``what`` names the job in the ``StoreError`` a failure becomes."""
        with self._write_lock, store_errors(what), self._writer.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def reading(self, what: str) -> Iterator[Connection]:
        """A read connection of its own (it never waits for the writer)."""
        with store_errors(what), self.engine.connect() as conn:
            yield conn

    _write = writing
    _read = reading

    # -- versions --------------------------------------------------------------------------

    def store_version(
        self,
        url: str,
        fetched_at: datetime,
        article: Article,
        raw_html: bytes | _versions.RawHtml | None = None,
        raw_type: str | None = None,
        *,
        compare: Compare,
        opinion: OpinionRule = page_facts.not_judged,
        page_fields: dict[str, Any] | None = None,
        also: AlsoWrite | None = None,
        encoded: _versions.EncodedArticle | None = None,
    ) -> StoredVersion:
        """Store what ``url`` said at ``fetched_at``, in one transaction.

        ``compare`` tells what changed between two versions: the new one and its
        neighbours in time (a capture may land inside the history); ``opinion`` whether
        the article is opinion rather than news, for the page's facts (the pipeline hands
        in the stories stage's rule; without it every page counts as news). No version is added
        when the article equals the version just before it in time; storing the same
        capture twice is a no-op; captures may come in any order. ``page_fields`` (as for
        ``update_page_fetch``) are written in the same transaction, and so is whatever
        ``also`` writes (the pipeline indexes copies there, so a page and its index entry
        are stored together or not at all). ``raw_html`` may come compressed already
        (``RawHtml``, e.g. by a worker process), and ``encoded``
        (``EncodedArticle.of(article)``) saves hashing and serialising the article here.
        """
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=UTC)
        with self._write(f"storing a version of {url}") as conn:
            page = self._ensure_page(conn, url, None, fetched_at, schedule=False)
            stored = _versions.write_version(
                conn, page, fetched_at, article, raw_html, compare, raw_type, encoded
            )
            if stored.created and stored.version.number == page.version_count + 1:
                assert stored.version.id is not None  # the newest version: the page's facts
                page_facts.record(conn, page.id, stored.version.id, article, url, opinion)
            if page_fields:
                values = check_fields(page_fields, (*FETCH_FIELDS, "canonical_url"))
                conn.execute(
                    update(schema.pages).where(schema.pages.c.id == page.id).values(**values)
                )
            if also is not None:
                also(conn, page.id, stored)
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
        """When the page's article changed: the times of its versions after the first, oldest
        first (what ``sources.schedule.next_article_visit`` expects)."""
        v = schema.versions
        with self._read(f"reading page {page_id}") as conn:
            times = conn.execute(
                select(v.c.fetched_at).where(v.c.page_id == page_id).order_by(v.c.fetched_at)
            ).scalars()
            return list(times)[1:]

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

    def replace_article(
        self,
        version_id: int,
        article: Article,
        *,
        compare: Compare,
        opinion: OpinionRule = page_facts.not_judged,
    ) -> None:
        """Give a stored version a newly extracted Article (``storyline reextract``); its
        changes and the next version's are computed again with ``compare``.

        Every version is kept, even when the new extraction makes two neighbours equal.
        """
        with self._write(f"replacing the article of version {version_id}") as conn:
            _versions.replace_content(conn, version_id, article, compare)
            page_facts.record_if_latest(conn, version_id, article, opinion)

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
