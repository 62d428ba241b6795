"""Host lanes over batches of work: one host at a time per host, a bounded number of hosts
at once, and a slow host's item never holds up the batches after its own."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

from storyline.pipeline.lanes import run_lanes_over


def _batches(batches: list[list[str]], taken: list[int]) -> Iterator[list[str]]:
    for batch in batches:
        taken.append(len(batch))
        yield batch


def test_every_item_once_one_per_host_at_a_time_and_at_most_lanes_hosts():
    items = [f"https://h{n % 5}.example/{n}" for n in range(40)]
    busy: Counter[str] = Counter()
    most_hosts, lock = [0], threading.Lock()

    def work(url: str) -> str:
        host = url.split("/")[2]
        with lock:
            busy[host] += 1
            assert busy[host] == 1  # never two items of one host at once
            most_hosts[0] = max(most_hosts[0], sum(1 for n in busy.values() if n))
        time.sleep(0.002)
        with lock:
            busy[host] -= 1
        return url.upper()

    taken: list[int] = []
    batches = _batches([items[i : i + 8] for i in range(0, 40, 8)], taken)
    results = list(run_lanes_over(batches, lambda u: u, work, 3))
    assert sorted(r[0] for r in results) == sorted(items)
    assert all(r[1] == r[0].upper() and r[2] is None for r in results)
    assert most_hosts[0] <= 3 and taken == [8] * 5


def test_a_slow_host_does_not_hold_up_the_next_batches():
    slow = "https://slow.example/1"
    release = threading.Event()
    later = [[f"https://h{n}.example/{b}" for n in range(4)] for b in range(3)]
    seen: list[str] = []

    def work(url: str) -> str:
        if url == slow:
            release.wait(30)  # a slow host: answers only once the rest is done
        return url

    batches = iter([[slow, "https://h0.example/first"], *later])
    for item, _result, _error in run_lanes_over(batches, lambda u: u, work, 2):
        seen.append(item)
        if len(seen) == 1 + sum(map(len, later)):
            release.set()  # every other item was visited while the slow one waited
    assert seen[-1] == slow and len(seen) == 2 + sum(map(len, later))


def test_errors_come_back_with_their_item_and_the_lane_goes_on():
    def work(url: str) -> int:
        if url.endswith("/bad"):
            raise ValueError("broken page")
        return len(url)

    items = ["https://a.example/bad", "https://a.example/good", "https://b.example/x"]
    results = {item: (result, error) for item, result, error in run_lanes_over(
        iter([items]), lambda u: u, work, 2)}  # fmt: skip
    assert isinstance(results["https://a.example/bad"][1], ValueError)
    assert results["https://a.example/good"] == (len("https://a.example/good"), None)
    assert results["https://b.example/x"][1] is None


def test_stop_starts_nothing_more_and_a_closed_reader_stops_the_lanes():
    stop = threading.Event()
    items = [f"https://h{n}.example/{n}" for n in range(20)]
    started: list[str] = []

    def work(url: str) -> str:
        started.append(url)
        stop.set()
        return url

    done = list(run_lanes_over(iter([items]), lambda u: u, work, 1, stop))
    assert len(done) == len(started) == 1
    started.clear()
    gate = threading.Event()

    def slow_after_first(url: str) -> str:
        started.append(url)
        if len(started) > 1:
            gate.wait(2)  # still in progress when the reader goes away
        return url

    reader = run_lanes_over(iter([items]), lambda u: u, slow_after_first, 1)
    next(reader)
    reader.close()  # the caller stopped reading (an error in poll): the lanes stop too
    assert len(started) <= 2  # the one in progress finishes; nothing more starts
