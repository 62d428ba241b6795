"""Per-host rate limit: at most one request every ``delay`` seconds to one host.

The policy is pure functions: ``host_delay`` (ours or the site's Crawl-delay),
``adapt_delay`` (with ``throttle_adaptive``: a host that answers slowly is given more
time, so a pool of workers keeps about one request in flight there), ``wait_time`` and
``host_backoff`` (how long a host that keeps missing its deadline is left alone).
``Throttle`` applies them over a ``HostSlots`` (``shared.py``): each request reserves
the host's next turn, and sleeps until it. In memory by default; given the store's
slots, every process on one database takes its turns from the same table, so `follow`,
`poll` and `watch` keep a site's Crawl-delay together. Threads of one process also take
a per-host lock around the reservation and the sleep, so they take turns in order;
threads fetching different hosts never wait for each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from storyline.sources.clock import Clock
from storyline.sources.shared import HostSlots, MemorySlots

MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is read as this
HOST_MISSES = 2  # deadline misses in a row after which a host is left alone for a while
HOST_BACKOFF = 60.0  # how long, at first; doubling with every further miss
HOST_BACKOFF_MAX = 3600.0
LATE = 0.005  # a request sent this much after its turn began moves the next turn back
# Shared turns are padded this much: each process sends its request a few ms after its
# turn begins (a new connection takes longer than a kept-alive one), and the site should
# see the full delay between requests, not the delay less that difference.
SHARED_PAD = 0.02


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
    return min(base * 2.0 ** (misses - HOST_MISSES), cap)


def wait_time(now: float, last_start: float, delay: float) -> float:
    """Seconds to wait before a request may start, ``delay`` after the last one started."""
    return max(last_start + delay - now, 0.0)


class Throttle:
    """Makes requests to one host wait their turn, and rests hosts that keep failing."""

    def __init__(
        self,
        delay: float,
        clock: Clock,
        adaptive: bool = False,
        slots: HostSlots | None = None,
    ) -> None:
        self.delay = delay
        self.adaptive = adaptive
        self._clock = clock
        self._slots: HostSlots = slots or MemorySlots()
        # the slots' own clock: the store's is Unix time, shared by every process
        self._now: Callable[[], float] = (
            (lambda: clock.now().timestamp()) if slots is not None else clock.monotonic
        )
        self._pad = SHARED_PAD if slots is not None else 0.0
        self._learned: dict[str, float] = {}  # per-host delay learned from response times
        self._known_misses: dict[str, int] = {}  # what the last reservation said
        self._turns: dict[str, float] = {}  # when this process's last turn at a host began
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
            if delay <= 0:
                return 0.0  # the throttle is off and no Crawl-delay: nothing to reserve
            slot = self._slots.reserve(host, delay + self._pad, self._now())
            self._known_misses[host] = slot.misses
            self._turns[host] = slot.start
            waited = wait_time(self._now(), slot.start, 0.0)
            if waited > 0:
                self._clock.sleep(waited)
        return waited

    def sent(self, host: str) -> None:
        """The request of this turn is being sent now: if that is later than the turn
        began (a late wake-up, a busy machine), the next turn counts from now."""
        began = self._turns.pop(host, None)
        now = self._now()
        if began is not None and now > began + LATE:
            self._slots.started_late(host, now)

    def missed(self, host: str) -> float:
        """Note that ``host`` missed a deadline; the seconds it is now left alone (0 until
        it has missed ``HOST_MISSES`` in a row)."""
        misses = self._slots.missed(host)
        self._known_misses[host] = misses
        rest = host_backoff(misses)
        if rest > 0:
            self._slots.rest(host, self._now() + rest)
        return rest

    def backed_off(self, host: str) -> float:
        """Seconds ``host`` is still left alone (0 when it may be asked)."""
        until = self._slots.resting_until(host)
        return 0.0 if until is None else max(until - self._now(), 0.0)

    def recovered(self, host: str) -> None:
        """``host`` answered in time: its next miss starts the backoff from the bottom."""
        if self._known_misses.get(host):
            self._slots.recovered(host)
            self._known_misses[host] = 0
