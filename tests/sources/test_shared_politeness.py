"""Politeness kept in the store (issue #17): host turns and robots.txt answers are shared
by every process on one database, on SQLite and on PostgreSQL, so `follow` then `poll`
in separate processes keep a Crawl-delay of 5 s between their requests and read
robots.txt once per its expiry."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import httpx
import pytest
from fixtures.hostile import GOOD_ARTICLE, PageServer
from fixtures.newsroom import newsroom_settings

from sources.fakes import FakeClock, public_resolver
from storyline.sources.fetch import Fetcher
from storyline.sources.robots import ROBOTS_TTL
from storyline.sources.shared import StoredRobots
from storyline.store import Store
from storyline.store.politeness import StorePoliteness, install_secret


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return request.getfixturevalue("postgres_url")


def test_turns_reserved_from_two_stores_are_spaced_by_the_delay(database):
    settings = newsroom_settings()
    stores = [Store.open(database, settings) for _ in range(2)]  # as two processes would
    starts: list[float] = []

    def reserve(store: Store) -> None:
        shared = StorePoliteness(store)
        for _ in range(5):
            starts.append(shared.reserve("news.example", 5.0, 1000.0).start)

    threads = [threading.Thread(target=reserve, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(starts) == [1000.0 + 5.0 * i for i in range(10)]
    for store in stores:
        store.close()


def test_misses_rest_and_recovery_are_shared(database):
    with Store.open(database, newsroom_settings()) as one, Store.open(database) as two:
        first, second = StorePoliteness(one), StorePoliteness(two)
        assert first.missed("slow.example") == 1
        assert second.missed("slow.example") == 2
        first.rest("slow.example", 5000.0)
        assert second.resting_until("slow.example") == 5000.0
        second.recovered("slow.example")
        assert first.resting_until("slow.example") is None
        assert first.reserve("slow.example", 1.0, 10.0).misses == 0


def test_robots_answers_and_secrets_are_kept(database):
    with Store.open(database, newsroom_settings()) as store:
        shared = StorePoliteness(store)
        assert shared.load("https://news.example") is None
        shared.save("https://news.example", StoredRobots(200, b"User-agent: *", 99.0), 1.0)
        shared.save("https://news.example", StoredRobots(None, b"", 120.0), 2.0)
        assert shared.load("https://news.example") == StoredRobots(None, b"", 120.0)
        secret = install_secret(store, "csrf")
        assert len(secret) >= 40 and install_secret(store, "csrf") == secret


def test_robots_txt_is_fetched_once_per_expiry_by_fetchers_on_one_database(tmp_path):
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, headers={"Content-Type": "text/html"}, text="<p>hi</p>")

    clock = FakeClock()
    settings = newsroom_settings(allow_private=False)
    db = tmp_path / "robots.db"

    def fetch(path: str) -> None:
        with (
            Store.open(db, settings) as store,
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            Fetcher(
                settings,
                client,
                clock=clock,
                resolver=public_resolver,
                shared=StorePoliteness(store),
            ) as fetcher,
        ):
            fetcher.fetch("https://news.example" + path)

    fetch("/a")
    fetch("/b")  # a new Fetcher and Store: what a second command would have
    assert asked == ["/robots.txt", "/a", "/b"]
    clock.sleep(ROBOTS_TTL + 1)
    fetch("/c")
    assert asked[-2:] == ["/robots.txt", "/c"]


@pytest.mark.slow
def test_follow_then_poll_in_two_processes_keep_crawl_delay(tmp_path):
    pages = {
        "/robots.txt": b"User-agent: *\nCrawl-delay: 5\n",
        "/news/bridge": GOOD_ARTICLE.encode(),
    }
    db = str(tmp_path / "crawl.db")
    env = {
        **os.environ,
        "STORYLINE_CONFIG": str(tmp_path / "none.toml"),
        "STORYLINE_THROTTLE_ADAPTIVE": "false",
    }
    with PageServer(pages) as site:
        for command in (["follow", site.url("/news/bridge")], ["poll", "--all"]):
            done = subprocess.run(
                [sys.executable, "-m", "storyline", *command, "--db", db, "--allow-private"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
        times = [when for _, when in site.times]
        paths = [path for path, _ in site.times]
    assert paths == ["/robots.txt", "/news/bridge", "/news/bridge"]  # robots.txt read once
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap >= 5.0 for gap in gaps), gaps
