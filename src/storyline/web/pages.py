"""HTML pages and their ``.json`` twins for articles, search and sources: each pair calls
one function of the read layer (stories and "what's new" are in ``pages_stories``).

The read pages are ``async def`` on purpose: their work is a few indexed SQLite reads and
a template, a few milliseconds of CPU that holds the GIL anyway, so running them on the
event loop saves the hop to a worker thread and the GIL hand-offs between threads (under
20 clients: +30 % throughput, p95 146 → 96 ms on article pages). Work that may take long
(diffs of big versions, follow's network fetch, the sources page) stays ``def`` and runs
on the worker threads (``app.WORKER_THREADS``).

Write actions here are the HTML forms (follow, unfollow): CSRF-checked, refused in
read-only mode and without the token when one is set, then redirected (POST-redirect-GET).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from storyline.errors import InputError, StorylineError
from storyline.read import articles as ra
from storyline.read import sources as rsrc
from storyline.read.stories import article_with_story
from storyline.web.access import articles_cached, search_cached, store_of
from storyline.web.data_search import PAGE_SIZE
from storyline.web.diffview import diff_parts
from storyline.web.errors import status_for
from storyline.web.pages_stories import follow_state, mark_visited
from storyline.web.responses import JSONResponse
from storyline.web.security import check_csrf, check_write
from storyline.web.templating import next_url, render

router = APIRouter(include_in_schema=False)


@router.get("/articles.json")
async def articles_json(
    request: Request,
    cursor: str | None = None,
    changed_only: bool = False,
    limit: int = 50,
    url: str = "",
) -> JSONResponse:
    return JSONResponse(articles_cached(request, limit, cursor, changed_only, url or None))


@router.get("/articles")
async def articles_page(
    request: Request,
    cursor: str | None = None,
    changed_only: bool = False,
    limit: int = 50,
    url: str = "",
) -> Response:
    data = articles_cached(request, limit, cursor, changed_only, url or None)
    if url and data["items"]:  # an article named by its URL: go to it
        return RedirectResponse(data["items"][0]["href"], status_code=303)
    return render(
        request,
        "articles.html",
        data,
        next_url=next_url(request, data["next_cursor"]),
        json_url=f"/articles.json?{request.url.query}",
    )


@router.get("/articles/{page_id:int}.json")
async def article_json(request: Request, page_id: int) -> JSONResponse:
    return JSONResponse(article_with_story(store_of(request), page_id))


@router.get("/articles/{page_id:int}")
async def article_page(request: Request, page_id: int) -> Response:
    data = article_with_story(store_of(request), page_id)
    following = mark_visited(request, [], page_id)
    return render(
        request,
        "article.html",
        data,
        json_url=f"/articles/{page_id}.json",
        follow=follow_state(request, "article", page_id, following),
        forms=True,
    )


@router.get("/articles/{page_id:int}/versions/{number:int}.json")
async def version_json(request: Request, page_id: int, number: int) -> JSONResponse:
    return JSONResponse(article_with_story(store_of(request), page_id, number))


@router.get("/articles/{page_id:int}/versions/{number:int}")
async def version_page(request: Request, page_id: int, number: int) -> Response:
    data = article_with_story(store_of(request), page_id, number)
    return render(
        request, "article.html", data, json_url=f"/articles/{page_id}/versions/{number}.json"
    )


@router.get("/articles/{page_id:int}/diff.json")
def diff_json(
    request: Request, page_id: int, a: int | None = None, b: int | None = None
) -> JSONResponse:
    return JSONResponse(ra.diff_data(store_of(request), page_id, a, b))


@router.get("/articles/{page_id:int}/diff")
def diff_page(
    request: Request, page_id: int, a: int | None = None, b: int | None = None, view: str = "side"
) -> Response:
    data = ra.diff_data(store_of(request), page_id, a, b)
    view = view if view in ("side", "inline") else "side"
    return render(
        request,
        "diff.html",
        data,
        view=view,
        parts=diff_parts(data["diff"]),
        json_url=f"/articles/{page_id}/diff.json?a={data['a']}&b={data['b']}",
    )


@router.get("/search.json")
async def search_json(
    request: Request,
    q: str = "",
    source: str = "",
    since: str = "",
    until: str = "",
    entity: str = "",
    cursor: str | None = None,
) -> JSONResponse:
    data = search_cached(request, q, source, since, until, entity, PAGE_SIZE, cursor)
    return JSONResponse(data)


@router.get("/search")
async def search_page(
    request: Request,
    q: str = "",
    source: str = "",
    since: str = "",
    until: str = "",
    entity: str = "",
    cursor: str | None = None,
) -> Response:
    data = search_cached(request, q, source, since, until, entity, PAGE_SIZE, cursor)
    if data.get("page") and not cursor:  # a URL was searched for: its article
        return RedirectResponse(data["page"]["href"], status_code=303)
    return render(
        request,
        "search.html",
        data,
        search_q=q,
        next_url=next_url(request, data["next_cursor"]),
        json_url=f"/search.json?{request.url.query}",
    )


@router.get("/sources.json")
def sources_json(request: Request) -> JSONResponse:
    return JSONResponse(rsrc.sources_data(store_of(request)))


@router.get("/sources")
def sources_page(request: Request, followed: int | None = None, unfollowed: str = "") -> Response:
    data = rsrc.sources_data(store_of(request))
    message = None
    if followed is not None:
        match = next((s for s in data["items"] if s["id"] == followed), None)
        message = f"Now following {match['url']} ({match['kind']})." if match else None
    elif unfollowed:
        message = f"Stopped following {unfollowed}."
    return _sources_view(request, data, message=message)


@router.post("/sources")
def follow_form(
    request: Request,
    url: str = Form(""),
    every: str = Form(""),
    csrf_token: str = Form(""),
    token: str = Form(""),
) -> Response:
    try:
        check_write(request.app.state.policy, request, token)
        check_csrf(request, csrf_token)
        interval = _minutes(every)
        source = request.app.state.follow(url, interval)
    except StorylineError as exc:
        data = rsrc.sources_data(store_of(request))
        return _sources_view(
            request, data, form_error=str(exc), form_url=url, status=status_for(exc)
        )
    return RedirectResponse(f"/sources?followed={source.id}", status_code=303)


@router.post("/sources/{source_id:int}/unfollow")
def unfollow_form(
    request: Request, source_id: int, csrf_token: str = Form(""), token: str = Form("")
) -> Response:
    check_write(request.app.state.policy, request, token)
    check_csrf(request, csrf_token)
    removed = rsrc.unfollow(store_of(request), source_id)
    return RedirectResponse(f"/sources?{urlencode({'unfollowed': removed.url})}", status_code=303)


@router.get("/docs")
def docs_redirect() -> Response:
    return RedirectResponse("/api/docs", status_code=308)


def _sources_view(
    request: Request, data: dict[str, Any], status: int = 200, **extra: Any
) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "sources.html",
        data,
        status=status,
        json_url="/sources.json",
        forms=True,
        default_interval=settings.feed_interval,
        **extra,
    )


def _minutes(every: str) -> float | None:
    every = every.strip()
    if not every:
        return None
    try:
        minutes = float(every)
    except ValueError:
        raise InputError(f"'visit every' must be a number of minutes, not {every!r}") from None
    if not 1 <= minutes <= 7 * 24 * 60:
        raise InputError("'visit every' must be between 1 minute and 7 days (10080 minutes)")
    return minutes * 60
