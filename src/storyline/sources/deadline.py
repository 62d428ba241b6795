"""One overall deadline per request: connect, TLS, headers and body together.

httpx's timeouts bound each network operation (connect, one read, one write), not the
request: a server that sends ``200 OK`` and then one header line a second never lets a
read time out, and holds the fetch forever. Here every socket operation is given the
time left until the request's deadline (or its own timeout, if shorter), so a request
ends at its deadline whatever the server does; past it, the next operation fails with
``httpcore.ReadTimeout`` (``httpx.ReadTimeout`` to the caller).

The deadline lives in a ``ContextVar``: each thread (the poll's host lanes) has its own,
set by the Fetcher around one attempt with ``set_deadline`` and cleared with
``clear_deadline``. Pooled keep-alive connections simply read the deadline of whoever
uses them now.

The socket hook is an httpcore ``NetworkBackend`` (public httpcore API) wrapping the
standard ``SyncBackend``; ``deadline_transport`` puts it under an ``httpx.HTTPTransport``
by replacing the transport's connection pool, the one private attribute (``_pool``)
this module touches; ``tests/sources/test_deadline.py`` fails if httpx moves it. DNS
lookups inside ``connect`` are the one step not bounded (the OS resolver has no timeout
argument); the Fetcher resolves each host itself before connecting unless private
addresses are allowed.
"""

from __future__ import annotations

import time
import typing
from contextvars import ContextVar

import httpcore
import httpx

_DEADLINE: ContextVar[float | None] = ContextVar("storyline_request_deadline", default=None)


def set_deadline(seconds: float) -> float:
    """Give the requests this thread makes from now ``seconds`` to finish; returns the
    deadline (a ``time.monotonic()`` value)."""
    end = time.monotonic() + max(seconds, 0.0)
    _DEADLINE.set(end)
    return end


def clear_deadline() -> None:
    """Requests of this thread have no overall deadline again."""
    _DEADLINE.set(None)


def time_left() -> float | None:
    """Seconds until this thread's deadline (negative when passed), or None without one."""
    end = _DEADLINE.get()
    return None if end is None else end - time.monotonic()


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """The timeout for one socket operation: its own, or the time left if shorter."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise error("the request's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with the deadline applied to connect, read and write."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            _bounded(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _bounded(timeout, httpcore.ConnectTimeout), socket_options=socket_options
        )
        return DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose sockets keep the per-thread request deadline."""
    limits = limits or httpx.Limits()
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001 - see the module docstring
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=DeadlineBackend(),
    )
    return transport
