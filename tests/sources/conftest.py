"""Helpers for the sources tests: a fake clock and a Fetcher over httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fixtures.newsroom import newsroom_settings

from sources.fakes import FakeClock
from storyline.sources.fetch import Fetcher

PUBLIC_IP = "93.184.215.14"


def public_resolver(host: str) -> list[str]:
    """Every name resolves to one public address, except names starting with "internal"."""
    return ["10.1.2.3"] if host.startswith("internal") else [PUBLIC_IP]


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_fetcher(clock: FakeClock) -> Iterator[Callable[..., Fetcher]]:
    """``make_fetcher(handler, **settings)``: a Fetcher over MockTransport, with the fake
    clock, the public resolver and, unless overridden, allow_private off."""
    clients: list[httpx.Client] = []

    def make(handler: Handler, **changes: object) -> Fetcher:
        settings = newsroom_settings(**{"allow_private": False, **changes})
        client = httpx.Client(transport=httpx.MockTransport(handler))
        clients.append(client)
        return Fetcher(settings, client, clock=clock, resolver=public_resolver)

    yield make
    for client in clients:
        client.close()
