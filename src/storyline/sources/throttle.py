"""Per-host rate limit: at most one request every ``delay`` seconds to one host.

The policy is three pure functions: ``host_delay`` (ours or the site's Crawl-delay),
``adapt_delay`` (with ``throttle_adaptive``: a host that answers slowly is given more
time, so a pool of workers keeps about one request in flight there) and ``wait_time``.
``Throttle`` only keeps when each host's last request started and what it learned, and
sleeps. The wait happens under a per-host
lock and the start time is taken after it, so the spacing holds between the moments
requests really start, even when a thread wakes late; threads fetching different hosts
never wait for each other.
"""

from __future__ import annotations

import math
import threading

from storyline.sources.clock import Clock

MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is read as this
HOST_MISSES = 2  # deadline misses in a row after which a host is left alone for a while
HOST_BACKOFF = 60.0  # how long, at first; doubling with every further miss
HOST_BACKOFF_MAX = 3600.0


def host_delay(base: float, crawl_delay: float | None, cap: float = MAX_CRAWL_DELAY) -> float:
    """Seconds between two requests to a host: ours, or the site's Crawl-delay if longer."""
    wanted = max(base, 0.0)
    if crawl_delay is not None and crawl_delay > 0:
        wanted = max(wanted, min(crawl_delay, cap))
    return wanted


def adapt_delay(
    old: float, latency: float, status: int, floor: float, ceiling: float = MAX_CRAWL_DELAY
) -> float:
    """The next delay for a host that took ``latency`` seconds to answer (Scrapy's
    AutoThrottle rule, aiming at one request in flight): the latency averaged with the
    old delay, clamped to [floor, ceiling]; an error answer never lowers it."""
    new = (old + max(latency, 0.0)) / 2
    if status not in (200, 304) and new < old:
        new = old
    return min(max(new, floor), max(ceiling, floor))


def host_backoff(misses: int, base: float = HOST_BACKOFF, cap: float = HOST_BACKOFF_MAX) -> float:
    """Seconds a host is left alone after its ``misses``-th deadline miss in a row: none
    before ``HOST_MISSES`` (one slow page is the page's problem), then doubling."""
    if misses < HOST_MISSES:
        return 0.0
    return min(base * 2 ** (misses - HOST_MISSES), cap)


def wait_time(now: float, last_start: float, delay: float) -> float:
    """Seconds to wait before a request may start, ``delay`` after the last one started."""
    return max(last_start + delay - now, 0.0)


class Throttle:
    """Makes requests to one host wait their turn."""

    def __init__(self, delay: float, clock: Clock, adaptive: bool = False) -> None:
        self.delay = delay
        self.adaptive = adaptive
        self._clock = clock
        self._learned: dict[str, float] = {}  # per-host delay learned from response times
        self._last_start: dict[str, float] = {}
        self._misses: dict[str, int] = {}  # deadline misses in a row, per host
        self._resting_until: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def delay_for(self, host: str, crawl_delay: float | None = None) -> float:
        """The delay now applied to ``host``: ours, its Crawl-delay, or what it taught us."""
        return max(host_delay(self.delay, crawl_delay), self._learned.get(host, 0.0))

    def record(self, host: str, latency: float, status: int) -> None:
        """Learn from one answer how slow ``host`` is (when adaptive)."""
        if not self.adaptive:
            return
        with self._guard:
            old = self._learned.get(host, self.delay)
            self._learned[host] = adapt_delay(old, latency, status, self.delay)

    def wait(self, host: str, crawl_delay: float | None = None) -> float:
        """Block until a request to ``host`` may start; returns the seconds waited."""
        delay = self.delay_for(host, crawl_delay)
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one waiter per host at a time; other hosts are not held up
            waited = wait_time(
                self._clock.monotonic(), self._last_start.get(host, -math.inf), delay
            )
            if waited > 0:
                self._clock.sleep(waited)
            self._last_start[host] = self._clock.monotonic()
        return waited

    def missed(self, host: str) -> float:
        """Note that ``host`` missed a deadline; the seconds it is now left alone (0 until
        it has missed ``HOST_MISSES`` in a row)."""
        with self._guard:
            misses = self._misses[host] = self._misses.get(host, 0) + 1
            rest = host_backoff(misses)
            if rest > 0:
                self._resting_until[host] = self._clock.monotonic() + rest
        return rest

    def backed_off(self, host: str) -> float:
        """Seconds ``host`` is still left alone (0 when it may be asked)."""
        until = self._resting_until.get(host)
        return 0.0 if until is None else max(until - self._clock.monotonic(), 0.0)

    def recovered(self, host: str) -> None:
        """``host`` answered in time: its next miss starts the backoff from the bottom."""
        if host in self._misses:
            with self._guard:
                self._misses.pop(host, None)
                self._resting_until.pop(host, None)
