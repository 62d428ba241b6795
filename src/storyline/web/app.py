"""The web app: HTML pages, their JSON twins, the JSON API and the Atom feeds.

``create_app(store, settings)`` builds a FastAPI app around a Store that the caller opened
(and closes); nothing global. Pages are server-rendered (Jinja2, autoescaped) and work
without JavaScript; everything they need is served from ``/static``.

Routes live by job: ``pages.py`` and ``pages_stories.py`` (HTML and ``.json`` twins),
``api.py`` and ``api_stories.py`` (``/api``), ``feeds.py`` (Atom), ``apidocs.py`` (the
self-contained API docs page). What they return comes from ``storyline.read``, as the
CLI's ``--json`` does.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.config import Settings
from storyline.store import Store
from storyline.store.rows import SourceRow
from storyline.web import api, api_stories, apidocs, edits, feeds, pages, pages_stories
from storyline.web.cache import DataCache
from storyline.web.errors import install_error_handlers
from storyline.web.security import SECURITY_HEADERS, WritePolicy, check_public_url
from storyline.web.templating import STATIC_DIR, make_templates

WORKER_THREADS = 4
SEARCH_CACHE_ENTRIES = 256
LIST_CACHE_ENTRIES = 1024
INDEX_TTL = 600.0  # a commit drops it sooner
INDEX_UNTRACKED_TTL = 30.0  # databases whose commits the cache cannot see (PostgreSQL)
Follow = Callable[[str, float | None], SourceRow]
Clock = Callable[[], datetime]


def create_app(
    store: Store,
    settings: Settings,
    *,
    read_only: bool = False,
    token: str | None = None,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
    close_store: bool = False,
) -> FastAPI:
    """The storyline web app over ``store``.

    ``token`` (default: the ``token`` setting, $STORYLINE_TOKEN) is required for writes
    when set; ``read_only``
    refuses every write; ``client`` is the HTTP client the follow action fetches with;
    ``close_store`` closes the store when the app shuts down (an app that opened it).
    """
    if token is None:
        token = settings.token or None
    app = FastAPI(
        title="storyline",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        description="Developing news stories: articles, every revision, stories, sources.",
        lifespan=_lifespan,
    )
    app.state.store = store
    app.state.cache = DataCache(store)
    # searches apart: many different ones would push the home page and lists out
    app.state.search_cache = DataCache(store, max_entries=SEARCH_CACHE_ENTRIES)
    # story lists apart: 3 orders x sizes x outlets x pages are many lists
    app.state.list_cache = DataCache(store, max_entries=LIST_CACHE_ENTRIES)
    # the story index apart too: rebuilt after a commit, never pushed out by lists
    app.state.index_cache = DataCache(
        store, ttl=INDEX_TTL, max_entries=2, untracked_ttl=INDEX_UNTRACKED_TTL
    )
    app.state.close_store = close_store
    app.state.settings = settings
    app.state.policy = WritePolicy(read_only=read_only, token=token)
    app.state.templates = make_templates()
    app.state.clock = clock or (lambda: datetime.now(UTC))
    app.state.follow = _follower(store, settings, client)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(api_stories.router)
    app.include_router(edits.router)
    app.include_router(feeds.router)
    app.include_router(apidocs.router)
    app.include_router(pages_stories.router)
    app.include_router(pages.router)
    app.add_middleware(SecurityHeaders)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run sync endpoints on a few threads, not anyio's default 40: they share the GIL and
    a small database pool, so more threads only add contention and connection churn."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield
    if app.state.close_store:
        app.state.store.close()


def _follower(store: Store, settings: Settings, client: httpx.Client | None) -> Follow:
    """The follow action: check the target, then let the pipeline detect and store it."""

    def follow(url: str, every: float | None) -> SourceRow:
        from storyline.pipeline import follow as pipeline_follow
        from storyline.sources.fetch import Fetcher
        from storyline.store.politeness import StorePoliteness

        url = check_public_url(url, settings.allow_private)
        with Fetcher(settings, client, shared=StorePoliteness(store)) as fetcher:
            return pipeline_follow(store, fetcher, url, every)

    return follow


class SecurityHeaders:
    """Adds CSP and the other protective headers to every response (pure ASGI: cheap)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyline")
    except PackageNotFoundError:
        return "0"
