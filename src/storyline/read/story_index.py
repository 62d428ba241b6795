"""Every story with what lists sort and filter it by: its news period, outlets, languages.

A story's place in a list is its **last real news activity**: the newest publication or
revision among its articles, not when storyline fetched them (an archive ingested today
is not news of today). Per article:

- it appeared at its publication time (``page_facts.published_at``), unless that is
  missing or later than first sight (a wrong date), when first sight stands in;
- it was last active at its newest version's time if it has been revised, else when it
  appeared.

A story's news period runs from its first appearance to its last activity. The index
holds that for every story (one query over the threaded pages, about 20 ms for 10,000:
the web app keeps it until the database changes); lists filter, sort and page it in
memory, which also gives their counts ("20 of 406").
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from storyline import times
from storyline.errors import InputError
from storyline.read import queries_stories as qs
from storyline.read.queries import utc
from storyline.read.shapes import site_of

ACTIVE_SPAN = timedelta(days=7)
SORTS = ("latest", "active", "size")
MAX_LISTS = 512  # filtered lists kept with an index
_PUBLISHED_SLACK = timedelta(days=1)  # a date "published" after first sight is wrong


@dataclass(frozen=True)
class IndexedStory:
    """One story as lists see it."""

    id: int
    title: str
    article_count: int
    first_seen: datetime | None
    last_updated: datetime | None
    sites: tuple[str, ...]  # hosts, the most articles first
    languages: frozenset[str]
    first_news_at: datetime
    last_news_at: datetime
    active: int  # articles that appeared or changed in the store's latest week of news
    pages: tuple[int, ...]
    newest_page: int  # the article whose latest version is the newest
    moments: tuple[datetime, ...]  # when its articles appeared, and last changed
    keys: frozenset[str] = frozenset()  # what an outlet filter matches: hosts and names


@dataclass
class StoryIndex:
    """Every story, and the names and counts lists offer as filters."""

    stories: list[IndexedStory]
    outlet_names: dict[str, str]  # host → the outlet's own name
    newest: datetime | None
    outlets: list[tuple[str, int]] = field(default_factory=list)  # (host, stories)
    languages: list[tuple[str, int]] = field(default_factory=list)
    _orders: dict[str, list[IndexedStory]] = field(default_factory=dict, repr=False)
    memo: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)
    lists: dict[StoryFilter, list[IndexedStory]] = field(default_factory=dict, repr=False)

    def name(self, site: str) -> str:
        """An outlet's name: the one its pages give most often, else the host."""
        return self.outlet_names.get(site, site)

    def ordered(self, sort: str) -> list[IndexedStory]:
        """Every story in the order ``sort`` lists them, sorted once per index."""
        found = self._orders.get(sort)
        if found is None:
            found = sorted(self.stories, key=lambda s: sort_key(s, sort), reverse=True)
            self._orders[sort] = found
        return found


@dataclass(frozen=True)
class StoryFilter:
    """What a story list shows: by default stories of two articles or more."""

    min_articles: int = 2
    min_outlets: int = 1
    outlet: str = ""
    language: str = ""
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "latest"

    def as_dict(self) -> dict[str, Any]:
        """The filter as JSON (echoed in list answers)."""
        return {
            "min_articles": self.min_articles,
            "min_outlets": self.min_outlets,
            "outlet": self.outlet or None,
            "language": self.language or None,
            "since": times.iso(self.since),
            "until": times.iso(self.until),
            "sort": self.sort,
        }


@dataclass
class _Page:
    first_news: datetime
    last_news: datetime
    site: str
    language: str | None
    fetched: datetime | None
    revised: bool


def build_index(conn: Connection) -> StoryIndex:
    """The index of every stored story (see module)."""
    lines = {line.id: line for line in qs.all_story_lines(conn)}
    pages: dict[int, list[tuple[int, _Page]]] = {}
    names: dict[str, Counter[str]] = {}
    for row in qs.index_rows(conn):
        page = _page(row)
        pages.setdefault(row.story_id, []).append((row.id, page))
        if row.site_name:
            names.setdefault(page.site, Counter())[row.site_name.strip()] += 1
    newest = max((p.last_news for found in pages.values() for _, p in found), default=None)
    outlet_names = {site: counts.most_common(1)[0][0] for site, counts in names.items()}
    stories = [
        _story(lines[story_id], found, newest, outlet_names)
        for story_id, found in pages.items()
        if story_id in lines
    ]
    outlets: Counter[str] = Counter(site for s in stories for site in s.sites)
    languages: Counter[str] = Counter(lang for s in stories for lang in s.languages)
    return StoryIndex(stories, outlet_names, newest, outlets.most_common(), languages.most_common())


def _page(row: Any) -> _Page:
    published = utc(row.published_at) if row.published_at is not None else None
    fetched = utc(row.fetched_at) if row.fetched_at is not None else None
    appeared, last = news_times(utc(row.first_seen), published, row.version_count, fetched)
    revised = row.version_count > 1
    language = (row.language or "").strip().lower() or None
    return _Page(appeared, last, site_of(row.url), language, fetched, revised)


