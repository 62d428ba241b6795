"""Stories as readers get them: the list (filtered, sorted, paged, counted), one story,
and the home page's selection. One function per resource, plain dicts out.

``storyline stories|story --json``, ``/stories.json`` and ``/api/stories`` return what
these return. Lists work on the story index (``story_index``); a caller that keeps one
(the web app, until the database changes) passes it in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from storyline import times
from storyline.errors import NotFoundError
from storyline.read import queries as q
from storyline.read import queries_stories as qs
from storyline.read.articles import article_data_on, change_summary, line_dict
from storyline.read.story_index import (
    IndexedStory,
    StoryFilter,
    StoryIndex,
    build_index,
    page_of,
    select_stories,
)
from storyline.read.timeline import story_timeline
from storyline.store import Store
from storyline.store.story_edits import edits_of_story

HOME_STORIES = 12
HOME_ARTICLES = 15
MAX_LIMIT = 200
ACTIVITY_BUCKETS = 24
IndexSource = Callable[[], StoryIndex]


def story_index(store: Store) -> StoryIndex:
    """The index of every story, read now."""
    with store.engine.connect() as conn:
        return build_index(conn)


def stories_data(
    store: Store,
    wanted: StoryFilter | None = None,
    limit: int = 20,
    cursor: str | None = None,
    index: StoryIndex | None = None,
) -> dict[str, Any]:
    """A page of the stories ``wanted`` lets through (default: two articles or more, the
    latest news first), with how many match and how many there are in all."""
    wanted = wanted or StoryFilter()
    index = index if index is not None else story_index(store)
    limit = max(1, min(int(limit), MAX_LIMIT))
    found = select_stories(index, wanted)
    offset, chosen, next_cursor = page_of(found, wanted.sort, limit, cursor)
    with store.engine.connect() as conn:
        items = story_items(conn, chosen, index)
    return {
        "items": items,
        "offset": offset,
        "total": len(found),
        "all": len(index.stories),
        "next_cursor": next_cursor,
        "filters": wanted.as_dict(),
        "choices": {
            "outlets": [
                {"site": site, "name": index.name(site), "stories": n}
                for site, n in index.outlets[:100]
            ],
            "languages": [{"language": lang, "stories": n} for lang, n in index.languages],
        },
    }


def story_items(
    conn: Connection, chosen: list[IndexedStory], index: StoryIndex
) -> list[dict[str, Any]]:
    """The list entries of ``chosen``: counts, outlets, news period, the last change and
    the activity over the story's own period (from the index: one query for the newest
    article of each)."""
    page_ids = sorted({story.newest_page for story in chosen})
    lines, _ = q.article_lines(conn, max(1, len(page_ids)), page_ids=page_ids)
    changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    latest = {ln.page_id: ln for ln in lines}
    items = []
    for story in chosen:
        item = index.memo.get(("item", story.id))
        if item is None:  # what never changes while the index stands: made once
            item = index.memo[("item", story.id)] = _static_item(story, index)
        items.append({**item, "last_change": _last_change(latest.get(story.newest_page), changes)})
    return items


def _static_item(story: IndexedStory, index: StoryIndex) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "href": f"/stories/{story.id}",
        "article_count": story.article_count,
        "outlet_count": len(story.sites),
        "outlets": [index.name(site) for site in story.sites],
        "sites": list(story.sites),
        "languages": sorted(story.languages),
        "first_news_at": times.iso(story.first_news_at),
        "last_news_at": times.iso(story.last_news_at),
        "first_seen": times.iso(story.first_seen),
        "last_updated": times.iso(story.last_updated),
        "last_change": None,
        "activity": activity(story.moments, story.first_news_at, story.last_news_at),
    }


def _last_change(line: q.ArticleLine | None, changes: dict[int, Any]) -> dict[str, Any] | None:
    if line is None:
        return None
    summary = change_summary(changes.get(line.version_id, []), line.version_count)
    return {
        "summary": "new article" if line.version_count <= 1 else summary,
        "at": times.iso(line.fetched_at),
        "article": {"id": line.page_id, "title": line.title or line.url},
        "href": f"/articles/{line.page_id}",
    }


def activity(moments: Sequence[datetime], start: datetime, end: datetime) -> dict[str, Any]:
    """How many articles appeared or changed in each of ``ACTIVITY_BUCKETS`` equal slices
    of the story's own news period (a story of one moment is one bar)."""
    span = (end - start).total_seconds()
    buckets = ACTIVITY_BUCKETS if span > 0 else 1
    counts = [0] * buckets
    for moment in moments:
        if start <= moment <= end:
            at = 0 if span <= 0 else int((moment - start).total_seconds() / span * buckets)
            counts[min(at, buckets - 1)] += 1
    return {"from": times.iso(start), "to": times.iso(end), "counts": counts}


