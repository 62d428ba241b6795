"""Threading stored pages into stories: the pages of a pass, or every page again.

Threading is online (``storyline.stories.threading``): the stored stories are always what
one pass over every threaded page version, in the order threading saw them, gives. That
order and each version's prepared input are logged (``store.story_log``), so
``thread_new_versions`` threads only the new pages into the threader its caller keeps
(``story_threader.LiveThreader``: a ``watch`` keeps one for all its passes) and rewrites
only the stories they touched, and ``rethread`` replays the whole log: page by page, in
batches, or all at once, the stories agree by construction. Each pass is one write
transaction (``Store.writing``); the text work (entities, features) is done before it
opens. The stored stories are read with ``storyline.store.stories``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from storyline.config import Settings
from storyline.pipeline import story_pass
from storyline.pipeline.story_pass import (
    FreshPage,
    ThreadReport,
    in_threading_order,
    prepare_fresh,
    thread_pages,
)
from storyline.pipeline.story_threader import LiveThreader
from storyline.store.db import Store
from storyline.store.duplicates import single_version_signatures
from storyline.store.stories import pending
from storyline.stories.entities import EntityRecognizer
from storyline.stories.threading import ThreadingOptions

# Told (pages prepared, pages to thread) during a threading pass, for progress displays.
ThreadingProgress = Callable[[int, int], None]

__all__ = [
    "LiveThreader",
    "ThreadReport",
    "ThreadingProgress",
    "rethread",
    "thread_new_versions",
    "threading_options",
    "write_every_story",
]


def threading_options(settings: Settings) -> ThreadingOptions:
    """The threading options of these settings (what every pass and snapshot uses)."""
    return ThreadingOptions(half_life=settings.story_half_life)


def thread_new_versions(
    store: Store,
    urls: Iterable[str] | None = None,
    settings: Settings | None = None,
    recognizer: EntityRecognizer | None = None,
    positions: Mapping[str, int] | None = None,
    workers: int = 1,
    threader: LiveThreader | None = None,
    progress: ThreadingProgress | None = None,
) -> ThreadReport:
    """Thread the latest versions of these pages (default: every stored page) into stories.

    Pages whose latest version is already threaded are skipped after one cheap query, so
    ``poll``, ``watch`` and ``ingest`` can call it after each pass with the pages they
    visited, or with no URLs at all. Only the new pages are read; the stories they join or
    merge are rewritten. Pass a ``recognizer`` to reuse a loaded spaCy model, or
    ``workers`` to find the entities of many pages in that many processes, and the
    store's ``threader`` kept from an earlier pass (else one starts from the snapshot).
    ``progress`` is told (pages prepared, pages to thread) as the entities are found, the
    slow part; (n, n) means the stories are being written.

    The new pages are threaded in a defined order that depends only on the input: their
    publication time (else first capture), then their place in ``positions`` (URL -> its
    first position in the caller's input, as ``ingest`` gives), then their URL; never the
    order in which they happened to be stored.
    """
    started, cpu = time.perf_counter(), time.process_time()
    settings = settings or Settings()  # every setting at its default
    options = threading_options(settings)
    report = ThreadReport()
    waiting = pending(store, urls)
    worker_cpu: dict[int, float] = {}
    if waiting:
        total = len(waiting)
        if progress is not None:
            progress(0, total)
        told = (lambda done: progress(done, total)) if progress is not None else None
        signatures = single_version_signatures(store, [row.page_id for row, _ in waiting])
        fresh = in_threading_order(
            prepare_fresh(
                waiting, options, recognizer, settings, workers, worker_cpu, told, signatures
            ),
            positions or {},
        )
        live = threader or LiveThreader()
        thread_pages(store, live, options, fresh, report, rebuild=False)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu + sum(worker_cpu.values())
    return report


def rethread(
    store: Store,
    settings: Settings | None = None,
    recognizer: EntityRecognizer | None = None,
    workers: int = 1,
    threader: LiveThreader | None = None,
) -> ThreadReport:
    """Rebuild every story: thread any stored page not threaded yet, then replay the
    whole threading log and rewrite every story."""
    started = time.perf_counter()
    settings = settings or Settings()
    options = threading_options(settings)
    report = ThreadReport()
    waiting = pending(store, None)
    fresh: list[FreshPage] = []
    if waiting:
        signatures = single_version_signatures(store, [row.page_id for row, _ in waiting])
        fresh = in_threading_order(
            prepare_fresh(waiting, options, recognizer, settings, workers, signatures=signatures),
            {},
        )
    live = threader or LiveThreader()
    live.forget()
    thread_pages(store, live, options, fresh, report, rebuild=True)
    report.seconds = time.perf_counter() - started
    return report


def write_every_story(
    store: Store, options: ThreadingOptions, threader: LiveThreader | None = None
) -> int:
    """Place every threaded page and rewrite every story from the store's threader as it
    stands (its snapshot, else a replay of the log), threading nothing (``storyline
    load``). Returns how many stories were written."""
    return story_pass.write_every_story(store, options, threader or LiveThreader())
