"""The Fetcher against the real local newsroom server (integration)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fixtures.newsroom import (
    CORRECTION_PATH,
    CORRECTION_TEXT,
    EARLIER_SEED_TITLE,
    PRIVATE_PATH,
    SEED_PATH,
    STABLE_PATH,
    Newsroom,
    newsroom_settings,
)

from storyline.errors import BlockedError, FetchError, PageTooLargeError
from storyline.sources.fetch import Fetcher


def test_seed_page_changes_on_the_second_visit(newsroom, newsroom_fetcher):
    first = newsroom_fetcher.fetch(newsroom.url(SEED_PATH))
    second = newsroom_fetcher.fetch(newsroom.url(SEED_PATH), etag=first.etag)
    assert f"<h1>{EARLIER_SEED_TITLE}</h1>" in first.content.decode()
    assert b"Original story" not in first.content
    assert b"<h1>UPDATE: Danish troops leaving Mali</h1>" in second.content
    assert b"Original story" in second.content
    assert second.etag != first.etag and not second.not_modified


def test_conditional_get_gets_304_and_sends_validators(newsroom, newsroom_fetcher):
    first = newsroom_fetcher.fetch(newsroom.url(STABLE_PATH))
    again = newsroom_fetcher.fetch(
        newsroom.url(STABLE_PATH), etag=first.etag, last_modified=first.last_modified
    )
    assert again.status == 304 and again.not_modified and again.content == b""
    sent = newsroom.requests_for(STABLE_PATH)[-1].headers
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified
    assert newsroom_fetcher.stats["fetch/304"] == 1


def test_if_modified_since_alone_gets_304(newsroom, newsroom_fetcher):
    first = newsroom_fetcher.fetch(newsroom.url(STABLE_PATH))
    again = newsroom_fetcher.fetch(newsroom.url(STABLE_PATH), last_modified=first.last_modified)
    assert again.not_modified


def test_correction_appears_on_second_visit(newsroom, newsroom_fetcher):
    first = newsroom_fetcher.fetch(newsroom.url(CORRECTION_PATH))
    second = newsroom_fetcher.fetch(newsroom.url(CORRECTION_PATH))
    assert CORRECTION_TEXT.encode() not in first.content
    assert CORRECTION_TEXT.encode() in second.content


def test_disallowed_path_is_never_requested(newsroom, newsroom_fetcher):
    with pytest.raises(BlockedError, match="robots.txt"):
        newsroom_fetcher.fetch(newsroom.url(PRIVATE_PATH))
    newsroom_fetcher.fetch(newsroom.url(STABLE_PATH))
    paths = [r.path for r in newsroom.requests]
    assert PRIVATE_PATH not in paths
    assert paths.count("/robots.txt") == 1  # cached per origin
    assert newsroom_fetcher.stats["robots/forbidden"] == 1


def test_user_agent_names_the_contact_url(newsroom, newsroom_fetcher):
    newsroom_fetcher.fetch(newsroom.url(STABLE_PATH))
    agents = {r.headers["user-agent"] for r in newsroom.requests}
    assert agents == {"storyline/0.1 (+https://github.com/storyline-news/storyline)"}


def test_slow_page_times_out_with_a_small_timeout():
    with Newsroom(slow_delay=1.5) as room:
        with Fetcher(newsroom_settings(fetch_timeout=0.3, fetch_retries=0)) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchError, match="timed out"):
                fetcher.fetch(room.url("/slow"))
            assert time.monotonic() - started < 1.4
            assert fetcher.stats["fetch/timeout"] == 1


def test_500_then_200_is_retried(newsroom, newsroom_fetcher):
    result = newsroom_fetcher.fetch(newsroom.url("/flaky"))
    assert result.status == 200
    assert newsroom_fetcher.stats["fetch/retry"] == 1


def test_429_with_retry_after_is_waited_out(newsroom, newsroom_fetcher):
    started = time.monotonic()
    result = newsroom_fetcher.fetch(newsroom.url("/busy"))
    assert result.status == 200
    first, second = newsroom.requests_for("/busy")
    assert second.at - first.at >= 0.95  # Retry-After: 1
    assert time.monotonic() - started < 3


def test_huge_page_stops_at_the_cap(newsroom, newsroom_fetcher):
    with pytest.raises(PageTooLargeError):
        newsroom_fetcher.fetch(newsroom.url("/huge"))


def test_redirect_is_followed_and_loop_is_cut(newsroom, newsroom_fetcher):
    moved = newsroom_fetcher.fetch(newsroom.url("/moved"))
    assert moved.final_url == newsroom.url(STABLE_PATH)
    assert moved.url == newsroom.url("/moved")
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        newsroom_fetcher.fetch(newsroom.url("/loop"))
    assert len(newsroom.requests_for("/loop")) == 6


def test_private_address_refused_without_allow_private(newsroom):
    with Fetcher(newsroom_settings(allow_private=False)) as fetcher:
        with pytest.raises(BlockedError, match="allow_private"):
            fetcher.fetch(newsroom.url(STABLE_PATH))
    assert newsroom.requests == []


def test_throttle_spaces_requests_to_one_host(newsroom):
    sent: list[float] = []
    client = httpx.Client(event_hooks={"request": [lambda request: sent.append(time.monotonic())]})
    with client, Fetcher(newsroom_settings(throttle_delay=0.3), client) as fetcher:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(fetcher.fetch, [newsroom.url(STABLE_PATH)] * 3))
    sent.sort()
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]  # robots.txt + 3 pages
    assert len(sent) == 4 and min(gaps) >= 0.25  # 0.3 s, less the hook's lag on a busy machine
    assert len(newsroom.requests) == 4


def test_manual_advance_mode():
    with Newsroom(advance="manual") as room, Fetcher(newsroom_settings()) as fetcher:
        assert b"Original story" not in fetcher.fetch(room.url(SEED_PATH)).content
        assert b"Original story" not in fetcher.fetch(room.url(SEED_PATH)).content
        room.advance(SEED_PATH)
        assert b"Original story" in fetcher.fetch(room.url(SEED_PATH)).content


def test_reset_starts_pages_over(newsroom, newsroom_fetcher):
    newsroom_fetcher.fetch(newsroom.url(SEED_PATH))
    newsroom.reset()
    assert newsroom.requests == []
    assert b"Original story" not in newsroom_fetcher.fetch(newsroom.url(SEED_PATH)).content


def test_many_hosts_serve_generated_articles():
    with Newsroom(n_articles=7, n_hosts=3) as room, Fetcher(newsroom_settings()) as fetcher:
        generated = [u for u in room.article_urls() if "/gen/" in u]
        assert len(generated) == 7
        assert len({u.split("/gen/")[0] for u in generated}) == 3
        first = fetcher.fetch(generated[0]).content
        assert b"UPDATE:" in fetcher.fetch(generated[0]).content and b"UPDATE:" not in first


@pytest.mark.parametrize(("status", "fetched"), [(503, False), (404, True)])
def test_newsroom_robots_failures(newsroom, newsroom_fetcher, status, fetched):
    newsroom.robots_status = status
    if fetched:
        assert newsroom_fetcher.fetch(newsroom.url(PRIVATE_PATH)).status == 200
    else:
        with pytest.raises(BlockedError, match="did not answer"):
            newsroom_fetcher.fetch(newsroom.url(STABLE_PATH))
    assert (
        bool(newsroom.requests_for(PRIVATE_PATH) or newsroom.requests_for(STABLE_PATH)) is fetched
    )
