"""The stories part of ``/api``: story lists and stories, and "what's new since I last
looked" (``/api/news``, ``/api/follows``) for the reader making the request.

Reads are ``async def`` like the rest of the API's quick reads. Following is a write of
the reader's own: refused in read-only mode; with one shared reader and a token set it
needs the token like any write; with ``reader_cookies`` each client is its own reader
(its ``storyline_reader`` cookie or ``X-Storyline-Reader`` header; a new reader's token
is returned in the answer and set as a cookie).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from storyline.read import news as rn
from storyline.read.stories import story_data
from storyline.store import readers
from storyline.web.access import Stories, store_of, stories_cached
from storyline.web.api import _ERRORS, MAX_ID, Cursor, ErrorBody, Id
from storyline.web.readers import current_reader, reader_for_write, remember_reader
from storyline.web.responses import JSONResponse
from storyline.web.security import check_write

router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)


class FollowBody(BaseModel):
    """A story or an article to follow, by its number (a story: any of its articles
    would do too, as ``page_id``)."""

    kind: Literal["story", "article"]
    id: int = Field(..., ge=1, le=MAX_ID, description="The story's or the article's number")


@router.get("/stories", summary="Stories, the latest news first, with filters and counts")
async def api_stories(
    request: Request,
    wanted: Stories,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 20,
    cursor: Cursor = None,
) -> JSONResponse:
    return JSONResponse(stories_cached(request, wanted, limit, cursor))


@router.get("/stories/{story_id}", summary="One story: timeline by day, articles by outlet")
async def api_story(request: Request, story_id: Id) -> JSONResponse:
    return JSONResponse(story_data(store_of(request), story_id))


@router.get("/news", summary="What changed in the followed stories and articles since last seen")
async def api_news(request: Request) -> JSONResponse:
    return JSONResponse(rn.news_data(store_of(request), current_reader(request)))


@router.post(
    "/follows",
    status_code=201,
    summary="Follow a story or an article",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
def api_follow(request: Request, body: FollowBody) -> JSONResponse:
    reader = _writer(request)
    page = _anchor(request, body.kind, body.id)
    state = request.app.state
    added = readers.follow(state.store, reader, body.kind, page, state.clock())
    answer = {"kind": body.kind, "id": body.id, "page_id": page, "added": added}
    token = getattr(request.state, "new_reader_token", None)
    if token:
        answer["reader_token"] = token
    return remember_reader(request, JSONResponse(answer, status_code=201 if added else 200))  # type: ignore[return-value]


@router.delete(
    "/follows/{kind}/{item_id}",
    summary="Stop following a story or an article",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
def api_unfollow(request: Request, kind: Literal["story", "article"], item_id: Id) -> JSONResponse:
    reader = _writer(request)
    store = store_of(request)
    pages = (
        [a["id"] for a in story_data(store, item_id)["articles"]] if kind == "story" else [item_id]
    )
    removed = readers.unfollow(store, reader, kind, pages)
    return JSONResponse({"kind": kind, "id": item_id, "removed": removed})


@router.post("/news/seen", summary="Mark everything followed as seen now")
def api_seen(request: Request) -> JSONResponse:
    reader = _writer(request)
    marked = readers.mark_seen(store_of(request), reader, request.app.state.clock())
    return JSONResponse({"marked": marked})


def _writer(request: Request) -> int:
    state = request.app.state
    if state.policy.token and not state.settings.reader_cookies:
        check_write(state.policy, request)
    return reader_for_write(request)


def _anchor(request: Request, kind: str, item_id: int) -> int:
    """The article a follow is kept by: the article itself, or the story's first."""
    if kind == "article":
        return item_id
    pages = [int(a["id"]) for a in story_data(store_of(request), item_id)["articles"]]
    return min(pages)
