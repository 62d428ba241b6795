"""Batch ingest: archives, folders and JSONL into the store, extraction in parallel.

The shape is a three-stage stream: the parent reads records lazily (``sources.archives``),
a process pool extracts them (``ingest_work``) under the extraction budget (a page over
``extract_budget`` seconds or ``extract_memory_mb`` is reported as ``too_slow`` /
``too_big``, its worker replaced, see ``storyline.sandbox``), and the parent alone writes
the store, one transaction per capture. At most ``in_flight`` captures are between
reading and writing, so memory stays flat however large the archive. Each capture
becomes a version of its URL at its capture time; the Store keeps versions in capture
order whatever the file order.

Interrupting is safe: a capture is either stored whole or not at all, and a re-run skips
captures already stored (same URL and capture time) before spending time extracting them.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from storyline.config import Settings
from storyline.duplicates import LshParams
from storyline.errors import StoreError
from storyline.ingest_work import Extracted, extract_capture
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.storing import store_version
from storyline.sandbox import Budget, WorkerPool, budget_error
from storyline.sandbox.pool import WARM
from storyline.sources.archives import input_files, read_captures
from storyline.sources.captures import KEPT_KINDS, Capture, Rejected
from storyline.store.db import Store
from storyline.store.ingested import article_with_hash, captured
from storyline.store.stories import ThreadReport, thread_new_versions

_EXAMPLES = 3  # problem origins kept per kind for the report
_DIGESTS = 50_000  # (url, payload digest) pairs remembered to skip re-extracting repeats
_CHUNK = 32  # records read ahead per "already stored?" query
_THREAD_ATTEMPTS = 3  # threading passes tried when another process threads at once


@dataclass
class IngestReport:
    """What a run did: records read, versions added, problems by kind, time taken."""

    records: int = 0
    stored: int = 0
    unchanged: int = 0
    skipped: int = 0
    copies: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False
    stories_written: int = 0
    threading_seconds: float = 0.0

    @property
    def records_per_second(self) -> float:
        """Records read and handled per second of wall time."""
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def note(self, problem: Rejected) -> None:
        """Count a problem and keep the first few places it happened."""
        self.problems[problem.kind] += 1
        shown = self.examples.setdefault(problem.kind, [])
        if len(shown) < _EXAMPLES:
            shown.append(
                f"{problem.origin}: {problem.detail}" if problem.detail else problem.origin
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``ingest --json``)."""
        return {
            "records": self.records,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "copies": self.copies,
            "problems": dict(sorted(self.problems.items())),
            "skipped_problems": sum(n for k, n in self.problems.items() if k not in KEPT_KINDS),
            "examples": self.examples,
            "seconds": round(self.seconds, 3),
            "records_per_second": round(self.records_per_second, 1),
            "stories_written": self.stories_written,
            "threading_seconds": round(self.threading_seconds, 3),
            "interrupted": self.interrupted,
        }


Progress = Callable[[IngestReport], None]


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    settings: Settings,
    workers: int | None = None,
    on_progress: Progress | None = None,
    stop: threading.Event | None = None,
    thread: bool = True,
) -> IngestReport:
    """Store every capture found under ``paths``; bad records are counted, never fatal.

    ``workers`` processes extract pages (default: the ``ingest_workers`` setting, 0 = one
    per core), each page under the extraction budget; with the budget off
    (``extract_budget`` and ``extract_memory_mb`` 0) and one worker, pages are extracted
    in this process. Setting ``stop`` (the CLI does on Ctrl-C) ends
    the run between two captures; a KeyboardInterrupt also stops it, and each capture is
    one transaction, so nothing is half-written. Either way the report comes back with
    ``interrupted`` set and a re-run picks up where this one stopped. With ``thread``, a
    completed run then threads the stored pages into stories (spaCy entities included, so
    a big archive may prefer ``thread=False`` and ``storyline rethread`` later).
    """
    files = input_files(paths)
    count = workers or settings.ingest_workers or os.cpu_count() or 1
    params = LshParams.for_threshold(settings.duplicate_threshold)
    run = _Run(store, params, on_progress, stop or threading.Event())
    started = time.monotonic()
    numbers: dict[int, int] = {}
    todo = _numbered(run.pending(read_captures(files, settings.fetch_max_bytes)), numbers)
    budget = Budget.from_settings(settings)
    inline = count == 1 and budget.timeout is None and budget.memory_mb <= 0
    pool = _extract_inline(todo) if inline else _extract_pool(todo, count, budget)
    extracted = _in_input_order(pool, numbers)
    try:
        for capture, result in extracted:
            run.write(capture, result)
            if run.stop.is_set():
                break
    except KeyboardInterrupt:
        run.stop.set()
    finally:
        extracted.close()  # stops the pool now, whether we finished or were interrupted
    run.report.interrupted = run.stop.is_set()
    run.report.seconds = time.monotonic() - started
    if thread and not run.report.interrupted:
        threaded = _thread_stored(store, settings, run.positions, count)
        run.report.stories_written = threaded.stories_written
        run.report.threading_seconds = threaded.seconds
    return run.report


def _thread_stored(
    store: Store, settings: Settings, positions: dict[str, int], workers: int
) -> ThreadReport:
    """Thread what this run stored. Another process (a second ingest, ``watch``) may be
    threading the same pages now; when its write lands first, ours fails on the story
    tables, and a second look finds the pages threaded and only what is left to do."""
    for attempt in range(_THREAD_ATTEMPTS):
        try:
            return thread_new_versions(
                store, settings=settings, positions=positions, workers=workers
            )
        except StoreError:
            if attempt + 1 == _THREAD_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


