"""Deadlines, not only timeouts: a server that trickles its headers (one line at a time,
never finishing) must not hold `follow`, `extract URL` or `poll` past the deadline, and
in a poll beside it a good host's pages are all fetched (issue #17).

The time limits here are generous margins that only catch a hang: without the deadline
each of these calls waits forever (the trickler sends a header line every 0.3 s, within
every read timeout).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpcore
import pytest
from click.testing import CliRunner
from fixtures.hostile import Trickler
from fixtures.newsroom import PRIVATE_PATH, Newsroom, newsroom_settings

from storyline import pipeline
from storyline.cli import cli
from storyline.errors import FetchError
from storyline.sources.deadline import (
    DeadlineBackend,
    clear_deadline,
    deadline_transport,
    set_deadline,
    time_left,
)
from storyline.sources.fetch import Fetcher
from storyline.store import Store

DEADLINE, TOTAL = 1.0, 2.5
MARGIN = 10.0  # only catches a hang; the calls below end after about TOTAL seconds


@pytest.fixture
def trickler():
    with Trickler(interval=0.3) as server:
        yield server


def _settings(**changes):
    return newsroom_settings(fetch_timeout=DEADLINE, fetch_total_timeout=TOTAL, **changes)


def test_the_transport_keeps_httpx_s_pool_attribute():
    # deadline.py replaces HTTPTransport._pool; this fails if httpx renames it
    transport = deadline_transport()
    assert isinstance(transport._pool, httpcore.ConnectionPool)
    assert isinstance(transport._pool._network_backend, DeadlineBackend)
    transport.close()


def test_deadline_is_per_thread_and_cleared():
    assert time_left() is None
    set_deadline(5.0)
    assert 4.0 < time_left() <= 5.0
    clear_deadline()
    assert time_left() is None


def test_fetch_of_a_trickling_server_ends_at_the_deadline(trickler):
    with Fetcher(_settings()) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(trickler.url("/article"))
        assert time.monotonic() - started < TOTAL + MARGIN
        assert fetcher.stats["fetch/deadline"] == 1
        # it missed twice in a row: the host rests, the next fetch fails without a request
        asked = len(trickler.requests)
        with pytest.raises(FetchError, match="asks it again in"):
            fetcher.fetch(trickler.url("/other"))
        assert len(trickler.requests) == asked


@pytest.mark.parametrize("command", ["extract", "follow"])
def test_cli_extract_and_follow_end_within_the_deadline(trickler, tmp_path, monkeypatch, command):
    monkeypatch.setenv("STORYLINE_FETCH_TIMEOUT", str(DEADLINE))
    monkeypatch.setenv("STORYLINE_FETCH_TOTAL_TIMEOUT", str(TOTAL))
    monkeypatch.setenv("STORYLINE_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "none.toml"))
    args = [command, trickler.url("/story")]
    if command == "follow":
        args += ["--db", str(tmp_path / "s.db")]
    started = time.monotonic()
    result = CliRunner().invoke(cli, args)
    assert time.monotonic() - started < TOTAL + MARGIN
    assert result.exit_code == 1
    assert "timed out" in result.output
    assert "Traceback" not in result.output


def test_poll_fetches_the_good_host_beside_a_trickling_one(trickler, tmp_path):
    settings = _settings(poll_hosts=4)
    with (
        Newsroom() as room,
        Store.open(tmp_path / "p.db", settings) as store,
        Fetcher(settings) as fetcher,
    ):
        now = datetime.now(UTC)
        store.add_source(trickler.url("/feeds/rss.xml"), "feed", 900, now=now)
        for index in range(3):  # pages on the slow host too: they wait their own turn
            store.add_page(trickler.url(f"/news/{index}"), first_seen=now)
        pipeline.follow(store, fetcher, room.url("/feeds/rss.xml"), now=now)
        started = time.monotonic()
        report = pipeline.poll(store, fetcher, settings, visit_all=True)
        elapsed = time.monotonic() - started
        good = set(room.article_urls()) - {room.url(PRIVATE_PATH)}
        visited = {p.url for p in store.pages_followed() if p.last_visit_at is not None}
        assert good <= visited
        failed = {url for url, _ in report.failures}
        assert trickler.url("/feeds/rss.xml") in failed
        assert all(trickler.url(f"/news/{i}") in failed for i in range(3))
        assert not {u for u in failed if u.startswith(room.base())} - {room.url(PRIVATE_PATH)}
        # the slow host's four items cost two deadlines, then it rests; not 4 x TOTAL
        assert elapsed < 2 * TOTAL + MARGIN
