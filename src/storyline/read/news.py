"""What's new since I last looked: for each story and article a reader follows, the new
articles and the changes that matter (headline changes, updates, corrections, factual
changes) since the reader last opened it.

``storyline news --json``, ``/news.json`` and ``/api/news`` return ``news_data``; the
personal Atom feed lists the same entries since each follow began (a feed reader keeps
its own read state). Other edits (wording, sentences added or moved) are counted apart as
``edits``: they are in the diff, but they are not news.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from storyline import times
from storyline.read import queries as q
from storyline.read import queries_stories as qs
from storyline.read.shapes import change_dict, site_of
from storyline.revisions.wording import NOTABLE_KINDS, count_words
from storyline.store import Store, schema
from storyline.store.readers import Follow, follows

_v = schema.versions


@dataclass(frozen=True)
class _Version:
    id: int
    page_id: int
    number: int
    fetched_at: datetime
    title: str | None


def news_data(store: Store, reader: int | None) -> dict[str, Any]:
    """Every followed story and article with what is new in it since the reader's last
    visit, those with news first (``reader`` None: someone who follows nothing yet)."""
    if reader is None:
        return {"items": [], "new_count": 0, "summary": "nothing followed yet", "following": ""}
    with store.engine.connect() as conn:
        items = _followed(conn, follows(conn, reader), lambda f: f.seen_at)
    items.sort(key=lambda i: (i["new_count"] > 0, i["latest_at"] or ""), reverse=True)
    total = sum(i["new_count"] for i in items)
    kinds = [i["kind"] for i in items]
    followed = [
        count_words(kinds.count("story"), "story", "stories") if "story" in kinds else "",
        count_words(kinds.count("article"), "article") if "article" in kinds else "",
    ]
    return {
        "items": items,
        "new_count": total,
        "summary": count_words(total, "new change") if items else "nothing followed yet",
        "following": " and ".join(f for f in followed if f),
    }


def feed_entries(store: Store, reader: int, limit: int = 100) -> list[dict[str, Any]]:
    """What the personal feed lists: every new article and change that matters in what
    the reader follows since each follow began, newest first."""
    with store.engine.connect() as conn:
        items = _followed(conn, follows(conn, reader), lambda f: f.followed_at)
    entries = [
        {**entry, "followed": {"kind": i["kind"], "title": i["title"], "href": i["href"]}}
        for i in items
        for entry in i["entries"]
    ]
    entries.sort(key=lambda e: e["at"] or "", reverse=True)
    return entries[:limit]


def new_counts(store: Store, reader: int) -> dict[str, dict[int, int]]:
    """How many changes are new, by story id and by article id, for badges on lists."""
    data = news_data(store, reader)
    found: dict[str, dict[int, int]] = {"story": {}, "article": {}}
    for item in data["items"]:
        if item["id"] is not None:
            found[item["kind"]][item["id"]] = item["new_count"]
    return found


def _followed(
    conn: Connection, found: list[Follow], since_of: Callable[[Follow], datetime]
) -> list[dict[str, Any]]:
    targets = [(f, _target(conn, f)) for f in found]
    pages = sorted({pid for _, (_, _, members) in targets for pid in members})
    versions = _versions(conn, pages, min((since_of(f) for f in found), default=None))
    lines = {ln.page_id: ln for ln in q.article_lines(conn, max(1, len(pages)), page_ids=pages)[0]}
    changes = q.changes_for(conn, [v.id for vs in versions.values() for v in vs if v.number > 1])
    items = []
    for follow, (story_id, title, members) in targets:
        since = since_of(follow)
        entries, edits = _entries(follow, members, since, versions, lines, changes)
        notable = len(entries)
        items.append(
            {
                "kind": follow.kind,
                "id": story_id if follow.kind == "story" else follow.page_id,
                "page_id": follow.page_id,
                "title": title,
                "href": _href(follow, story_id),
                "followed_at": times.iso(follow.followed_at),
                "seen_at": times.iso(follow.seen_at),
                "new_count": notable,
                "edits": edits,
                "summary": _summary(notable, edits),
                "latest_at": entries[0]["at"] if entries else None,
                "entries": entries,
            }
        )
    return items


def _target(conn: Connection, follow: Follow) -> tuple[int | None, str, list[int]]:
    """(story id, title, page ids) of what a follow points at now."""
    if follow.kind == "story":
        story = qs.story_of_page(conn, follow.page_id)
        if story is not None:
            found = qs.load_story(conn, story.id)
            members = [pid for pid, _ in found.members] if found else [follow.page_id]
            return story.id, story.title, members
    page = q.page_by_id(conn, follow.page_id)
    return None, page.title or page.url, [follow.page_id]


def _href(follow: Follow, story_id: int | None) -> str:
    if follow.kind == "story" and story_id is not None:
        return f"/stories/{story_id}"
    return f"/articles/{follow.page_id}"


def _versions(
    conn: Connection, pages: list[int], since: datetime | None
) -> dict[int, list[_Version]]:
    """Every version of these pages, numbered; only pages that changed after ``since``."""
    found: dict[int, list[_Version]] = defaultdict(list)
    if not pages or since is None:
        return found
    changed = set(
        conn.execute(
            select(_v.c.page_id).where(_v.c.page_id.in_(pages), _v.c.fetched_at > since)
        ).scalars()
    )
    if not changed:
        return found
    rows = conn.execute(
        select(_v.c.id, _v.c.page_id, _v.c.fetched_at, _v.c.title)
        .where(_v.c.page_id.in_(sorted(changed)))
        .order_by(_v.c.page_id, _v.c.fetched_at, _v.c.content_hash)
    ).all()
    for r in rows:
        mine = found[r.page_id]
        mine.append(_Version(r.id, r.page_id, len(mine) + 1, r.fetched_at, r.title))
    return found


def _entries(
    follow: Follow,
    members: list[int],
    since: datetime,
    versions: dict[int, list[_Version]],
    lines: dict[int, q.ArticleLine],
    changes: dict[int, list[Any]],
) -> tuple[list[dict[str, Any]], int]:
    """The new articles and notable changes after ``since``, newest first, and how many
    other edits there were."""
    entries: list[dict[str, Any]] = []
    edits = 0
    for page_id in members:
        line = lines.get(page_id)
        article = _article(page_id, line)
        for version in versions.get(page_id, []):
            if version.fetched_at <= since:
                continue
            if version.number == 1:
                if follow.kind == "story" and page_id != follow.page_id:
                    entries.append(_entry("new_article", "New article", version, article))
                continue
            found = changes.get(version.id, [])
            for change in found:
                if change.kind in NOTABLE_KINDS:
                    entries.append(
                        {**_entry(change.kind, "", version, article), **change_dict(change)}
                    )
                else:
                    edits += 1
    entries.sort(key=lambda e: (e["at"] or "", e["article"]["id"]), reverse=True)
    return entries, edits


def _article(page_id: int, line: q.ArticleLine | None) -> dict[str, Any]:
    if line is None:
        return {"id": page_id, "title": None, "href": f"/articles/{page_id}", "outlet": None}
    return {
        "id": page_id,
        "title": line.title or line.url,
        "href": f"/articles/{page_id}",
        "outlet": line.site_name or site_of(line.url),
    }


def _entry(kind: str, label: str, version: _Version, article: dict[str, Any]) -> dict[str, Any]:
    number = version.number
    diff = f"/articles/{version.page_id}/diff?a={number - 1}&b={number}" if number > 1 else None
    return {
        "kind": kind,
        "label": label,
        "at": times.iso(version.fetched_at),
        "version": number,
        "article": article,
        "href": diff or article["href"],
    }


def _summary(notable: int, edits: int) -> str:
    """ "2 new changes, 3 other edits", "no new changes"."""
    if not notable and not edits:
        return "no new changes"
    parts = [count_words(notable, "new change")] if notable else ["no new changes"]
    if edits:
        parts.append(count_words(edits, "other edit"))
    return ", ".join(parts)


def describe(entry: dict[str, Any]) -> str:
    """One entry as a line: "Headline changed: UPDATE: Danish troops leaving Mali"."""
    text = entry.get("after") or entry.get("before") or entry["article"]["title"] or ""
    return f"{entry['label']}: {' '.join(str(text).split())[:200]}"


__all__ = ["describe", "feed_entries", "new_counts", "news_data"]
