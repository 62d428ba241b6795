"""The read layer's functions as the web calls them: through the app's short-lived cache
where the answer is the same for everyone, with query parameters turned into arguments.

Pages, their ``.json`` twins and ``/api`` all come here, so they answer alike.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import Depends, Query, Request

from storyline import times
from storyline.read import articles as ra
from storyline.read import news as rn
from storyline.read import stories as rs
from storyline.read.story_index import StoryFilter, StoryIndex
from storyline.store import Store
from storyline.web.data_search import known_sites, search_data
from storyline.web.readers import current_reader


def store_of(request: Request) -> Store:
    """The app's store."""
    return cast(Store, request.app.state.store)


def articles_cached(
    request: Request,
    limit: int,
    cursor: str | None,
    changed_only: bool,
    url: str | None = None,
) -> dict[str, Any]:
    """The article list (the same for everyone), through the app's short-lived cache."""
    found: dict[str, Any] = request.app.state.cache.get(
        ("articles", limit, cursor, changed_only, url),
        lambda: ra.articles_data(store_of(request), limit, cursor, changed_only, url=url),
    )
    return found


def search_cached(
    request: Request,
    q: str,
    source: str,
    since: str,
    until: str,
    entity: str,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """``search_data`` through the app's search cache: the same search asked again within
    a few seconds, with no commit in between, is answered without running it again."""
    key = (q, source, since, until, entity, limit, cursor)
    store = store_of(request)
    sites = request.app.state.cache.get("sites", lambda: known_sites(store))
    found: dict[str, Any] = request.app.state.search_cache.get(
        key,
        lambda: search_data(store, q, source, since, until, entity, limit, cursor, sites),
    )
    return found


def story_index(request: Request) -> StoryIndex:
    """Every story's list facts, kept until the database changes."""
    index: StoryIndex = request.app.state.index_cache.get(
        "story_index", lambda: rs.story_index(store_of(request))
    )
    return index


Day = Annotated[str, Query(max_length=10, description="YYYY-MM-DD")]


def story_filter(
    min_articles: Annotated[int, Query(ge=1, le=100_000, description="At least this many")] = 2,
    min_outlets: Annotated[int, Query(ge=1, le=10_000, description="Outlets at least")] = 1,
    outlet: Annotated[str, Query(max_length=200, description="Site or outlet name")] = "",
    language: Annotated[str, Query(max_length=32)] = "",
    since: Day = "",
    until: Day = "",
    sort: Annotated[
        Literal["latest", "active", "size"],
        Query(description="latest news, most active in the latest week, or most articles"),
    ] = "latest",
) -> StoryFilter:
    """A story list's filter from its query parameters (dates as ``YYYY-MM-DD``): the
    dependency of the story list page, its JSON twin and ``/api/stories``."""
    return StoryFilter(
        min_articles=max(1, min_articles),
        min_outlets=max(1, min_outlets),
        outlet=outlet.strip(),
        language=language.strip(),
        since=times.day_bound(since, "since"),
        until=times.day_bound(until, "until", end=True),
        sort=sort or "latest",
    )


Stories = Annotated[StoryFilter, Depends(story_filter)]


def stories_cached(
    request: Request, wanted: StoryFilter, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A page of the story list, through the cache."""
    index = story_index(request)
    found: dict[str, Any] = request.app.state.list_cache.get(
        ("stories", wanted, limit, cursor),
        lambda: rs.stories_data(store_of(request), wanted, limit, cursor, index=index),
    )
    return found


def home_cached(request: Request) -> dict[str, Any]:
    """The home page's data, through the cache."""
    index = story_index(request)
    found: dict[str, Any] = request.app.state.cache.get(
        "home", lambda: rs.home_data(store_of(request), index)
    )
    return found


def news_counts(request: Request) -> dict[str, dict[int, int]] | None:
    """How many changes are new for this reader, by story and article id; None when the
    reader follows nothing (lists are then the same for everyone)."""
    reader = current_reader(request)
    if reader is None:
        return None
    store = store_of(request)
    from storyline.store.readers import has_follows

    with store.engine.connect() as conn:
        if not has_follows(conn, reader):
            return None
    counts: dict[str, dict[int, int]] = request.app.state.cache.get(
        ("news_counts", reader), lambda: rn.new_counts(store, reader)
    )
    return counts
