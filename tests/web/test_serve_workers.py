"""``storyline serve --workers N``: several processes share one socket, Nagle off."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import socket
import time
from pathlib import Path

import httpx
import pytest
from fixtures.serving import serving

from storyline.web.server import FairAcceptLoop, TcpConfig


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY as asyncio leaves it on a connection accepted from ``listener``."""
    seen: list[int] = []

    class Record(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(Record, sock=listener)
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    return seen[0]


def test_the_shared_socket_reports_tcp_so_connections_get_nodelay():
    config = TcpConfig("storyline.web.server:app_from_environment", host="127.0.0.1", port=0)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert listener.get_inheritable()
    assert _accepted_nodelay(listener) == 1


@pytest.mark.slow
def test_two_workers_answer_keep_alive_requests(news_db):
    with serving("--db", str(news_db.path), "--read-only", "--workers", "2") as server:
        with httpx.Client(base_url=server.base, timeout=2) as client:
            first = server.first_answer("/api/articles?limit=1", client=client)
            second = client.get(f"/api/articles/{news_db.seed_id}")
    assert first.status_code == 200 and len(first.json()["items"]) == 1
    assert second.json()["article"]["title"] == "UPDATE: Danish troops leaving Mali"


def test_the_fair_loop_accepts_a_burst_one_connection_at_a_time():
    """Every connection of a burst is accepted, each by a wake-up of its own, with a pause
    after each that grows with the connections the loop already holds."""
    accepted: list[float] = []
    loop = FairAcceptLoop()

    class Hold(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted.append(loop.time())

    async def run() -> asyncio.Server:
        listener = socket.create_server(("127.0.0.1", 0))
        server = await loop.create_server(Hold, sock=listener, backlog=100)
        port = listener.getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
        for _ in range(200):
            if len(accepted) == len(clients):
                break
            await asyncio.sleep(0.005)
        server.close()
        await asyncio.sleep(FairAcceptLoop.ACCEPT_PAUSE * 20)  # a pending resume finds it closed
        for client in clients:
            client.close()
        return server

    try:
        server = loop.run_until_complete(run())
    finally:
        loop.close()
    assert len(accepted) == 12
    assert not server.is_serving()
    gaps = [b - a for a, b in zip(accepted, accepted[1:], strict=False)]
    # (timestamps are taken when each connection is set up, a little after its accept)
    assert min(gaps[:3]) >= 0.8 * FairAcceptLoop.ACCEPT_PAUSE  # holding 1-3 connections
    assert min(gaps[-3:]) >= 0.8 * FairAcceptLoop.MAX_ACCEPT_PAUSE  # 9-11: the cap


def _workers(supervisor: int) -> list[int]:
    """The worker processes under ``serve --workers``'s supervisor (not its resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def _open_files(pid: int) -> list[str]:
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            targets.append(os.readlink(fd))
    return targets


def _connections_by_worker(workers: list[int], port: int) -> list[int]:
    """How many established connections to ``port`` each worker holds (from /proc: the
    workers' socket inodes matched against /proc/net/tcp)."""
    local = f":{port:04X}"
    established: set[str] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(local) and fields[3] == "01":
            established.add(f"socket:[{fields[9]}]")
    return sorted(len(established.intersection(_open_files(pid))) for pid in workers)


@pytest.mark.slow
def test_two_workers_share_a_burst_of_keep_alive_clients(news_db):
    """20 clients connecting at once end up spread over both workers (asyncio's own loop
    gave one worker all 20 in most tries)."""
    with serving("--db", str(news_db.path), "--read-only", "--workers", "2") as server:
        server.first_answer("/api/articles?limit=1")
        workers = _workers(server.proc.pid)
        assert len(workers) == 2
        deadline = time.monotonic() + 20
        while not all(str(news_db.path) in _open_files(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker did not open the database"
            time.sleep(0.1)
        port = int(server.base.rsplit(":", 1)[1])
        spreads = []
        for _ in range(4):  # the first burst warms both workers up (a cold one is slow)
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
            for client in clients:
                client.sendall(b"GET /api/articles?limit=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            for client in clients:
                client.settimeout(10)
                assert client.recv(65536).startswith(b"HTTP/1.1 200")
            spreads.append(_connections_by_worker(workers, port))
            for client in clients:
                client.close()
            time.sleep(0.3)
    assert all(spread[0] >= 5 for spread in spreads[1:]), spreads


def test_out_of_file_descriptors_keeps_asyncios_one_second_retry():
    """When accept() fails with EMFILE asyncio stops listening and retries after a second;
    the fair loop must not resume listening sooner (that would retry a thousand times a
    second, logging each)."""
    attempts: list[int] = []
    loop = FairAcceptLoop()
    loop.set_exception_handler(lambda _loop, _context: None)

    class NoDescriptors:
        """The listening socket, whose accept() finds the process out of descriptors."""

        def __init__(self, real: socket.socket):
            self.real = real

        def fileno(self) -> int:
            return self.real.fileno()

        def accept(self) -> None:
            attempts.append(1)
            raise OSError(errno.EMFILE, "Too many open files")

    async def run() -> None:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setblocking(False)
        client = socket.create_connection(listener.getsockname())  # keeps it readable
        server = await loop.create_server(asyncio.Protocol, sock=listener)
        fake = NoDescriptors(listener)  # replaces the server's own reader on the same socket
        loop.add_reader(
            listener.fileno(), loop._accept_connection, asyncio.Protocol, fake, None, server
        )
        await asyncio.sleep(0.2)
        loop.remove_reader(listener.fileno())
        client.close()
        listener.close()

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    assert len(attempts) == 1
