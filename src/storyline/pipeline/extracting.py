"""A stream of captures extracted under the budget, in input order.

The batch ingest and the Spark backfill's executors both read captures from archives
and need them extracted (``ingest_work.extract_capture``) with the same guarantees: at
most ``4 × workers`` captures between reading and extracted, so memory stays flat; each
page under the extraction budget (a page over ``extract_budget`` seconds or
``extract_memory_mb`` comes back as its problem, ``too_slow`` / ``too_big``, and its
worker is replaced, see ``storyline.sandbox``); and the results in input order, whatever
order the workers finish in, so that page ids, versions and copies come out the same for
any number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool

from storyline.pipeline.ingest_work import Extracted, extract_capture
from storyline.sandbox import Budget, WorkerPool, budget_error
from storyline.sandbox.pool import WARM
from storyline.sources.captures import Capture, Rejected

# A result for a capture that needs no extraction (a repeat of a payload already
# extracted), or None to extract it.
Reuse = Callable[[Capture], Extracted | None]


def extract_in_order(
    captures: Iterable[Capture],
    workers: int,
    budget: Budget,
    reuse: Reuse | None = None,
    pools: ExtractionPools | None = None,
) -> Generator[tuple[Capture, Extracted], None, None]:
    """Each capture with its extraction, in input order; bad pages come back as problems.

    ``workers`` processes extract under ``budget``; with the budget off (both limits 0)
    and one worker, captures are extracted in this process. ``reuse`` is asked first, as
    each capture is read: a result it gives is used as is. Closing the iterator stops
    the workers at once. ``pools``, when given, are the caller's, kept open after the
    stream ends so that its next stream starts without new workers (a worker's first
    pages cost about half a CPU-second more than its later ones).
    """
    numbers: dict[int, int] = {}
    todo = _numbered(captures, numbers)
    inline = workers == 1 and budget.timeout is None and budget.memory_mb <= 0
    if inline:
        return _in_input_order(_extract_inline(todo, reuse), numbers)
    pool = _extract_pool(
        todo, pools or ExtractionPools(workers, budget), reuse, keep=pools is not None
    )
    return _in_input_order(pool, numbers)


def _numbered(captures: Iterable[Capture], numbers: dict[int, int]) -> Iterator[Capture]:
    """Pass ``captures`` on, noting each one's place in the input (by ``id``)."""
    for number, capture in enumerate(captures):
        numbers[id(capture)] = number
        yield capture


def _in_input_order(
    results: Iterator[tuple[Capture, Extracted]], numbers: dict[int, int]
) -> Generator[tuple[Capture, Extracted], None, None]:
    """Extraction results in input order, whatever order the workers finished in. A
    result waits only for those before it (each bounded by the worker's time on one
    page)."""
    waiting: dict[int, tuple[Capture, Extracted]] = {}
    expected = 0
    try:
        for capture, result in results:
            waiting[numbers.pop(id(capture))] = (capture, result)
            while expected in waiting:
                yield waiting.pop(expected)
                expected += 1
        for number in sorted(waiting):  # a result that never came: keep order for the rest
            yield waiting.pop(number)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stop the pool now, whether we finished or were interrupted


def _extract_inline(
    captures: Iterable[Capture], reuse: Reuse | None
) -> Iterator[tuple[Capture, Extracted]]:
    for capture in captures:
        found = reuse(capture) if reuse is not None else None
        yield capture, found if found is not None else extract_capture(capture)


