"""Helpers for the sources tests: a fake clock and a Fetcher over httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fixtures.newsroom import newsroom_settings

from sources.fakes import FakeClock, public_resolver
from storyline.sources.fetch import Fetcher

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
