"""``storyline serve --workers N``: several processes share one socket, Nagle off."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from fixtures.serving import serving

from storyline.web.server import TcpConfig


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
