"""Host lanes: due work grouped by host, the hosts visited concurrently (bounded), each
host's items one after another.

A pool of workers taking pages in turn lets one slow host hold every worker: each waits
out the deadline on that host while the other hosts' pages queue. With lanes a host
only ever holds one worker, so a slow or hanging host delays its own pages and no
other's, and one request at a time goes to each host (what the throttle aims for).
Workers are threads: they mostly wait on sockets; CPU work (extraction) goes to the
worker processes of ``storyline.sandbox``.

Work arrives in batches (``run_lanes_over``: a poll claims what is due a batch at a
time, so several followers share it). The next batch is taken as soon as the lanes run
short of hosts to visit, not when the last batch is finished: a slow host's page from
an earlier batch holds its own lane, while the other lanes go on with the next batch.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
R = TypeVar("R")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


class _Hosts(Generic[T]):
    """The items waiting, by host, and the hosts being visited now (under one lock)."""

    def __init__(self, url_of: Callable[[T], str]) -> None:
        self.url_of = url_of
        self.waiting: dict[str, deque[T]] = {}
        self.busy: set[str] = set()
        self.exhausted = False  # no batch is left to take
        self.asked = False  # a lane asked for the next batch and it is not here yet
        self.lock = threading.Condition()

    def add(self, batch: list[T]) -> None:
        for item in batch:
            self.waiting.setdefault(_host(self.url_of(item)), deque()).append(item)

    def waiting_any(self) -> bool:
        return any(self.waiting.values())

    def wants_more(self, lanes: int, ahead: int) -> bool:
        """Whether to take the next batch now: lanes could start more than the free hosts'
        waiting items, and fewer than ``ahead`` items wait in all (so a follower never
        claims far more than it can visit soon, and leaves the rest to the others)."""
        if self.exhausted or self.asked:
            return False
        free = sum(len(q) for host, q in self.waiting.items() if host not in self.busy)
        return free < lanes and sum(map(len, self.waiting.values())) < ahead

    def take(self) -> tuple[str, T] | None:
        """The next item of the free host with the most waiting, or None."""
        free = [(len(q), h) for h, q in self.waiting.items() if q and h not in self.busy]
        if not free:
            return None
        _, host = max(free)
        self.busy.add(host)
        return host, self.waiting[host].popleft()


def run_lanes_over(
    batches: Iterator[list[T]],
    url_of: Callable[[T], str],
    work: Callable[[T], R],
    lanes: int,
    stop: threading.Event | None = None,
    ahead: int = 0,
) -> Iterator[tuple[T, R | None, BaseException | None]]:
    """Run ``work`` on every item of every batch, at most ``lanes`` hosts at once and one
    item per host at a time; yields (item, result, None) or (item, None, error) as each
    finishes. An exception from ``work`` is handed back with its item, never lost; the
    lane goes on with the host's next item. Once ``stop`` is set (or the caller stops
    reading), items not yet started are not started and not yielded.

    The next batch is taken (in the caller's thread, from ``batches``) when lanes could
    start more than the free hosts have waiting and fewer than ``ahead`` items wait in all
    (default: four per lane), so one slow host never holds up the batches after its own.
    """
    ahead = ahead or 4 * max(1, lanes)
    stop = stop or threading.Event()
    halt = threading.Event()  # the caller stopped reading: start nothing more
    hosts: _Hosts[T] = _Hosts(url_of)
    done: queue.Queue[tuple[T, R | None, BaseException | None] | str] = queue.Queue()
    lanes = max(1, lanes)

    def stopped() -> bool:
        return stop.is_set() or halt.is_set()

    def lane() -> None:
        try:
            while True:
                with hosts.lock:
                    taken = hosts.take()
                    while taken is None and not stopped():
                        if hosts.exhausted and not hosts.waiting_any():
                            return
                        if hosts.wants_more(lanes, ahead):
                            hosts.asked = True
                            done.put("more")
                        hosts.lock.wait(0.5)
                        taken = hosts.take()
                if taken is None or stopped():
                    return
                host, item = taken
                try:
                    done.put((item, work(item), None))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    done.put((item, None, exc))
                finally:
                    with hosts.lock:
                        hosts.busy.discard(host)
                        hosts.lock.notify_all()
        finally:
            done.put("finished")

    def refill() -> None:
        batch = None if stopped() else next(batches, None)
        with hosts.lock:
            if batch:
                hosts.add(batch)
            else:
                hosts.exhausted = True
            hosts.asked = False
            hosts.lock.notify_all()

    refill()
    if hosts.exhausted and not hosts.waiting_any():
        return
    threads = [threading.Thread(target=lane, daemon=True) for _ in range(lanes)]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            finished = done.get()
            if isinstance(finished, str):
                if finished == "finished":
                    running -= 1
                else:  # "more": a lane has nothing to visit
                    refill()
                continue
            yield finished
            with hosts.lock:
                short = hosts.wants_more(lanes, ahead)
                hosts.asked = hosts.asked or short
            if short:
                refill()
    finally:
        halt.set()
        with hosts.lock:
            hosts.lock.notify_all()
        for thread in threads:
            thread.join()