def _extract_pool(
    captures: Iterable[Capture], pools: ExtractionPools, reuse: Reuse | None, keep: bool
) -> Iterator[tuple[Capture, Extracted]]:
    """Extract in the pools' processes, at most 4 a worker in flight (a reused result
    counts until it is handed on, so reading never runs ahead); with ``keep`` the pool
    stays open after a finished stream (an interrupted one stops it: a new one starts
    with the next stream)."""
    budget = pools.budget
    limit = pools.workers * 4
    pools.retried.clear()  # ids of the last stream's captures may be reused by this one's
    pending: dict[Future[Extracted], Capture] = {}
    finished = False
    try:
        for capture in captures:
            found = reuse(capture) if reuse is not None else None
            job = _done(found) if found is not None else pools.submit(capture)
            pending[job] = capture
            if len(pending) >= limit:
                yield from _collect(pending, budget, pools)
        while pending:
            yield from _collect(pending, budget, pools)
        finished = True
    finally:
        if not keep or not finished:
            pools.close(cancel=not finished)


class ExtractionPools:
    """The worker pool, replaced when it breaks as a whole.

    pebble's pool breaks when a worker dies between tasks (killed while it read a large
    task from the pipe it shares with the others: "all workers expired"): the tasks it
    had started fail with ``BrokenProcessPool``, and those still queued never run. The
    captures of both are extracted again in a new pool, once each; a capture caught in a
    second break is reported as its problem (``extract_failed``). A caller that keeps
    them across streams (``extract_in_order``'s ``pools``) closes them when done.
    """

    def __init__(self, workers: int, budget: Budget) -> None:
        self.workers, self.budget = workers, budget
        self.pool = self._new()
        self.retried: set[int] = set()  # id() of the captures extracted again
        self.owners: dict[Future[Extracted], WorkerPool] = {}  # the pool of each task

    def _new(self) -> WorkerPool:
        return WorkerPool(
            self.workers, self.budget, preload=(*WARM, "storyline.pipeline.ingest_work")
        )

    def submit(self, capture: Capture) -> Future[Extracted]:
        if self.pool.broken:
            self.pool.close(cancel=True)
            self.pool = self._new()
        future = self.pool.submit(extract_capture, capture)
        self.owners[future] = self.pool
        return future

    def stranded(self, futures: Iterable[Future[Extracted]]) -> set[Future[Extracted]]:
        """The unfinished ``futures`` whose pool broke: they will never finish."""
        return {
            f
            for f in futures
            if not f.done() and (owner := self.owners.get(f)) is not None and owner.broken
        }

    def retry(self, capture: Capture) -> Future[Extracted] | None:
        """The capture submitted again after a break, or None when it was already."""
        if id(capture) in self.retried:
            return None
        self.retried.add(id(capture))
        return self.submit(capture)

    def close(self, cancel: bool) -> None:
        self.pool.close(cancel=cancel)


def _done(result: Extracted) -> Future[Extracted]:
    future: Future[Extracted] = Future()
    future.set_result(result)
    return future


# How often a wait for results checks that the pool has not broken (seconds).
_CHECK_EVERY = 1.0


def _collect(
    pending: dict[Future[Extracted], Capture], budget: Budget, pools: ExtractionPools
) -> Iterator[tuple[Capture, Extracted]]:
    done: set[Future[Extracted]] = set()
    while not done:
        done, _ = wait(pending, timeout=_CHECK_EVERY, return_when=FIRST_COMPLETED)
        if not done:
            done = pools.stranded(pending)
            for future in done:
                future.cancel()
    for future in done:
        capture = pending.pop(future)
        pools.owners.pop(future, None)
        try:
            result = future.result()
        except (BrokenProcessPool, CancelledError) as exc:
            again = pools.retry(capture)
            if again is not None:
                pending[again] = capture
                continue
            result = _failed(capture, f"the extraction pool broke twice: {exc!r}")
        except Exception as exc:
            problem = budget_error(exc, budget)
            if problem is None:  # a worker that died of something else: that page's problem
                result = _failed(capture, f"the extraction worker died: {exc!r}")
            else:
                rejected = Rejected(problem.kind, capture.origin, str(problem))
                result = Extracted(None, problems=[rejected])
        yield capture, result


def _failed(capture: Capture, detail: str) -> Extracted:
    return Extracted(None, problems=[Rejected("extract_failed", capture.origin, detail)])
