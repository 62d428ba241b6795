"""Articles, their versions and diffs as readers get them: one function per resource.

``storyline articles|versions|diff --json``, the web pages' ``.json`` twins and ``/api``
all call these, so the CLI and the web return the same objects. An article is named by
its number (the web's ``/articles/12``) or by its URL (the CLI's habit): ``find_page``
takes either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from storyline import times
from storyline.errors import NotFoundError
from storyline.model import Change
from storyline.read import queries as q
from storyline.read.shapes import change_dict, site_of, stored_article_dict
from storyline.revisions import article_diff, compare_articles
from storyline.revisions.wording import summarize_changes, version_summary
from storyline.store import Store

MAX_LIMIT = 200


def find_page(conn: Connection, ref: int | str) -> q.PageHead:
    """The page named by ``ref``: its number (``12``, ``"12"``) or its URL."""
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        return q.page_by_id(conn, int(text))
    found = q.page_by_url(conn, text)
    if found is None:
        raise NotFoundError(f"no article is stored for {text}; `storyline articles` lists them")
    return found


def page_id_of(store: Store, ref: int | str) -> int:
    """The number of the page named by ``ref`` (a number or a URL)."""
    with store.engine.connect() as conn:
        return find_page(conn, ref).id


def line_dict(line: q.ArticleLine, changes: list[Change]) -> dict[str, Any]:
    """One article in a list, as JSON-ready data."""
    return {
        "id": line.page_id,
        "url": line.url,
        "title": line.title or line.url,
        "site": site_of(line.url),
        "outlet": line.site_name or site_of(line.url),
        "source_id": line.source_id,
        "versions": line.version_count,
        "published": times.iso(line.published_at),
        "first_seen": times.iso(line.first_seen),
        "last_changed": times.iso(line.fetched_at),
        "last_change": change_summary(changes, line.version_count),
        "href": f"/articles/{line.page_id}",
    }


def change_summary(changes: list[Change], version_count: int) -> str:
    """What an article's latest version did, in words ("headline changed, update added")."""
    if version_count <= 1:
        return "first seen"
    return summarize_changes(changes) if changes else "changed"


def articles_data(
    store: Store,
    limit: int = 50,
    cursor: str | None = None,
    changed_only: bool = False,
    since: datetime | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """Articles, most recently changed first, a page at a time (``url``: just the article
    stored at that URL, when there is one)."""
    with store.engine.connect() as conn:
        if url:
            page = q.page_by_url(conn, url)
            ids = [page.id] if page else []
            lines, next_cursor = q.article_lines(conn, 1, page_ids=ids) if ids else ([], None)
        else:
            lines, next_cursor = q.article_lines(
                conn, _clamp(limit), cursor, changed_only, since=since
            )
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    return {
        "items": [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines],
        "next_cursor": next_cursor,
        "changed_only": changed_only,
        "since": times.iso(since),
        "url": url or None,
    }


def article_data(store: Store, ref: int | str, number: int | None = None) -> dict[str, Any]:
    """One article: a version (default the latest), structured, and its history."""
    with store.engine.connect() as conn:
        return article_data_on(conn, find_page(conn, ref).id, number)


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
        "outlet": article.get("site_name") or site_of(page.url),
        "href": f"/articles/{page_id}",
        "title": article["title"] or page.title or page.url,
        "version_count": len(history),
        "version": {
            "number": line.number,
            "fetched_at": times.iso(line.fetched_at),
            "content_hash": content_hash,
            "is_latest": line.number == latest,
        },
        "article": article,
        "versions": [version_dict(page_id, h, changes.get(h.id, [])) for h in reversed(history)],
        "default_a": max(1, line.number - 1),
        "default_b": line.number,
    }


def versions_data(store: Store, ref: int | str) -> dict[str, Any]:
    """An article's version history, newest first, with each version's changes."""
    with store.engine.connect() as conn:
        page = find_page(conn, ref)
        history = q.version_lines(conn, page.id)
        changes = q.changes_of_page(conn, page.id)
    return {
        "id": page.id,
        "url": page.url,
        "href": f"/articles/{page.id}",
        "items": [version_dict(page.id, h, changes.get(h.id, [])) for h in reversed(history)],
    }


def version_dict(page_id: int, line: q.VersionLine, changes: list[Change]) -> dict[str, Any]:
    """One version in a history: when, what it said, what it changed."""
    return {
        "number": line.number,
        "fetched_at": times.iso(line.fetched_at),
        "title": line.title,
        "length": line.length,
        "content_hash": line.content_hash,
        "summary": version_summary(changes, line.number),
        "changes": [change_dict(c) for c in changes],
        "href": f"/articles/{page_id}/versions/{line.number}",
    }


def diff_data(
    store: Store, ref: int | str, a: int | None = None, b: int | None = None
) -> dict[str, Any]:
    """The word-level diff between versions ``a`` and ``b`` (default: the last two), with
    the classified changes and their summary."""
    with store.engine.connect() as conn:
        page = find_page(conn, ref)
        history = q.version_lines(conn, page.id)
        if not history:
            raise NotFoundError(f"article {page.id} ({page.url}) has no stored version yet")
        b_line = _pick(history, b, page.url)
        a_line = _pick(history, a if a is not None else max(1, b_line.number - 1), page.url)
        old, new = (q.load_version(conn, page.url, line) for line in (a_line, b_line))
        stored = q.changes_for(conn, [b_line.id]) if b_line.number == a_line.number + 1 else {}
    changes = stored.get(b_line.id) if stored else None
    if changes is None:
        changes = compare_articles(old.article, new.article) if a_line != b_line else []
    return {
        "id": page.id,
        "url": page.url,
        "href": f"/articles/{page.id}",
        "title": new.article.title or page.url,
        "a": a_line.number,
        "b": b_line.number,
        "a_fetched_at": times.iso(a_line.fetched_at),
        "b_fetched_at": times.iso(b_line.fetched_at),
        "numbers": [h.number for h in history],
        "summary": summarize_changes(changes) if changes else "",
        "changes": [change_dict(c) for c in changes],
        "diff": article_diff(old.article, new.article).to_dict(),
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