class _Run:
    """The parent's side of one ingest: filter what is new, then write results."""

    def __init__(
        self, store: Store, params: LshParams, on_progress: Progress | None, stop: threading.Event
    ):
        self.store, self.on_progress, self.stop = store, on_progress, stop
        self.copies = CopyIndexer(params)
        self.report = IngestReport()
        self._digests: OrderedDict[tuple[str, bytes], str] = OrderedDict()
        # Each in-flight capture's digest key, by id(capture): hashed once, when it is read.
        self._keys: dict[int, tuple[str, bytes] | None] = {}
        # Each URL's first position in the input: threading order must not depend on the
        # order in which the workers finish (ties in time are broken by it).
        self.positions: dict[str, int] = {}

    def pending(self, records: Iterable[Capture | Rejected]) -> Iterator[Capture]:
        """Captures that still need extracting; refusals, repeats and stored ones are settled.

        Records are read ``_CHUNK`` at a time so that one query tells which are stored."""
        for chunk in _chunks(records, _CHUNK):
            captures = [item for item in chunk if isinstance(item, Capture)]
            stored = captured(self.store, [(c.url, c.fetched_at) for c in captures])
            done = {id(c) for c, is_stored in zip(captures, stored, strict=True) if is_stored}
            for item in chunk:
                if self.stop.is_set():
                    return
                self.report.records += 1
                if isinstance(item, Capture):
                    self.positions.setdefault(item.url, len(self.positions))
                if isinstance(item, Rejected):
                    self.report.note(item)
                    self._progress()
                elif id(item) in done:
                    self.report.skipped += 1
                    self._progress()
                elif not self._reuse(item):
                    yield item

    def write(self, capture: Capture, result: Extracted) -> None:
        """Store one extracted capture and index its signature for copy detection."""
        key = self._keys.pop(id(capture), None)
        for problem in result.problems:
            self.report.note(problem)
        if result.article is not None:
            raw = result.raw or (capture.html if capture.kind == "html" else None)
            stored = store_version(
                self.store,
                capture.url,
                capture.fetched_at,
                result.article,
                raw,
                "text/html" if raw else None,
                copies=self.copies,
                signature=result.signature,
                encoded=result.encoded,
            )
            if stored.created:
                self.report.stored += 1
            else:
                self.report.unchanged += 1
            self._remember(key, stored.version.content_hash)
        self.report.copies = self.copies.copies
        self._progress()

    def _reuse(self, capture: Capture) -> bool:
        """Store a capture whose payload repeats an earlier capture of its URL without
        extracting it again (crawls revisit unchanged pages all the time)."""
        key = self._keys[id(capture)] = capture.payload_key()
        content_hash = self._digests.get(key) if key else None
        article = article_with_hash(self.store, capture.url, content_hash) if content_hash else None
        if article is None:
            return False
        self.write(capture, Extracted(article))
        return True

    def _remember(self, key: tuple[str, bytes] | None, content_hash: str) -> None:
        if key is not None:
            self._digests[key] = content_hash
            self._digests.move_to_end(key)
            if len(self._digests) > _DIGESTS:
                self._digests.popitem(last=False)

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.report)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _numbered(captures: Iterator[Capture], numbers: dict[int, int]) -> Iterator[Capture]:
    """Pass ``captures`` on, noting each one's place in the input (by ``id``)."""
    for number, capture in enumerate(captures):
        numbers[id(capture)] = number
        yield capture


def _in_input_order(
    results: Iterator[tuple[Capture, Extracted]], numbers: dict[int, int]
) -> Iterator[tuple[Capture, Extracted]]:
    """Extraction results in input order, whatever order the workers finished in, so that
    page ids, versions and copies come out the same for any number of workers. A result
    waits only for those before it (each bounded by the worker's time on one page)."""
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


def _extract_inline(captures: Iterable[Capture]) -> Iterator[tuple[Capture, Extracted]]:
    for capture in captures:
        yield capture, extract_capture(capture)


def _extract_pool(
    captures: Iterable[Capture], workers: int, budget: Budget
) -> Iterator[tuple[Capture, Extracted]]:
    """Extract in ``workers`` processes, at most ``4 × workers`` captures in flight; a
    capture over the budget comes back as its problem (too_slow, too_big)."""
    pool = WorkerPool(workers, budget, preload=(*WARM, "storyline.ingest_work"))
    limit = workers * 4
    pending: dict[Future[Extracted], Capture] = {}
    finished = False
    try:
        for capture in captures:
            pending[pool.submit(extract_capture, capture)] = capture
            if len(pending) >= limit:
                yield from _collect(pending, budget)
        while pending:
            yield from _collect(pending, budget)
        finished = True
    finally:
        pool.close(cancel=not finished)


def _collect(
    pending: dict[Future[Extracted], Capture], budget: Budget
) -> Iterator[tuple[Capture, Extracted]]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        capture = pending.pop(future)
        try:
            result = future.result()
        except Exception as exc:
            problem = budget_error(exc, budget)
            if problem is None:  # a worker that died of something else: that page's problem
                problem_kind, detail = "extract_failed", f"the extraction worker died: {exc!r}"
            else:
                problem_kind, detail = problem.kind, str(problem)
            result = Extracted(None, problems=[Rejected(problem_kind, capture.origin, detail)])
        yield capture, result
