"""Per-host rate limit: at most one request every ``delay`` seconds to one host.

The policy is two pure functions (``host_delay``, ``wait_time``); ``Throttle`` only keeps
when each host's last request started, and sleeps. The wait happens under a per-host
lock and the start time is taken after it, so the spacing holds between the moments
requests really start, even when a thread wakes late; threads fetching different hosts
never wait for each other.
"""

from __future__ import annotations

import math
import threading

from storyline.sources.clock import Clock

MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is read as this


def host_delay(base: float, crawl_delay: float | None, cap: float = MAX_CRAWL_DELAY) -> float:
    """Seconds between two requests to a host: ours, or the site's Crawl-delay if longer."""
    wanted = max(base, 0.0)
    if crawl_delay is not None and crawl_delay > 0:
        wanted = max(wanted, min(crawl_delay, cap))
    return wanted


def wait_time(now: float, last_start: float, delay: float) -> float:
    """Seconds to wait before a request may start, ``delay`` after the last one started."""
    return max(last_start + delay - now, 0.0)


class Throttle:
    """Makes requests to one host wait their turn."""

    def __init__(self, delay: float, clock: Clock) -> None:
        self.delay = delay
        self._clock = clock
        self._last_start: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def wait(self, host: str, crawl_delay: float | None = None) -> float:
        """Block until a request to ``host`` may start; returns the seconds waited."""
        delay = host_delay(self.delay, crawl_delay)
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
