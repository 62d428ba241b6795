"""The data behind each article and source page: one function per page, plain dicts out.

Each function here feeds two renderers: the HTML template and the JSON twin (``.json``
and ``/api/...``), so a page never shows what its JSON lacks. Times are ISO 8601 strings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection

from storyline.errors import NotFoundError
from storyline.model import Article, Change, Paragraph, Promo, Section, Teaser
from storyline.revisions import article_diff, compare_articles, summarize_changes
from storyline.store import Store
from storyline.store.rows import SourceRow
from storyline.web import queries as q

MAX_LIMIT = 200
_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+")  # a host name without port or user


@functools.lru_cache(maxsize=8192)
def site_of(url: str) -> str:
    """The site name shown for a URL: its host without ``www.``.

    Every list row asks, and ``urlsplit`` was a tenth of a search request: a plain
    ``http(s)://host/...`` URL is cut by hand (what ``urlsplit(url).hostname`` gives for
    it); anything else (a port, user info, an IPv6 address) goes through ``urlsplit``. Memoised
    as well, for the hot pages."""
    if url.startswith(("https://", "http://")):
        host = url.partition("://")[2].partition("/")[0].partition("?")[0].partition("#")[0]
        if _PLAIN_HOST.fullmatch(host):
            return host.lower().removeprefix("www.")
    return (urlsplit(url).hostname or url).removeprefix("www.")


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 for JSON, or None."""
    return moment.isoformat() if moment else None


def change_summary(changes: list[Change], version_count: int) -> str:
    """What the latest change was, in words ("headline changed, update added")."""
    if version_count <= 1:
        return "first seen"
    return summarize_changes(changes) if changes else "changed"


def change_dict(change: Change) -> dict[str, Any]:
    """A change as JSON-ready data (``dataclasses.asdict`` without its deep-copy cost)."""
    return {
        "kind": change.kind,
        "before": change.before,
        "after": change.after,
        "section": change.section,
    }


def article_dict(article: Article) -> dict[str, Any]:
    """``article.to_dict()``, built without ``dataclasses.asdict``'s deep copies.

    ``asdict`` deep-copies every string of every paragraph; this walks the same fields
    (read from the dataclasses, so a new field is included) and shares the immutable
    values. It was a third of an article's data time. A test checks both agree.
    """
    data = plain(article)
    data["body_text"] = article.body_text
    return data


def stored_article_dict(stored: str) -> dict[str, Any]:
    """``Article.from_dict(json.loads(stored)).to_dict()``, without building the Article.

    Parsing the JSON into dataclasses and walking them back into dicts cost as much as
    the rest of an article request. JSON that ``Article.to_dict`` wrote (every key there,
    no other, paragraphs as objects) already is that dict but for ``body_text``, which is
    recomputed from the sections as the property does; anything else (rows written by an
    older version, hand edits) takes the long way. A test checks both agree."""
    data = json.loads(stored)
    if not _as_written(data):
        return article_dict(Article.from_dict(data))
    parts: list[str] = []
    for section in data["sections"]:
        if section["heading"]:
            parts.append(section["heading"])
        parts.extend(p["text"] for p in section["paragraphs"])
    data["body_text"] = "\n".join(parts)
    return data


def _as_written(data: Any) -> bool:
    """Whether ``data`` has exactly the shape ``Article.to_dict`` gives (see above)."""
    keys = _dict_keys()
    if not isinstance(data, dict) or data.keys() != keys["article"]:
        return False
    if not all(type(data[name]) is list for name in _LISTS):
        return False
    for name, kind in (("promos", "promo"), ("related", "teaser"), ("sections", "section")):
        if not all(type(item) is dict and item.keys() == keys[kind] for item in data[name]):
            return False
    return all(
        type(section["paragraphs"]) is list
        and all(type(p) is dict and p.keys() == keys["paragraph"] for p in section["paragraphs"])
        for section in data["sections"]
    )


_LISTS = ("labels", "authors", "sections", "promos", "related", "navigation")


@functools.cache
def _dict_keys() -> dict[str, set[str]]:
    names = {
        kind: {f.name for f in dataclasses.fields(cls)}
        for kind, cls in (
            ("article", Article),
            ("section", Section),
            ("paragraph", Paragraph),
            ("promo", Promo),
            ("teaser", Teaser),
        )
    }
    names["article"].add("body_text")
    return names


def plain(value: Any) -> Any:
    """``dataclasses.asdict`` for JSON-ready data: dataclasses become dicts, lists and
    dicts are copied, immutable leaves (strings, numbers) are shared, not deep-copied."""
    names = _field_names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def line_dict(line: q.ArticleLine, changes: list[Change]) -> dict[str, Any]:
    """One article in a list, as JSON-ready data."""
    return {
        "id": line.page_id,
        "url": line.url,
        "title": line.title or line.url,
        "site": site_of(line.url),
        "source_id": line.source_id,
        "versions": line.version_count,
        "first_seen": iso(line.first_seen),
        "last_changed": iso(line.fetched_at),
        "last_change": change_summary(changes, line.version_count),
        "href": f"/articles/{line.page_id}",
    }


def articles_data(
    store: Store, limit: int = 50, cursor: str | None = None, changed_only: bool = False
) -> dict[str, Any]:
    """Articles, most recently changed first, a page at a time."""
    with store.engine.connect() as conn:
        lines, next_cursor = q.article_lines(conn, _clamp(limit), cursor, changed_only)
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    return {
        "items": [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines],
        "next_cursor": next_cursor,
        "changed_only": changed_only,
    }


