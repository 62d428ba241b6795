"""Atom feed routes: every article's changes, one story's, and a reader's own news."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storyline.errors import NotFoundError
from storyline.store import readers
from storyline.web.feeds_atom import ATOM_MEDIA_TYPE, render_atom
from storyline.web.updates import news_feed, story_feed, updates_feed

router = APIRouter(include_in_schema=False)


def base_url(request: Request) -> str:
    """The app's own absolute address, for the feeds' ids and links."""
    return str(request.base_url).rstrip("/")


@router.get("/feeds/updates.atom")
def updates_atom(request: Request) -> Response:
    feed = updates_feed(request.app.state.store, base_url(request), request.app.state.clock())
    return Response(render_atom(feed), media_type=ATOM_MEDIA_TYPE)


@router.get("/stories/{story_id:int}/feed.atom")
def story_atom(request: Request, story_id: int) -> Response:
    feed = story_feed(
        request.app.state.store, story_id, base_url(request), request.app.state.clock()
    )
    return Response(render_atom(feed), media_type=ATOM_MEDIA_TYPE)


@router.get("/feeds/news.atom")
def news_atom(request: Request) -> Response:
    """The local reader's feed: what changed in the followed stories and articles."""
    if request.app.state.settings.reader_cookies:
        raise NotFoundError("each reader's feed has its own address: see /news")
    return _news(request, None, "/feeds/news.atom")


@router.get("/feeds/news/{token}.atom")
def reader_news_atom(request: Request, token: str) -> Response:
    """A reader's own feed on a shared server (the token from the reader's cookie)."""
    return _news(request, token, f"/feeds/news/{token}.atom")


def _news(request: Request, token: str | None, path: str) -> Response:
    state = request.app.state
    with state.store.engine.connect() as conn:
        reader = readers.find_reader(conn, token)
    if reader is None and token is not None:
        raise NotFoundError("there is no such reader's feed; follow a story first (see /news)")
    feed = news_feed(state.store, reader, base_url(request), path, state.clock())
    return Response(render_atom(feed), media_type=ATOM_MEDIA_TYPE)
