"""Host lanes: due work grouped by host, the hosts visited concurrently (bounded), each
host's items one after another.

A pool of workers taking pages in turn lets one slow host hold every worker: each waits
out the deadline on that host while the other hosts' pages queue. With lanes a host
only ever holds one worker, so a slow or hanging host delays its own pages and no
other's, and one request at a time goes to each host (what the throttle aims for).
Workers are threads: they mostly wait on sockets; CPU work (extraction) goes to the
worker processes of ``storyline.sandbox``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
R = TypeVar("R")


def by_host(items: Iterable[T], url_of: Callable[[T], str]) -> list[list[T]]:
    """The items grouped by host (``netloc``), each group in its given order; the hosts
    with the most items first, so the longest lanes start first."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(urlsplit(url_of(item)).netloc.lower(), []).append(item)
    return sorted(groups.values(), key=len, reverse=True)


def run_lanes(
    items: Iterable[T],
    url_of: Callable[[T], str],
    work: Callable[[T], R],
    lanes: int,
    stop: threading.Event | None = None,
) -> Iterator[tuple[T, R | None, BaseException | None]]:
    """Run ``work`` on every item, at most ``lanes`` hosts at once and one item per host
    at a time; yields (item, result, None) or (item, None, error) as each finishes.

    Once ``stop`` is set, items not yet started are not started (they are not yielded).
    An exception from ``work`` is handed back with its item, never lost; the lane goes on
    with the host's next item.
    """
    stop = stop or threading.Event()
    done: queue.Queue[tuple[T, R | None, BaseException | None] | None] = queue.Queue()
    groups = by_host(items, url_of)

    def lane(group: list[T]) -> None:
        try:
            for item in group:
                if stop.is_set():
                    return
                try:
                    done.put((item, work(item), None))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    done.put((item, None, exc))
        finally:
            done.put(None)  # this lane is finished

    if not groups:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(lanes, len(groups)))) as pool:
        for group in groups:
            pool.submit(lane, group)
        open_lanes = len(groups)
        while open_lanes:
            finished = done.get()
            if finished is None:
                open_lanes -= 1
            else:
                yield finished
