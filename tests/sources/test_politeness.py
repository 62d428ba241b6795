"""The pure policy functions behind robots, throttle, retry and the private-address rule."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from sources.fakes import FakeClock
from storyline.errors import BlockedError, FetchError
from storyline.sources.addresses import check_public_host, is_public_address
from storyline.sources.retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable,
    parse_retry_after,
)
from storyline.sources.robots import agent_token, robots_url, robots_verdict
from storyline.sources.throttle import (
    MAX_CRAWL_DELAY,
    Throttle,
    adapt_delay,
    host_delay,
    wait_time,
)

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, "parse"),
        (204, "parse"),
        (404, "allow_all"),
        (403, "allow_all"),
        (401, "allow_all"),
        (310, "allow_all"),
        (429, "unreachable"),
        (500, "unreachable"),
        (503, "unreachable"),
        (None, "unreachable"),
    ],
)
def test_robots_verdict_follows_rfc_9309(status, verdict):
    assert robots_verdict(status) == verdict


def test_robots_url_and_token():
    assert robots_url("https://a.example:8443/x/y?q=1") == "https://a.example:8443/robots.txt"
    assert agent_token("storyline/0.1 (+https://x)") == "storyline"
    assert agent_token("") == "*"


def test_host_delay_takes_the_longer_and_caps_crawl_delay():
    assert host_delay(2.0, None) == 2.0
    assert host_delay(2.0, 10.0) == 10.0
    assert host_delay(2.0, 1.0) == 2.0
    assert host_delay(0.0, 86400.0) == MAX_CRAWL_DELAY
    assert host_delay(-1.0, None) == 0.0


def test_wait_time():
    assert wait_time(10.0, 5.0, 2.0) == 0.0
    assert wait_time(10.0, 9.5, 2.0) == 1.5
    assert wait_time(10.0, float("-inf"), 2.0) == 0.0


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (501, False),
        (505, False),
        (404, False),
        (403, False),
        (200, False),
        (304, False),
    ],
)
def test_is_retryable(status, retry):
    assert is_retryable(status) is retry


def test_parse_retry_after():
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("", NOW) is None


def test_backoff_grows_and_is_capped():
    assert [backoff_delay(a, 0.5, 3.0) for a in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_policy():
    policy = RetryPolicy(retries=2, max_wait=10.0)
    assert policy.wait_before_retry(0, 503) == 0.5
    assert policy.wait_before_retry(1, None) == 1.0
    assert policy.wait_before_retry(2, 503) is None  # out of retries
    assert policy.wait_before_retry(0, 404) is None
    assert policy.wait_before_retry(0, 429, retry_after=4.0) == 4.0
    assert policy.wait_before_retry(0, 429, retry_after=11.0) is None


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("100.64.1.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_is_public_address(ip, public):
    assert is_public_address(ip) is public


def test_check_public_host_checks_every_resolved_address():
    check_public_host("ok.example", lambda host: ["8.8.8.8"])
    with pytest.raises(BlockedError, match="10.0.0.1"):
        check_public_host("mixed.example", lambda host: ["8.8.8.8", "10.0.0.1"])
    with pytest.raises(FetchError, match="no address"):
        check_public_host("empty.example", lambda host: [])


def test_throttle_makes_threads_take_turns():
    class YieldingClock(FakeClock):
        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            time.sleep(0.002)  # let the other threads run while this one "sleeps"

    clock = YieldingClock()
    throttle = Throttle(2.0, clock)
    with ThreadPoolExecutor(5) as pool:
        list(pool.map(lambda _: throttle.wait("news.example"), range(10)))
        list(pool.map(lambda _: throttle.wait("other.example"), range(3)))
    # waits of 2, 4, 6... would overlap if two threads read the same last start
    assert clock.sleeps == [2.0] * 11


def test_adapt_delay_follows_latency_and_is_clamped():
    assert adapt_delay(2.0, 6.0, 200, floor=2.0) == 4.0
    assert adapt_delay(4.0, 0.1, 200, floor=2.0) == 2.05
    assert adapt_delay(2.0, 0.0, 200, floor=2.0) == 2.0  # never below throttle_delay
    assert adapt_delay(8.0, 1.0, 503, floor=2.0) == 8.0  # an error never lowers it
    assert adapt_delay(2.0, 10.0, 503, floor=2.0) == 6.0  # but may raise it
    assert adapt_delay(50.0, 500.0, 200, floor=2.0) == MAX_CRAWL_DELAY
    assert adapt_delay(1.0, 0.2, 304, floor=0.0) == 0.6


def test_throttle_learns_per_host_only_when_adaptive():
    clock = FakeClock()
    fixed, learning = Throttle(1.0, clock), Throttle(1.0, clock, adaptive=True)
    for throttle in (fixed, learning):
        throttle.record("slow.example", 9.0, 200)
    assert fixed.delay_for("slow.example") == 1.0
    assert learning.delay_for("slow.example") == 5.0
    assert learning.delay_for("fast.example") == 1.0
    assert learning.delay_for("slow.example", crawl_delay=7.0) == 7.0
    learning.wait("slow.example")
    learning.wait("slow.example")
    assert clock.sleeps == [5.0]
