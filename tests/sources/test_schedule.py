"""The revisit policy: a dense ladder first, then the page's own pace, until max age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fixtures.newsroom import newsroom_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.sources.schedule import (
    LADDER,
    MAX_INTERVAL,
    MIN_INTERVAL,
    adaptive_interval,
    backoff_after_failure,
    interleave_hosts,
    next_article_visit,
    next_feed_visit,
)

T0 = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
SETTINGS = newsroom_settings(revisit_max_age=7 * 86400.0)
H = timedelta(hours=1)
D = timedelta(days=1)


def visits(change_at: list[timedelta], until: timedelta = 8 * D) -> list[timedelta]:
    """Simulate: visit, then ask for the next visit, until the policy says stop."""
    seen: list[timedelta] = []
    now = T0
    while True:
        changes = [T0 + c for c in change_at if T0 + c <= now]
        nxt = next_article_visit(T0, now, changes, SETTINGS)
        if nxt is None or nxt - T0 > until:
            return seen
        assert nxt > now
        seen.append(nxt - T0)
        now = nxt


def test_feed_visit():
    assert next_feed_visit(T0, 900) == T0 + timedelta(minutes=15)
    assert next_feed_visit(T0, 0) == T0 + timedelta(seconds=1)


def test_unchanging_page_follows_the_ladder_then_daily_then_stops():
    assert visits([]) == [*LADDER, 4 * D, 5 * D, 6 * D, 7 * D]


def test_stops_at_max_age():
    assert next_article_visit(T0, T0 + 7 * D, [], SETTINGS) is None
    assert next_article_visit(T0, T0 + 7 * D - H, [], SETTINGS) == T0 + 7 * D
    short = newsroom_settings(revisit_max_age=2 * 3600.0)
    assert next_article_visit(T0, T0 + H, [], short) == T0 + 2 * H


def test_page_changing_fast_is_visited_more_often_than_the_ladder():
    every_20_min = [timedelta(minutes=20 * i) for i in range(1, 100)]
    early = [v for v in visits(every_20_min) if v <= 12 * H]
    assert len(early) > len([s for s in LADDER if s <= 12 * H]) * 2


def test_after_the_ladder_the_interval_follows_observed_changes():
    # changed about every 6 hours during its first four days
    changes = [timedelta(hours=6 * i) for i in range(1, 17)]
    now = T0 + 4 * D
    interval = next_article_visit(T0, now, [T0 + c for c in changes], SETTINGS) - now
    assert 5 * H <= interval <= 7 * H


def test_page_gone_quiet_slows_down():
    burst = [T0 + timedelta(minutes=m) for m in (5, 10, 15, 20)]
    now = T0 + 4 * D
    assert next_article_visit(T0, now, burst, SETTINGS) - now == MAX_INTERVAL
    assert adaptive_interval(T0, T0 + 2 * H, burst) == timedelta(minutes=50)  # (120 - 20) / 2


def test_changes_outside_the_window_are_ignored():
    later = [T0 + 10 * D]
    assert adaptive_interval(T0, T0 + 4 * D, later) == adaptive_interval(T0, T0 + 4 * D, [])


def test_failure_backoff():
    assert backoff_after_failure(T0, 1) == T0 + timedelta(minutes=5)
    assert backoff_after_failure(T0, 2) == T0 + timedelta(minutes=10)
    assert backoff_after_failure(T0, 4) == T0 + timedelta(minutes=40)
    assert backoff_after_failure(T0, 50) == T0 + D
    assert backoff_after_failure(T0, 0) == T0 + timedelta(minutes=5)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 8 * 86400), st.lists(st.floats(0, 8 * 86400), max_size=30))
def test_next_visit_is_in_the_future_bounded_and_before_max_age(age_s, change_s):
    now = T0 + timedelta(seconds=age_s)
    changes = [T0 + timedelta(seconds=s) for s in change_s]
    nxt = next_article_visit(T0, now, changes, SETTINGS)
    stop = T0 + timedelta(seconds=SETTINGS.revisit_max_age)
    if now >= stop:
        assert nxt is None
    else:
        assert nxt is not None and now < nxt <= stop
        assert nxt - now <= max(MAX_INTERVAL, LADDER[-1] - LADDER[-2])
        assert nxt - now >= min(MIN_INTERVAL, stop - now) or nxt in {T0 + s for s in LADDER}


def test_interleave_hosts_round_robin_keeps_order_within_a_host():
    urls = [
        "https://a.example/1",
        "https://a.example/2",
        "https://a.example/3",
        "https://b.example/1",
        "https://C.example/1",
        "https://c.example/2",
    ]
    assert interleave_hosts(urls) == [
        "https://a.example/1",
        "https://b.example/1",
        "https://C.example/1",
        "https://a.example/2",
        "https://c.example/2",
        "https://a.example/3",
    ]
    pairs = [(1, "https://x.example/a"), (2, "https://x.example/b"), (3, "https://y.example/")]
    assert [n for n, _ in interleave_hosts(pairs, url_of=lambda p: p[1])] == [1, 3, 2]
    assert interleave_hosts([]) == []
