"""What the Store hands back: plain dataclasses, no database handles inside."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storyline.model import Change, Version


@dataclass
class SourceRow:
    """A followed feed, sitemap or article URL, and the state of its last visit."""

    id: int
    url: str
    kind: str
    interval_s: float
    added_at: datetime
    origin_url: str | None = None
    title: str | None = None
    next_visit_at: datetime | None = None
    last_visit_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_status: int | None = None
    last_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601)."""
        return _jsonable(self.__dict__)


@dataclass
class PageRow:
    """A page whose article is followed: where it came from and when to look again."""

    id: int
    url: str
    first_seen: datetime
    source_id: int | None = None
    canonical_url: str | None = None
    title: str | None = None
    next_visit_at: datetime | None = None
    last_visit_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_status: int | None = None
    last_error: str | None = None
    latest_version_id: int | None = None
    version_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601)."""
        return _jsonable(self.__dict__)


@dataclass
class StoredVersion:
    """The outcome of ``Store.store_version``.

    ``created`` is True when a new version row was added. When the article had not changed
    it is False and ``version`` is the version that already holds this content.
    """

    version: Version
    changes: list[Change] = field(default_factory=list)
    created: bool = False


@dataclass
class ArticleRow:
    """A page with its latest version: one line of ``storyline articles``."""

    page: PageRow
    version: Version

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the page's URL and counts, and the latest article."""
        return {
            "url": self.page.url,
            "versions": self.page.version_count,
            "first_seen": self.page.first_seen.isoformat(),
            "fetched_at": self.version.fetched_at.isoformat(),
            "version": self.version.number,
            "content_hash": self.version.content_hash,
            "article": self.version.article.to_dict(),
        }


@dataclass
class ArticlePage:
    """One page of ``Store.articles``: the rows, and the cursor for the next page (or None)."""

    rows: list[ArticleRow]
    next_cursor: str | None = None


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
