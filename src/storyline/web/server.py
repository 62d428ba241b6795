"""Running the app: a real server (uvicorn), or one request without a server (``--get``).

``serve`` can run ``pipeline.watch`` in a thread beside the server (``storyline serve
--watch``, what ``make run`` uses), so one process follows the feeds and serves them; the
watcher stops, finishing the pages in progress, when the server shuts down.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
from dataclasses import dataclass

import httpx
import uvicorn

from storyline.config import Settings
from storyline.store import Store
from storyline.web.app import create_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GetResult:
    """The answer to one request run through the app."""

    status: int
    content_type: str
    body: bytes


def get_once(store: Store, settings: Settings, path: str, read_only: bool = False) -> GetResult:
    """Run one GET request through the app in-process, as ``datasette --get`` does."""
    if not path.startswith("/"):
        path = "/" + path
    app = create_app(store, settings, read_only=read_only)

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.get(path)

    response = asyncio.run(fetch())
    return GetResult(response.status_code, response.headers.get("content-type", ""),
                     response.content)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(store: Store, settings: Settings, host: str = "127.0.0.1", port: int = 8000, *,
          read_only: bool = False, watch: bool = False, token: str | None = None) -> None:
    """Serve the app until interrupted; with ``watch``, poll the sources beside it."""
    app = create_app(store, settings, read_only=read_only, token=token)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            proxy_headers=False, server_header=False)
    stop = threading.Event()
    watcher = _start_watch(store, settings, stop) if watch and not read_only else None
    try:
        uvicorn.Server(config).run()
    finally:
        stop.set()
        if watcher is not None:
            watcher.join(timeout=60)


def _start_watch(store: Store, settings: Settings, stop: threading.Event) -> threading.Thread:
    from storyline import pipeline
    from storyline.sources.fetch import Fetcher

    def run() -> None:
        with Fetcher(settings) as fetcher:
            pipeline.watch(store, fetcher, settings, stop,
                           on_report=lambda report: log.info("poll: %s", report))

    thread = threading.Thread(target=run, name="storyline-watch", daemon=True)
    thread.start()
    return thread
