"""Running the app: a real server (uvicorn), or one request without a server (``--get``).

``serve`` can run ``pipeline.watch`` in a thread beside the server (``storyline serve
--watch``, what ``make run`` uses), so one process follows the feeds and serves them; the
watcher stops, finishing the pages in progress, when the server shuts down.
``serve_workers`` runs several server processes (``--workers N``) for more throughput.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from storyline.config import Settings, load_settings
from storyline.store import Store
from storyline.web.app import create_app

log = logging.getLogger(__name__)
_ENV_DB = "STORYLINE_SERVE_DB"
_ENV_READ_ONLY = "STORYLINE_SERVE_READ_ONLY"


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
    return GetResult(
        response.status_code, response.headers.get("content-type", ""), response.content
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    store: Store,
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    read_only: bool = False,
    watch: bool = False,
    token: str | None = None,
) -> None:
    """Serve the app in this process until interrupted; with ``watch``, poll beside it."""
    app = create_app(store, settings, read_only=read_only, token=token)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False
    )
    stop = threading.Event()
    watcher = _start_watch(store, settings, stop) if watch and not read_only else None
    try:
        _GracefulServer(config).run()
    finally:
        stop.set()
        if watcher is not None:
            watcher.join(timeout=60)


class _GracefulServer(uvicorn.Server):
    """uvicorn re-raises SIGINT/SIGTERM once it has shut down, which would end the process
    before ``serve`` stops the watcher; here the shutdown is kept and the re-raise dropped,
    so the watcher finishes its pages and the process exits normally."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            try:
                yield
            finally:
                self._captured_signals.clear()


def serve_workers(
    target: str,
    host: str,
    port: int,
    workers: int,
    *,
    read_only: bool,
    allow_private: bool,
    config_path: str | None,
) -> None:
    """Serve with ``workers`` processes (uvicorn's supervisor), each with its own Store.

    The workers build their app with ``app_from_environment``; the options travel in
    environment variables, since uvicorn starts them by import path.
    """
    os.environ[_ENV_DB] = target
    os.environ[_ENV_READ_ONLY] = "1" if read_only else ""
    if allow_private:
        os.environ["STORYLINE_ALLOW_PRIVATE"] = "1"
    if config_path:
        os.environ["STORYLINE_CONFIG"] = config_path
    config = TcpConfig(
        "storyline.web.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="storyline.web.server:FairAcceptLoop",
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[config.bind_socket()]).run()


class TcpConfig(uvicorn.Config):
    """uvicorn's Config whose listening socket says it is TCP.

    uvicorn binds the socket that its worker processes share with ``proto`` left at 0;
    accepted connections inherit it, and asyncio only turns Nagle off (TCP_NODELAY) on
    sockets that report ``IPPROTO_TCP``. With Nagle on, a response written in two parts
    waits for the client's delayed ACK: about 40 ms on every keep-alive request
    (uvicorn issue #3149). Re-wrapping the descriptor lets the kernel report the real
    protocol, so the workers answer as fast as a single process.
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(fileno=sock.detach())  # family/type/proto read from the fd
            sock.set_inheritable(True)
        return sock


class FairAcceptLoop(asyncio.SelectorEventLoop):
    """An asyncio loop that shares a listening socket fairly with other worker processes.

    asyncio's own loop accepts every waiting connection in one go (up to the backlog,
    2,048 in uvicorn). The worker processes of ``serve_workers`` all wait on one shared
    socket, so when clients connect in a burst the first worker to wake takes them all
    and the others idle: 20 keep-alive clients landed all on one of two workers in 9 of
    12 tries, halving throughput. Here a worker takes one connection per wake-up (nginx's
    ``multi_accept off``: 8-12 of 20 each) and then stops listening for ``ACCEPT_PAUSE``
    seconds per connection it holds, so the worker holding fewer comes first for the next
    one (10-10 in 8-10 of 12 tries, 8-12 at worst). The pause is capped at
    ``MAX_ACCEPT_PAUSE``, so a worker holding hundreds of idle keep-alive connections still
    accepts a thousand new ones a second. The listen queue keeps its full length.
    """

    ACCEPT_PAUSE = 0.0002
    MAX_ACCEPT_PAUSE = 0.001

    def _accept_connection(
        self,
        protocol_factory: Any,
        sock: socket.socket,
        sslcontext: Any = None,
        server: Any = None,
        backlog: int = 100,
        *args: Any,
    ) -> None:
        accept_args = (protocol_factory, sock, sslcontext, server, 1, *args)
        super()._accept_connection(*accept_args)  # type: ignore[misc]
        if server is None or sock.fileno() < 0:
            return
        if not self.remove_reader(sock.fileno()):
            return  # asyncio stopped listening itself (out of file descriptors: it retries)
        held = getattr(server, "_active_count", 0) + 1  # the new one is not counted yet
        pause = min(held * self.ACCEPT_PAUSE, self.MAX_ACCEPT_PAUSE)
        self.call_later(pause, self._resume_accepting, accept_args)

    def _resume_accepting(self, accept_args: tuple[Any, ...]) -> None:
        sock, server = accept_args[1], accept_args[3]
        if server.is_serving() and sock.fileno() >= 0:
            self.add_reader(sock.fileno(), self._accept_connection, *accept_args)


def app_from_environment() -> FastAPI:
    """The app for one worker process of ``serve_workers`` (reads its environment)."""
    settings = load_settings()
    store = Store.open(os.environ[_ENV_DB], settings)
    return create_app(
        store, settings, read_only=bool(os.environ.get(_ENV_READ_ONLY)), close_store=True
    )


def _start_watch(store: Store, settings: Settings, stop: threading.Event) -> threading.Thread:
    from storyline import pipeline
    from storyline.sources.fetch import Fetcher

    def run() -> None:
        with Fetcher(settings) as fetcher:
            pipeline.watch(
                store,
                fetcher,
                settings,
                stop,
                on_report=lambda report: log.info("poll: %s", report),
            )

    thread = threading.Thread(target=run, name="storyline-watch", daemon=True)
    thread.start()
    return thread
