"""When to visit a feed or an article again: pure functions of times, no I/O.

Articles change most in their first hours (an update block, a new headline, a
correction), so each is revisited on a dense ladder first: 15 min, 1 h, 3 h, 12 h, 1 d
and 3 d after it was first seen (sooner when it already changes faster). After the
ladder, the interval follows what the page has actually done: the observed time per
change (age / number of changes, the usual estimator for a page changing at a steady
rate), stretched to half the time since the last change once the page has gone quiet,
and clamped between 15 min and 1 d. A page that never changed is revisited at most
daily. Past ``settings.revisit_max_age`` after first sight, the page is no longer
revisited (``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from itertools import chain, zip_longest
from typing import TypeVar
from urllib.parse import urlsplit

from storyline.config import Settings

T = TypeVar("T")

LADDER = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=3),
)
MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=1)
FAILURE_BASE = timedelta(minutes=5)
FAILURE_CAP = timedelta(days=1)


def next_feed_visit(now: datetime, interval_s: float) -> datetime:
    """When a feed polled ``now`` is due again (``interval_s``: its own or feed_interval)."""
    return now + timedelta(seconds=max(interval_s, 1.0))


def next_article_visit(
    first_seen: datetime, now: datetime, change_times: list[datetime], settings: Settings
) -> datetime | None:
    """When to revisit an article visited ``now``; None once it is past revisit_max_age.

    ``change_times`` are the times the page was seen to change (new versions after the
    first), in any order.
    """
    stop = first_seen + timedelta(seconds=settings.revisit_max_age)
    if now >= stop:
        return None
    adaptive = now + adaptive_interval(first_seen, now, change_times)
    ladder_step = next((first_seen + step for step in LADDER if first_seen + step > now), None)
    if ladder_step is not None and change_times:
        return min(ladder_step, adaptive, stop)  # a page busier than the ladder is kept up with
    if ladder_step is not None:
        return min(ladder_step, stop)
    return min(adaptive, stop)


def adaptive_interval(
    first_seen: datetime, now: datetime, change_times: list[datetime]
) -> timedelta:
    """The revisit interval a page's own history suggests (see the module docstring)."""
    changes = sorted(t for t in change_times if first_seen <= t <= now)
    age = now - first_seen
    if not changes:
        return _clamp(age)
    per_change = age / len(changes)
    quiet = (now - changes[-1]) / 2
    return _clamp(max(per_change, quiet))


def backoff_after_failure(now: datetime, failures: int) -> datetime:
    """When to try a page or feed again after ``failures`` failures in a row (5 min,
    10 min, 20 min..., at most a day)."""
    steps = max(failures, 1) - 1
    wait = FAILURE_BASE * (1 << min(steps, 20))
    return now + min(wait, FAILURE_CAP)


def _clamp(interval: timedelta) -> timedelta:
    return max(MIN_INTERVAL, min(interval, MAX_INTERVAL))


def interleave_hosts(items: Iterable[T], url_of: Callable[[T], str] = str) -> list[T]:
    """Order due work round-robin across hosts (a, b, c, a, b, c...), keeping each host's
    own order. Handed out host by host, a pool's workers would all queue behind one
    host's throttle; interleaved, they keep different hosts busy at once."""
    by_host: dict[str, list[T]] = {}
    for item in items:
        by_host.setdefault(urlsplit(url_of(item)).netloc.lower(), []).append(item)
    rounds = zip_longest(*by_host.values())
    return [item for item in chain.from_iterable(rounds) if item is not None]
