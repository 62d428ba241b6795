"""Pages for people who follow stories: home, the story list, a story, and "what's new
since I last looked", with their ``.json`` twins and the follow forms.

The home page and the story list are the same for everyone who follows nothing, and are
cached; a reader who follows stories sees them with "2 new changes" on the stories they
follow. Opening a followed story or article marks it seen (one small write, only then).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from storyline.read import news as rn
from storyline.read.stories import story_data
from storyline.store import readers
from storyline.web.access import Stories, home_cached, news_counts, store_of, stories_cached
from storyline.web.charts import ChartEvent, timeline_svg
from storyline.web.readers import (
    current_reader,
    reader_for_write,
    reader_token,
    remember_reader,
    uses_cookies,
)
from storyline.web.responses import JSONResponse
from storyline.web.security import check_csrf, check_write
from storyline.web.templating import next_url, parse_time, render

router = APIRouter(include_in_schema=False)
PAGE = 20


@router.get("/index.json")
async def home_json(request: Request) -> JSONResponse:
    return JSONResponse(home_cached(request))


@router.get("/")
async def home_page(request: Request) -> Response:
    counts = news_counts(request)
    if counts is not None:  # this reader follows stories: mark the news on them
        data = home_cached(request)
        return render(request, "home.html", data, json_url="/index.json", news=counts)

    # Otherwise the page is the same for everyone (no forms, no cookie): its HTML is
    # cached with its data, so "12 min ago" may lag by the cache's few seconds.
    def page() -> tuple[bytes, str]:
        response = render(request, "home.html", home_cached(request), json_url="/index.json")
        return bytes(response.body), response.media_type or "text/html"

    body, media_type = request.app.state.cache.get("home.html", page)
    return Response(body, media_type=media_type)


@router.get("/stories.json")
async def stories_json(
    request: Request, wanted: Stories, limit: int = PAGE, cursor: str | None = None
) -> JSONResponse:
    return JSONResponse(stories_cached(request, wanted, limit, cursor))


@router.get("/stories")
async def stories_page(
    request: Request, wanted: Stories, limit: int = PAGE, cursor: str | None = None
) -> Response:
    news = news_counts(request)

    def page() -> tuple[bytes, str]:
        data = stories_cached(request, wanted, limit, cursor)
        form = {name: request.query_params.get(name, "") for name in ("since", "until")}
        response = render(
            request,
            "stories.html",
            data,
            form=form,
            next_url=next_url(request, data["next_cursor"]),
            first_url=request.url.path + _without_cursor(request),
            json_url=f"/stories.json?{request.url.query}",
            news=news,
        )
        return bytes(response.body), response.media_type or "text/html"

    if news is not None:  # marked for this reader: not for everyone's cache
        body, media_type = page()
    else:  # the same for everyone: kept like the data (see the home page)
        key = ("stories.html", wanted, limit, cursor, request.url.query)
        body, media_type = request.app.state.list_cache.get(key, page)
    return Response(body, media_type=media_type)


def _without_cursor(request: Request) -> str:
    params = {k: v for k, v in request.query_params.items() if k != "cursor"}
    return f"?{urlencode(params)}" if params else ""


@router.get("/stories/{story_id:int}.json")
async def story_json(request: Request, story_id: int) -> JSONResponse:
    return JSONResponse(story_data(store_of(request), story_id))


@router.get("/stories/{story_id:int}")
async def story_page(request: Request, story_id: int) -> Response:
    data = story_data(store_of(request), story_id)
    pages = [a["id"] for a in data["articles"]]
    following = mark_visited(request, pages, None)
    anchor = min(pages) if pages else 0
    return render(
        request,
        "story.html",
        data,
        chart=story_chart(data),
        json_url=f"/stories/{story_id}.json",
        follow=follow_state(request, "story", anchor, following),
        forms=True,
    )


def story_chart(data: dict[str, Any]) -> Markup:
    """The story's news period as an inline SVG chart: its events by time, background
    dates left out (they are listed apart)."""
    period = data["period"]
    start, end = parse_time(period["from"]), parse_time(period["to"])
    events = []
    for day in data["days"]:
        for event in day["events"]:
            moment = parse_time(event.get("at"))
            if moment is not None and start and end and start <= moment <= end:
                events.append(ChartEvent(moment, str(event["kind"]), str(event["text"])[:80]))
    return timeline_svg(events, start=start, end=end)


def mark_visited(
    request: Request, story_pages: list[int], article: int | None
) -> list[tuple[str, int]]:
    """What of this page the reader follows; it is now seen (read-only: only looked up)."""
    reader = current_reader(request)
    if reader is None:
        return []
    state = request.app.state
    with state.store.engine.connect() as conn:
        found = readers.followed_among(conn, reader, story_pages, article)
    if found and not state.policy.read_only:
        readers.mark_seen(state.store, reader, state.clock(), found)
    return found


def follow_state(
    request: Request, kind: str, page_id: int, following: list[tuple[str, int]]
) -> dict[str, Any]:
    """What the page's follow button needs: what it follows and whether it does now."""
    return {
        "kind": kind,
        "page_id": page_id,
        "following": any(k == kind for k, _ in following),
        "pages": [p for k, p in following if k == kind],
        "writable": not request.app.state.policy.read_only,
        "token_required": _token_needed(request),
    }


def _token_needed(request: Request) -> bool:
    """A shared reader (no cookies) with a write token set: following needs the token."""
    return bool(request.app.state.policy.token) and not request.app.state.settings.reader_cookies


@router.get("/news.json")
async def news_json(request: Request) -> JSONResponse:
    return JSONResponse(_news(request))


@router.get("/news")
async def news_page(request: Request) -> Response:
    token = reader_token(request) if uses_cookies(request) else None
    feed_url = f"/feeds/news/{token}.atom" if token else "/feeds/news.atom"
    return render(
        request, "news.html", _news(request), json_url="/news.json", forms=True, feed_url=feed_url
    )


def _news(request: Request) -> dict[str, Any]:
    return rn.news_data(store_of(request), current_reader(request))


@router.post("/follows")
def follow_form(
    request: Request,
    kind: str = Form(""),
    page_id: int = Form(0),
    pages: list[int] = Form(default=[]),  # noqa: B008  (FastAPI's way to declare it)
    action: str = Form("follow"),
    back: str = Form("/news"),
    csrf_token: str = Form(""),
    token: str = Form(""),
) -> Response:
    """Follow or unfollow a story or an article from its page, then go back to it."""
    check_csrf(request, csrf_token)
    if _token_needed(request):
        check_write(request.app.state.policy, request, token)
    reader = reader_for_write(request)
    state = request.app.state
    if action == "unfollow":
        readers.unfollow(state.store, reader, kind, pages or [page_id])
    else:
        readers.follow(state.store, reader, kind, page_id, state.clock())
    target = back if back.startswith("/") and not back.startswith("//") else "/news"
    return remember_reader(request, RedirectResponse(target, status_code=303))


@router.post("/news/seen")
def seen_form(request: Request, csrf_token: str = Form(""), token: str = Form("")) -> Response:
    """Mark everything followed as seen."""
    check_csrf(request, csrf_token)
    if _token_needed(request):
        check_write(request.app.state.policy, request, token)
    reader = current_reader(request)
    if reader is not None and not request.app.state.policy.read_only:
        readers.mark_seen(store_of(request), reader, request.app.state.clock())
    return RedirectResponse("/news", status_code=303)
