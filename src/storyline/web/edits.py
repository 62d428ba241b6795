"""Editing stories from the web: split, merge, move an article, rename, reset; the API's
``/api/stories/{id}/...`` and ``/api/articles/{id}/move``, and the story page's form.

Edits change the store's stories for everyone, so they are writes like following a
source: refused in read-only mode, and needing the token when one is set (the form has a
token field then). The edits themselves are ``storyline.pipeline.story_edits``; they outlast
``rethread``.
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from storyline.config import Settings
from storyline.errors import InputError
from storyline.store import Store
from storyline.store.story_edits import MAX_TITLE
from storyline.web.api import _ERRORS, MAX_ID, ErrorBody, Id
from storyline.web.responses import JSONResponse
from storyline.web.security import check_csrf, check_write

if TYPE_CHECKING:
    from storyline.stories.threading import ThreadingOptions

router = APIRouter(tags=["api"])
_WRITE = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, **_ERRORS}
StoryNumber = Annotated[int, Field(ge=1, le=MAX_ID)]


class RenameBody(BaseModel):
    """The story's new title."""

    title: str = Field(..., min_length=1, max_length=MAX_TITLE)


class MergeBody(BaseModel):
    """The story to merge this one into."""

    into: StoryNumber


class SplitBody(BaseModel):
    """The articles (numbers) to take out into a story of their own."""

    articles: list[StoryNumber] = Field(..., min_length=1, max_length=1000)


class MoveBody(BaseModel):
    """The story to move the article into; none: a story of its own."""

    story: StoryNumber | None = None


def _edit(request: Request) -> tuple[Store, datetime]:
    check_write(request.app.state.policy, request)
    return request.app.state.store, request.app.state.clock()


def _answer(story_id: int) -> JSONResponse:
    return JSONResponse({"story": story_id, "href": f"/stories/{story_id}"})


@router.post("/api/stories/{story_id}/rename", summary="Rename a story", responses=_WRITE)
def api_rename(request: Request, story_id: Id, body: RenameBody) -> JSONResponse:
    store, now = _edit(request)
    _edits().rename(store, story_id, body.title, now)
    return _answer(story_id)


@router.post(
    "/api/stories/{story_id}/merge", summary="Merge a story into another", responses=_WRITE
)
def api_merge(request: Request, story_id: Id, body: MergeBody) -> JSONResponse:
    store, now = _edit(request)
    return _answer(_edits().merge(store, story_id, body.into, now))


@router.post(
    "/api/stories/{story_id}/split",
    summary="Take articles out of a story into a story of their own",
    responses=_WRITE,
)
def api_split(request: Request, story_id: Id, body: SplitBody) -> JSONResponse:
    store, now = _edit(request)
    return _answer(_edits().split(store, story_id, body.articles, now))


@router.post(
    "/api/articles/{page_id}/move",
    summary="Move an article into another story, or into one of its own",
    responses=_WRITE,
)
def api_move(request: Request, page_id: Id, body: MoveBody) -> JSONResponse:
    store, now = _edit(request)
    return _answer(_edits().move(store, page_id, body.story, now))


@router.post(
    "/api/stories/{story_id}/reset",
    summary="Forget the edits of a story's articles",
    responses=_WRITE,
)
def api_reset(request: Request, story_id: Id) -> JSONResponse:
    store, _ = _edit(request)
    forgotten = _edits().reset(store, story_id, threading_options(request.app.state.settings))
    return JSONResponse({"story": story_id, "forgotten": forgotten})


def threading_options(settings: Settings) -> ThreadingOptions:
    """The threader's options as the settings give them (a reset asks the threader)."""
    from storyline.pipeline.stories import threading_options as of_settings

    return of_settings(settings)


def _edits() -> ModuleType:
    """The edits (``pipeline.story_edits``), imported on the first edit: the pipeline
    and the stories stage are not needed to serve pages."""
    from storyline.pipeline import story_edits

    return story_edits


@router.post("/stories/{story_id:int}/edit", include_in_schema=False)
def edit_form(
    request: Request,
    story_id: int,
    action: str = Form(""),
    title: str = Form(""),
    into: str = Form(""),
    articles: list[int] = Form(default=[]),  # noqa: B008  (FastAPI's way to declare it)
    csrf_token: str = Form(""),
    token: str = Form(""),
) -> Response:
    """The story page's edit form: one action, then back to the story it leads to."""
    check_write(request.app.state.policy, request, token)
    check_csrf(request, csrf_token)
    store, now = request.app.state.store, request.app.state.clock()
    target = _form_action(request, store, now, story_id, action, title, into, articles)
    return RedirectResponse(f"/stories/{target}", status_code=303)


def _form_action(
    request: Request,
    store: Store,
    now: datetime,
    story_id: int,
    action: str,
    title: str,
    into: str,
    articles: list[int],
) -> Any:
    other = _number(into) if action in ("merge", "move") else None
    if action == "rename":
        _edits().rename(store, story_id, title, now)
        return story_id
    if action == "merge" and other is not None:
        return _edits().merge(store, story_id, other, now)
    if action == "split":
        return _edits().split(store, story_id, articles, now)
    if action in ("move", "move_new") and articles:
        found = story_id
        for page_id in articles:
            found = _edits().move(store, page_id, other if action == "move" else None, now)
        return found if action == "move" else story_id
    if action == "reset":
        _edits().reset(store, story_id, threading_options(request.app.state.settings))
        return story_id
    raise InputError("choose what to do (and the articles or the story it needs)")


def _number(text: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit() or not 0 < int(value) < MAX_ID:
        raise InputError(f"{text!r} is not a story number (the number in /stories/N)")
    return int(value)