def home_data(store: Store, index: StoryIndex | None = None) -> dict[str, Any]:
    """The most active stories covered by several outlets (when no story has several
    outlets yet: of two articles or more; when none has, any), and the latest changed
    articles."""
    index = index if index is not None else story_index(store)
    choices = (
        StoryFilter(min_outlets=2, sort="active"),
        StoryFilter(sort="active"),
        StoryFilter(min_articles=1, sort="active"),
    )
    wanted = next((f for f in choices if select_stories(index, f)), choices[0])
    stories = stories_data(store, wanted, HOME_STORIES, index=index)
    with store.engine.connect() as conn:
        lines, _ = q.article_lines(conn, HOME_ARTICLES)
        changes = q.changes_for(conn, [ln.version_id for ln in lines if ln.version_count > 1])
    return {
        "stories": stories["items"],
        "story_counts": {
            "shown": len(stories["items"]),
            "matching": stories["total"],
            "all": stories["all"],
        },
        "filters": stories["filters"],
        "articles": [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines],
    }


def story_data(store: Store, story_id: int) -> dict[str, Any]:
    """One story: its timeline by day, its articles by outlet, and its entities."""
    if not 0 < story_id < 2**62:
        raise NotFoundError(f"there is no story {story_id}; /stories lists the stories")
    with store.engine.connect() as conn:  # one transaction: story, members, their lines
        found = qs.load_story(conn, story_id)
        if found is None:
            raise NotFoundError(f"there is no story {story_id}; /stories lists the stories")
        lines = qs.story_article_lines(conn, story_id)
        changes = qs.story_latest_changes(conn, story_id)
        edited = edits_of_story(conn, story_id)
    articles = [line_dict(ln, changes.get(ln.version_id, [])) for ln in lines]
    outlets = _outlet_names(articles)
    for article in articles:
        article["outlet"] = outlets[article["site"]]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in articles:
        groups[article["site"]].append(article)
    story = found.line
    ids = {url: pid for pid, url in found.members}
    timeline = story_timeline(found.timeline, ids, outlets, lines)
    return {
        "id": story.id,
        "title": story.title,
        "href": f"/stories/{story.id}",
        "article_count": story.article_count,
        "first_seen": times.iso(story.first_seen),
        "last_updated": times.iso(story.last_updated),
        "urls": [url for _, url in found.members],
        "articles": articles,
        "sources": [
            {"site": site, "name": outlets[site], "articles": items}
            for site, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "entities": found.entities,
        "edits": edited,
        **timeline,
    }


def _outlet_names(articles: list[dict[str, Any]]) -> dict[str, str]:
    """Each host's outlet name: the name its articles give most often, else the host."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article in articles:
        counts[article["site"]][article["outlet"]] += 1
    names = {}
    for site, found in counts.items():
        named = {k: v for k, v in found.items() if k != site} or found
        names[site] = max(sorted(named), key=named.__getitem__)
    return names


def article_with_story(store: Store, ref: int | str, number: int | None = None) -> dict[str, Any]:
    """``articles.article_data`` plus the story the article is in (None until threaded)."""
    from storyline.read.articles import find_page

    with store.engine.connect() as conn:  # one connection and transaction for both
        page_id = ref if isinstance(ref, int) else find_page(conn, ref).id
        data = article_data_on(conn, page_id, number)
        data["story"] = _story_link(conn, page_id)
    return data


def _story_link(conn: Connection, page_id: int) -> dict[str, Any] | None:
    """The story an article belongs to (id, title, link), or None when it has none yet."""
    found = qs.story_of_page(conn, page_id)
    if found is None:
        return None
    return {"id": found.id, "title": found.title, "href": f"/stories/{found.id}"}
