"""The data behind the home page and the story pages, and the story Atom feed.

Stories are threaded and stored by the stories stage (``storyline.store.stories``). Lists
read only the stories' summary columns (``queries.story_lines``) and join their pages'
latest versions, so the home page can say what changed last ("headline changed 12 min
ago") and draw each story's activity without loading every timeline.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import Connection

from storyline.errors import NotFoundError
from storyline.store import Store
from storyline.web import queries as q
from storyline.web import queries_stories as qs
from storyline.web.charts import ChartEvent, activity_counts, timeline_svg
from storyline.web.data import article_data_on, change_summary, iso, line_dict, plain, site_of
from storyline.web.feeds_atom import AtomEntry, AtomFeed
from storyline.web.templating import parse_time
from storyline.web.updates import revision_entries

HOME_STORIES = 20
HOME_ARTICLES = 15
ACTIVITY_SPAN = timedelta(days=7)


def home_data(store: Store, now: datetime) -> dict[str, Any]:
    """Developing stories, most recently changed first, and the latest changed articles."""
    stories = stories_data(store, now, HOME_STORIES)
    with store.engine.connect() as conn:
        lines, _ = q.article_lines(conn, HOME_ARTICLES)
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    return {
        "stories": stories["items"],
        "articles": [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines],
    }


def stories_data(
    store: Store, now: datetime, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """Stories by their last change, newest first, a page at a time, with activity."""
    limit = max(1, min(int(limit), 200))
    with store.engine.connect() as conn:
        stories, next_cursor = qs.story_lines(conn, limit, cursor)
        members = qs.story_members(conn, [s.id for s in stories])
        page_ids = sorted({pid for found in members.values() for pid, _ in found})
        lines, _ = q.article_lines(conn, max(1, len(page_ids)), page_ids=page_ids)
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
        times = q.version_times(conn, page_ids, now - ACTIVITY_SPAN)
    latest = {ln.page_id: ln for ln in lines}
    items = []
    for story in stories:
        mine = members.get(story.id, [])
        newest = max(
            (latest[pid] for pid, _ in mine if pid in latest),
            key=lambda ln: ln.fetched_at,
            default=None,
        )
        items.append(
            {
                "id": story.id,
                "title": story.title,
                "href": f"/stories/{story.id}",
                "article_count": story.article_count,
                "sources": sorted({site_of(url) for _, url in mine}),
                "first_seen": iso(story.first_seen),
                "last_updated": iso(story.last_updated),
                "last_change": change_summary(
                    changes.get(newest.version_id, []), newest.version_count
                )
                if newest
                else None,
                "last_change_article": newest.title if newest else None,
                "activity": activity_counts(
                    [t for pid, _ in mine for t in times.get(pid, [])], now, 28, ACTIVITY_SPAN
                ),
            }
        )
    return {"items": items, "next_cursor": next_cursor}


def story_data(store: Store, story_id: int, now: datetime) -> dict[str, Any]:
    """One story: its timeline, its articles grouped by source, and its entities."""
    if not 0 < story_id < 2**62:
        raise NotFoundError(f"there is no story {story_id}; / lists the stories")
    with store.engine.connect() as conn:  # one transaction: story, members, their lines
        found = qs.load_story(conn, story_id)
        if found is None:
            raise NotFoundError(f"there is no story {story_id}; / lists the stories")
        story, members = found
        ids = {url: pid for pid, url in members}
        lines = qs.story_article_lines(conn, story_id)
        changes = qs.story_latest_changes(conn, story_id)
    articles = [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in articles:
        groups[article["site"]].append(article)
    href_of = {url: f"/articles/{pid}" for url, pid in ids.items()}
    return {
        "id": story.id,
        "title": story.title,
        "href": f"/stories/{story.id}",
        "first_seen": iso(story.first_seen),
        "last_updated": iso(story.last_updated),
        "urls": list(story.articles),
        "articles": articles,
        "sources": [{"site": site, "articles": items} for site, items in sorted(groups.items())],
        "entities": [plain(e) for e in story.entities],
        "timeline": [{**plain(e), "href": href_of.get(e.url or "")} for e in story.timeline],
    }


def story_chart(data: dict[str, Any]) -> Markup:
    """The story's timeline as an inline SVG chart (events with a usable date)."""
    events = []
    for entry in data["timeline"]:
        moment = parse_time(_full_date(entry["date"]))
        if moment is not None:
            events.append(ChartEvent(moment, entry["kind"], entry["text"][:80]))
    return timeline_svg(events)


def article_with_story(store: Store, page_id: int, number: int | None = None) -> dict[str, Any]:
    """``data.article_data`` plus the story the article is in (None until threaded)."""
    with store.engine.connect() as conn:  # one connection and transaction for both
        data = article_data_on(conn, page_id, number)
        data["story"] = _story_link(conn, page_id)
    return data


def _story_link(conn: Connection, page_id: int) -> dict[str, Any] | None:
    """The story an article belongs to (id, title, link), or None when it has none yet."""
    found = qs.story_of_page(conn, page_id)
    if found is None:
        return None
    return {"id": found.id, "title": found.title, "href": f"/stories/{found.id}"}


def story_feed(store: Store, story_id: int, base_url: str, now: datetime) -> AtomFeed:
    """A story's feed: its articles as they arrive, and every change to them."""
    data = story_data(store, story_id, now)
    page_ids = [int(a["id"]) for a in data["articles"]]
    entries = revision_entries(store, base_url, page_ids)
    for article in data["articles"]:
        entries.append(
            AtomEntry(
                id=f"{base_url}/articles/{article['id']}/versions/1",
                title=f"New article: {article['title']}",
                updated=parse_time(article["first_seen"]) or now,
                link=f"{base_url}{article['href']}",
                summary=f"{article['site']}: {article['title']}",
                categories=("article",),
            )
        )
    entries.sort(key=lambda e: e.updated, reverse=True)
    return AtomFeed(
        id=f"{base_url}/stories/{story_id}/feed.atom",
        title=f"storyline: {data['title']}",
        subtitle="New articles in this story, and every change to them",
        self_url=f"{base_url}/stories/{story_id}/feed.atom",
        html_url=f"{base_url}/stories/{story_id}",
        updated=entries[0].updated if entries else (parse_time(data["last_updated"]) or now),
        entries=entries[:100],
    )


def _full_date(value: str) -> str:
    """ "2021" → "2021-01-01", "2021-05" → "2021-05-01": dates the chart can place."""
    value = (value or "").strip()
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01"
    if len(value) == 7 and value[:4].isdigit() and value[4] == "-":
        return f"{value}-01"
    return value
