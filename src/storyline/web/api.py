"""The JSON API under ``/api``: the read layer's functions, as the pages and the CLI's
``--json`` use them, described by OpenAPI (stories and "what's new": ``api_stories``).

The data functions return JSON-ready dicts, so endpoints hand them to ``JSONResponse``
directly instead of through FastAPI's per-field encoder, which costs more than the query.

Reads that are a few indexed queries are ``async def`` and run on the event loop, as the
pages do (see ``pages``); diffs and writes run on the worker threads.

Lists are cursor-paged (``limit``, ``cursor`` → ``next_cursor``). Writes (follow,
unfollow) need ``Authorization: Bearer <STORYLINE_TOKEN>`` when a token is set, and are
refused in read-only mode. Every error has the one shape in ``errors.ERROR_SCHEMA``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from storyline.read import articles as ra
from storyline.read import sources as rsrc
from storyline.read.stories import article_with_story
from storyline.web.access import articles_cached, search_cached, store_of
from storyline.web.responses import JSONResponse
from storyline.web.security import check_write

MAX_ID = 2**62


class ErrorBody(BaseModel):
    """The one error shape of the whole API."""

    ok: bool = False
    error: str
    errors: list[str]
    status: int


class FollowRequest(BaseModel):
    """A URL to follow: a feed, sitemap, home page (its feed is found) or one article."""

    url: str = Field(
        ..., min_length=1, max_length=2048, examples=["https://example.com/news/rss.xml"]
    )
    every: float | None = Field(
        None, ge=60, le=7 * 86400, description="Seconds between visits (default: feed_interval)"
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in ((400, "Bad request"), (404, "Not found"), (500, "Server error"))
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the last page")]
Number = Annotated[int | None, Query(ge=-10_000, le=10_000, description="Version number")]


@router.get("/articles", summary="Articles (latest version of each page), newest change first")
async def api_articles(
    request: Request,
    limit: Limit = 50,
    cursor: Cursor = None,
    changed_only: bool = False,
    url: Annotated[
        str, Query(max_length=2048, description="Only the article stored at this URL")
    ] = "",
) -> JSONResponse:
    return JSONResponse(articles_cached(request, limit, cursor, changed_only, url or None))


@router.get("/articles/{page_id}", summary="One article: current version, structured, and history")
async def api_article(request: Request, page_id: Id) -> JSONResponse:
    return JSONResponse(article_with_story(store_of(request), page_id))


@router.get("/articles/{page_id}/versions", summary="An article's versions with their changes")
async def api_versions(request: Request, page_id: Id) -> JSONResponse:
    return JSONResponse(ra.versions_data(store_of(request), page_id))


@router.get("/articles/{page_id}/versions/{number}", summary="One version of an article")
async def api_version(
    request: Request, page_id: Id, number: Annotated[int, Path(ge=-10_000, le=10_000)]
) -> JSONResponse:
    return JSONResponse(article_with_story(store_of(request), page_id, number))


@router.get("/articles/{page_id}/diff", summary="Word-level diff between two versions")
def api_diff(request: Request, page_id: Id, a: Number = None, b: Number = None) -> JSONResponse:
    return JSONResponse(ra.diff_data(store_of(request), page_id, a, b))


@router.get("/sources", summary="Followed feeds and pages with their health")
def api_sources(request: Request, limit: Limit = 200, cursor: Cursor = None) -> JSONResponse:
    return JSONResponse(rsrc.sources_data(store_of(request), limit, cursor))


@router.post(
    "/sources",
    status_code=201,
    summary="Follow a URL",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 502: {"model": ErrorBody}},
)
def api_follow(request: Request, body: FollowRequest) -> JSONResponse:
    check_write(request.app.state.policy, request)
    source = request.app.state.follow(body.url, body.every)
    return JSONResponse(rsrc.source_dict(source), status_code=201)


@router.delete(
    "/sources/{source_id}",
    summary="Stop following a source",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
def api_unfollow(request: Request, source_id: Id) -> JSONResponse:
    check_write(request.app.state.policy, request)
    return JSONResponse(rsrc.source_dict(rsrc.unfollow(store_of(request), source_id)))


@router.get("/search", summary="Full-text search over articles, with filters")
async def api_search(
    request: Request,
    q: Annotated[str, Query(max_length=500, description="Words to find")] = "",
    source: Annotated[str, Query(max_length=200, description="Site")] = "",
    since: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    until: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")] = "",
    entity: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Cursor = None,
) -> JSONResponse:
    return JSONResponse(search_cached(request, q, source, since, until, entity, limit, cursor))
