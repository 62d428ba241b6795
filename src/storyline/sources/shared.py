"""Politeness state that several processes share: what the throttle and the robots.txt
cache need to keep somewhere other than their own memory.

Two small protocols, each with an in-memory implementation here (one process: tests,
`storyline extract URL`, `probe`) and a database one in ``storyline.store.politeness``
(every command on one database: `follow` then `poll`, or `watch` beside `poll`, keep a
site's Crawl-delay together and read its robots.txt once per expiry).

Times are seconds on one clock per implementation: ``time.monotonic()``-like in memory,
Unix time in the database (processes share no monotonic clock).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Slot:
    """A reserved turn at a host: when it starts, and the host's deadline record."""

    start: float
    misses: int = 0
    resting_until: float | None = None


class HostSlots(Protocol):
    """Each host's next free moment, and how it has been missing its deadlines."""

    def reserve(self, host: str, delay: float, now: float) -> Slot:
        """Take the host's next turn: it starts at the later of ``now`` and the last
        turn's start plus ``delay``. Atomic across processes."""
        ...

    def started_late(self, host: str, started: float) -> None:
        """A request began after its slot, at ``started``: the next turn counts from it."""
        ...

    def missed(self, host: str) -> int:
        """Count a deadline miss of ``host``; the misses in a row, this one included."""
        ...

    def rest(self, host: str, until: float) -> None:
        """Leave ``host`` alone until ``until``."""
        ...

    def resting_until(self, host: str) -> float | None:
        """Until when the host is left alone, if it is."""
        ...

    def recovered(self, host: str) -> None:
        """The host answered in time: its misses start again from zero."""
        ...


@dataclass(frozen=True)
class StoredRobots:
    """A robots.txt answer as kept: status (None: unreachable), body, and the time it
    stops being used."""

    status: int | None
    body: bytes
    expires_at: float


class RobotsStore(Protocol):
    """robots.txt answers by origin, with their expiry."""

    def load(self, origin: str) -> StoredRobots | None:
        """The answer kept for ``origin``, fresh or not."""
        ...

    def save(self, origin: str, answer: StoredRobots, fetched_at: float) -> None:
        """Keep ``answer`` for ``origin`` (replacing what was kept)."""
        ...


class SharedPoliteness(HostSlots, RobotsStore, Protocol):
    """Both: what the store offers the Fetcher."""


class MemorySlots:
    """``HostSlots`` in this process's memory."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._misses: dict[str, int] = {}
        self._resting: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, delay: float, now: float) -> Slot:
        with self._lock:
            last = self._last.get(host)
            start = now if last is None else max(last + delay, now)
            self._last[host] = start
            return Slot(start, self._misses.get(host, 0), self._resting.get(host))

    def started_late(self, host: str, started: float) -> None:
        with self._lock:
            self._last[host] = max(self._last.get(host, started), started)

    def missed(self, host: str) -> int:
        with self._lock:
            misses = self._misses[host] = self._misses.get(host, 0) + 1
        return misses

    def rest(self, host: str, until: float) -> None:
        with self._lock:
            self._resting[host] = until

    def resting_until(self, host: str) -> float | None:
        return self._resting.get(host)

    def recovered(self, host: str) -> None:
        with self._lock:
            self._misses.pop(host, None)
            self._resting.pop(host, None)
