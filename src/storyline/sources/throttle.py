"""Per-host rate limit: at most one request every ``delay`` seconds to one host.

The policy is two pure functions (``host_delay``, ``next_slot``); ``Throttle`` only keeps
each host's next free slot and sleeps. Slots are reserved under a lock and slept outside
it, so threads fetching different hosts never wait for each other.
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


def next_slot(now: float, free_at: float, delay: float) -> tuple[float, float]:
    """When the next request may start, and when the one after it may."""
    start = max(now, free_at)
    return start, start + delay


class Throttle:
    """Makes requests to one host wait their turn."""

    def __init__(self, delay: float, clock: Clock) -> None:
        self.delay = delay
        self._clock = clock
        self._free_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, crawl_delay: float | None = None) -> float:
        """Block until a request to ``host`` may start; returns the seconds waited."""
        delay = host_delay(self.delay, crawl_delay)
        with self._lock:
            now = self._clock.monotonic()
            start, self._free_at[host] = next_slot(now, self._free_at.get(host, -math.inf), delay)
        waited = start - now
        if waited > 0:
            self._clock.sleep(waited)
        return max(waited, 0.0)