def news_times(
    first_seen: datetime, published: datetime | None, version_count: int, latest: datetime | None
) -> tuple[datetime, datetime]:
    """When an article appeared and when it was last active (see module)."""
    appeared = first_seen
    if published is not None and published <= first_seen + _PUBLISHED_SLACK:
        appeared = min(published, first_seen)
    last = appeared
    if version_count > 1 and latest is not None:
        last = max(appeared, latest)
    return appeared, last


def _story(
    line: qs.StoryLine, found: list[tuple[int, _Page]], newest: Any, names: dict[str, str]
) -> IndexedStory:
    sites = Counter(page.site for _, page in found)
    since = newest - ACTIVE_SPAN if newest else None
    latest = max(found, key=lambda f: (f[1].fetched or f[1].last_news, f[0]))
    moments = [p.first_news for _, p in found] + [p.last_news for _, p in found if p.revised]
    keys = {site.casefold() for site in sites} | {names[s].casefold() for s in sites if s in names}
    return IndexedStory(
        id=line.id,
        title=line.title,
        article_count=line.article_count,
        first_seen=line.first_seen,
        last_updated=line.last_updated,
        sites=tuple(site for site, _ in sorted(sites.items(), key=lambda kv: (-kv[1], kv[0]))),
        languages=frozenset(p.language for _, p in found if p.language),
        first_news_at=min(p.first_news for _, p in found),
        last_news_at=max(p.last_news for _, p in found),
        active=sum(1 for _, p in found if since is not None and p.last_news >= since),
        pages=tuple(page_id for page_id, _ in found),
        newest_page=latest[0],
        moments=tuple(sorted(moments)),
        keys=frozenset(keys),
    )


def select_stories(index: StoryIndex, wanted: StoryFilter) -> list[IndexedStory]:
    """The stories ``wanted`` lets through, in its order (kept with the index: lists
    are paged through, and asked for again by many)."""
    if wanted.sort not in SORTS:
        raise InputError(f"sort={wanted.sort!r}: sort by one of {', '.join(SORTS)}")
    found: list[IndexedStory] | None = index.lists.get(wanted)
    if found is None:
        if len(index.lists) >= MAX_LISTS:
            index.lists.clear()
        found = index.lists[wanted] = _select(index, wanted)
    return found


def _select(index: StoryIndex, wanted: StoryFilter) -> list[IndexedStory]:
    found = index.ordered(wanted.sort)
    size, outlets = wanted.min_articles, wanted.min_outlets
    if size > 1 or outlets > 1:
        found = [s for s in found if s.article_count >= size and len(s.sites) >= outlets]
    outlet = wanted.outlet.strip().casefold()
    if outlet:
        found = [s for s in found if outlet in s.keys]
    language = wanted.language.strip().lower()
    if language:
        found = [s for s in found if language in s.languages]
    since, until = wanted.since, wanted.until
    if since is not None:
        found = [s for s in found if s.last_news_at >= since]
    if until is not None:
        found = [s for s in found if s.first_news_at <= until]
    return found


def sort_key(story: IndexedStory, sort: str) -> tuple[float, ...]:
    """The key a list sorts by, newest (or biggest, or busiest) first; ties by id."""
    last = story.last_news_at.timestamp()
    if sort == "size":
        return (story.article_count, last, story.id)
    if sort == "active":
        return (story.active, last, story.id)
    return (last, story.id)


def page_of(
    found: list[IndexedStory], sort: str, limit: int, cursor: str | None
) -> tuple[int, list[IndexedStory], str | None]:
    """(offset, the ``limit`` stories after ``cursor``, the next cursor or None).

    The cursor holds the last story's sort key, so a page stays put while stories are
    added before it (keyset paging over the index)."""
    start = 0
    if cursor:
        after = decode_cursor(cursor, sort)
        start = next((i for i, s in enumerate(found) if sort_key(s, sort) < after), len(found))
    chosen = found[start : start + limit]
    more = start + limit < len(found) and chosen
    return start, chosen, encode_cursor(sort, sort_key(chosen[-1], sort)) if more else None


def encode_cursor(sort: str, key: tuple[float, ...]) -> str:
    """An opaque cursor: the sort and the key of the last story handed out."""
    raw = json.dumps([sort, *key], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[float, ...]:
    """Undo ``encode_cursor``; a cursor of another sort, or none of ours, is an error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        data = json.loads(raw)
        if not isinstance(data, list) or data[0] != sort or len(data) < 3:
            raise ValueError(cursor)
        return tuple(float(v) for v in data[1:])
    except (ValueError, UnicodeDecodeError, TypeError, IndexError) as exc:
        raise InputError(
            f"cursor {cursor[:40]!r} was not handed out for this list; start again without a cursor"
        ) from exc
