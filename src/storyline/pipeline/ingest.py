"""Batch ingest: archives, folders and JSONL into the store, extraction in parallel.

The shape is a three-stage stream: the parent reads records lazily (``sources.archives``),
a process pool extracts them (``ingest_work``) under the extraction budget, in input
order (``extracting.extract_in_order``: a page over ``extract_budget`` seconds or
``extract_memory_mb`` is reported as ``too_slow`` / ``too_big``, its worker replaced),
and the parent alone writes the store (``storing.store_version``), one transaction per
capture, its signature indexed for the copy detector in the same transaction. At most
``4 × workers`` captures are between reading and writing, so memory stays flat however
large the archive. Each capture becomes a version of its URL at its capture time; the
Store keeps versions in capture order whatever the file order.

Interrupting is safe: a capture is either stored whole or not at all, and a re-run skips
captures already stored (same URL and capture time) before spending time extracting them.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from storyline.config import Settings
from storyline.duplicates import LshParams
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.extracting import extract_in_order
from storyline.pipeline.ingest_work import Extracted
from storyline.pipeline.storing import store_version
from storyline.pipeline.threading_pass import thread_stored
from storyline.sandbox import Budget
from storyline.sources.archives import InputMeter, input_files, read_captures
from storyline.sources.captures import KEPT_KINDS, Capture, Rejected
from storyline.store.db import Store
from storyline.store.ingested import article_with_hash, captured

_EXAMPLES = 3  # problem origins kept per kind for the report
_DIGESTS = 50_000  # (url, payload digest) pairs remembered to skip re-extracting repeats
_CHUNK = 32  # records read ahead per "already stored?" query

Phase = Literal["reading", "extracting", "threading", "done"]


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
    threading_cpu_seconds: float = 0.0
    # Where the run is, for progress displays: "reading" until the first page is written
    # (a re-run first skips what is stored), then "extracting", then "threading".
    phase: Phase = "reading"
    input_fraction: float | None = None  # share of the input files' bytes read so far
    threading_prepared: int = 0  # pages whose entities are found, while threading
    threading_total: int = 0  # pages the threading pass has to thread

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
            "threading_cpu_seconds": round(self.threading_cpu_seconds, 3),
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
    run = _Run(store, params, on_progress, stop or threading.Event(), InputMeter.of(files))
    started = time.monotonic()
    todo = run.pending(read_captures(files, settings.fetch_max_bytes, run.meter))
    budget = Budget.from_settings(settings)
    extracted = extract_in_order(todo, count, budget, reuse=run.reused)
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
        run.report.phase = "threading"
        run._progress()
        threaded = thread_stored(
            store, settings, positions=run.positions, workers=count, progress=run.threading
        )
        run.report.stories_written = threaded.stories_written
        run.report.threading_seconds = threaded.seconds
        run.report.threading_cpu_seconds = threaded.cpu_seconds
    run.report.phase = "done"
    return run.report


class _Run:
    """The parent's side of one ingest: filter what is new, then write results."""

    def __init__(
        self,
        store: Store,
        params: LshParams,
        on_progress: Progress | None,
        stop: threading.Event,
        meter: InputMeter,
    ):
        self.store, self.on_progress, self.stop, self.meter = store, on_progress, stop, meter
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
                else:
                    yield item

    def write(self, capture: Capture, result: Extracted) -> None:
        """Store one extracted capture and index its signature for copy detection."""
        key = self._keys.pop(id(capture), None)
        self.report.phase = "extracting"
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

    def reused(self, capture: Capture) -> Extracted | None:
        """The article of a capture whose payload repeats an earlier capture of its URL,
        read back from the store instead of extracted again (crawls revisit unchanged
        pages all the time); None to extract it."""
        key = self._keys[id(capture)] = capture.payload_key()
        content_hash = self._digests.get(key) if key else None
        article = article_with_hash(self.store, capture.url, content_hash) if content_hash else None
        return Extracted(article) if article is not None else None

    def _remember(self, key: tuple[str, bytes] | None, content_hash: str) -> None:
        if key is not None:
            self._digests[key] = content_hash
            self._digests.move_to_end(key)
            if len(self._digests) > _DIGESTS:
                self._digests.popitem(last=False)

    def threading(self, prepared: int, total: int) -> None:
        """The threading pass has found the entities of ``prepared`` of ``total`` pages."""
        self.report.threading_prepared, self.report.threading_total = prepared, total
        self._progress()

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.report.input_fraction = self.meter.fraction
            self.on_progress(self.report)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
