"""Atom feed routes: every article's changes, and one story's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storyline.web import data_stories as ds
from storyline.web.feeds_atom import ATOM_MEDIA_TYPE, render_atom
from storyline.web.updates import updates_feed

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
    feed = ds.story_feed(
        request.app.state.store, story_id, base_url(request), request.app.state.clock()
    )
    return Response(render_atom(feed), media_type=ATOM_MEDIA_TYPE)