def article_data(store: Store, page_id: int, number: int | None = None) -> dict[str, Any]:
    """One article: a version (default the latest), structured, and its history."""
    with store.engine.connect() as conn:
        return article_data_on(conn, page_id, number)


def article_data_on(conn: Connection, page_id: int, number: int | None = None) -> dict[str, Any]:
    """``article_data`` on an open connection (so a caller can add to it in one transaction)."""
    page = q.page_by_id(conn, page_id)
    history = q.version_lines(conn, page_id)
    if not history:
        raise NotFoundError(f"article {page_id} ({page.url}) has no stored version yet")
    line = _pick(history, number, page.url)
    content_hash, stored = q.load_article_json(conn, line)
    article = stored_article_dict(stored)
    changes = q.changes_of_page(conn, page_id)
    latest = history[-1].number
    return {
        "id": page_id,
        "url": page.url,
        "canonical_url": page.canonical_url,
        "site": site_of(page.url),
        "href": f"/articles/{page_id}",
        "title": article["title"] or page.title or page.url,
        "version_count": len(history),
        "version": {
            "number": line.number,
            "fetched_at": iso(line.fetched_at),
            "content_hash": content_hash,
            "is_latest": line.number == latest,
        },
        "article": article,
        "versions": [_version_dict(page_id, h, changes.get(h.id, [])) for h in reversed(history)],
        "default_a": max(1, line.number - 1),
        "default_b": line.number,
    }


def versions_data(store: Store, page_id: int) -> dict[str, Any]:
    """An article's version history, newest first, with each version's changes."""
    with store.engine.connect() as conn:
        page = q.page_by_id(conn, page_id)
        history = q.version_lines(conn, page_id)
        changes = q.changes_of_page(conn, page_id)
    return {
        "id": page_id,
        "url": page.url,
        "items": [_version_dict(page_id, h, changes.get(h.id, [])) for h in reversed(history)],
    }


def diff_data(store: Store, page_id: int, a: int | None, b: int | None) -> dict[str, Any]:
    """The word-level diff between versions ``a`` and ``b`` (default: the last two)."""
    with store.engine.connect() as conn:
        page = q.page_by_id(conn, page_id)
        history = q.version_lines(conn, page_id)
        if not history:
            raise NotFoundError(f"article {page_id} ({page.url}) has no stored version yet")
        b_line = _pick(history, b, page.url)
        a_line = _pick(history, a if a is not None else max(1, b_line.number - 1), page.url)
        old, new = (q.load_version(conn, page.url, line) for line in (a_line, b_line))
        stored = q.changes_for(conn, [b_line.id]) if b_line.number == a_line.number + 1 else {}
    changes = stored.get(b_line.id) if stored else None
    if changes is None:
        changes = compare_articles(old.article, new.article) if a_line != b_line else []
    return {
        "id": page_id,
        "url": page.url,
        "href": f"/articles/{page_id}",
        "title": new.article.title or page.url,
        "a": a_line.number,
        "b": b_line.number,
        "a_fetched_at": iso(a_line.fetched_at),
        "b_fetched_at": iso(b_line.fetched_at),
        "numbers": [h.number for h in history],
        "summary": summarize_changes(changes) if changes else "",
        "changes": [change_dict(c) for c in changes],
        "diff": article_diff(old.article, new.article).to_dict(),
    }


def sources_data(store: Store, limit: int = MAX_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """Followed sources with their health, oldest first, a page at a time."""
    after = int(cursor) if cursor and cursor.isdigit() else 0
    rows = [s for s in store.sources() if s.id > after]
    limit = _clamp(limit)
    page = rows[:limit]
    return {
        "items": [source_dict(s) for s in page],
        "next_cursor": str(page[-1].id) if len(rows) > limit else None,
    }


def source_dict(source: SourceRow) -> dict[str, Any]:
    """A source as JSON-ready data, with a health flag and a readable interval."""
    data = source.to_dict()
    data.pop("etag", None)
    data.pop("last_modified", None)
    data["healthy"] = source.failures == 0
    data["every"] = _interval_text(source.interval_s)
    return data


def _version_dict(page_id: int, line: q.VersionLine, changes: list[Change]) -> dict[str, Any]:
    return {
        "number": line.number,
        "fetched_at": iso(line.fetched_at),
        "title": line.title,
        "summary": summarize_changes(changes)
        if changes
        else ("first version" if line.number == 1 else "changed"),
        "changes": [change_dict(c) for c in changes],
        "href": f"/articles/{page_id}/versions/{line.number}",
    }


def _pick(history: list[q.VersionLine], number: int | None, url: str) -> q.VersionLine:
    if number is None:
        return history[-1]
    index = number - 1 if number > 0 else len(history) + number
    if number == 0 or not 0 <= index < len(history):
        raise NotFoundError(f"{url} has {len(history)} version(s); there is no version {number}")
    return history[index]


def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _interval_text(seconds: float) -> str:
    if seconds >= 86400 and seconds % 86400 == 0:
        return f"{int(seconds // 86400)} d"
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds)} s"


def unfollow(store: Store, source_id: int) -> SourceRow:
    """Stop following the source with this id; its stored articles stay."""
    match = next((s for s in store.sources() if s.id == source_id), None)
    if match is None:
        raise NotFoundError(f"there is no source {source_id}; /sources lists them")
    return store.remove_source(match.url)
