"""The text work of threading many pages: entities, thread time and prepared features.

Named-entity recognition is most of the cost of threading a page (spaCy reads every
word), so pages are never sent through spaCy one at a time: their texts go through one
``nlp.pipe`` call in batches, and a large batch of pages (an ingest, a rethread) is split
into chunks prepared by several processes, each loading the pipeline once. The results
come back in the order the pages were given, so how the work was spread never changes
what is threaded.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from storyline.model import Article, Entity
from storyline.stories.entities import (
    DEFAULT_MODEL,
    EntityRecognizer,
    SpacyRecognizer,
    article_texts,
    entities_of_articles,
    shared_pipeline,
)
from storyline.stories.threading import Prepared, ThreadingOptions, prepare, thread_item

CHUNK = 48  # pages per task: large enough to batch spaCy, small enough to share out
PARALLEL_FROM = 2 * CHUNK  # fewer pages than this are prepared in this process


@dataclass(frozen=True)
class PageText:
    """One page to prepare: its key (page id), article and when it was first seen, and
    the copy detector's signature of its body when the store has it (``signature``)."""

    key: str
    article: Article
    seen_at: datetime
    signature: bytes | None = None


@dataclass(frozen=True)
class PreparedPage:
    """A page ready to thread: its entities, thread time and prepared threading input
    (``item`` is None when the article has nothing to thread)."""

    entities: list[Entity]
    thread_time: float
    item: Prepared | None


def threadable(article: Article) -> bool:
    """Whether an article has anything to thread: a headline or some body text."""
    return not article.no_article and bool((article.title or "").strip() or article.body_text)


def prepare_pages(
    pages: Sequence[PageText],
    recognizer: EntityRecognizer,
    options: ThreadingOptions,
    lead_words: int = 0,
) -> list[PreparedPage]:
    """Prepare ``pages`` in this process, all their texts through one batched pass (the
    recognizer reading each article's first ``lead_words`` words; 0: all of them)."""
    kept = [page for page in pages if threadable(page.article)]
    found = iter(entities_of_articles([p.article for p in kept], recognizer, lead_words))
    prepared = []
    for page in pages:
        entities = next(found) if threadable(page.article) else []
        item = thread_item(page.article, entities, key=page.key, seen_at=page.seen_at)
        ready = prepare(item, options, page.signature) if threadable(page.article) else None
        prepared.append(PreparedPage(entities, item.time, ready))
    return prepared


def prepare_in_processes(
    pages: Sequence[PageText],
    options: ThreadingOptions,
    model: str = DEFAULT_MODEL,
    workers: int = 1,
    lead_words: int = 0,
    worker_cpu: dict[int, float] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PreparedPage]:
    """``prepare_pages`` with the default spaCy pipeline of ``model``, in ``workers``
    processes when there are enough pages to pay for loading it in each (in order).
    ``worker_cpu``, when given, receives the CPU seconds of each worker process (by pid,
    loading included), which the parent's own clock does not see; ``progress`` is told
    how many pages are prepared so far, chunk by chunk (this is the slow part of
    threading, worth a progress display)."""
    chunks = [list(pages[i : i + CHUNK]) for i in range(0, len(pages), CHUNK)]
    if workers <= 1 or sum(map(_cased, pages)) < PARALLEL_FROM:
        # Few pages for the model to read (a batch of lower-case headlines has none):
        # not worth loading it in other processes.
        recognizer = SpacyRecognizer(model)
        prepared = []
        for chunk in chunks:
            prepared.extend(prepare_pages(chunk, recognizer, options, lead_words))
            if progress is not None:
                progress(len(prepared))
        return prepared
    context = _context()
    with ProcessPoolExecutor(
        min(workers, len(chunks)), mp_context=context, initializer=_start, initargs=(model,)
    ) as pool:
        count = len(chunks)
        results = pool.map(
            _prepare_chunk, chunks, [options] * count, [model] * count, [lead_words] * count
        )
        prepared = []
        for pid, cpu, done in results:
            prepared.extend(done)
            if worker_cpu is not None:
                worker_cpu[pid] = max(worker_cpu.get(pid, 0.0), cpu)
            if progress is not None:
                progress(len(prepared))
        return prepared


def _cased(page: PageText) -> bool:
    """Whether the page has text the entity model reads: any capital letter."""
    return threadable(page.article) and any(
        any(ch.isupper() for ch in text) for text in article_texts(page.article)
    )


def _context() -> multiprocessing.context.BaseContext:
    """Forkserver where there is one (no threads or database handles inherited), else
    spawn; the entity module is imported once in the server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("forkserver")


def _start(model: str) -> None:
    """Worker initializer: Ctrl-C is the parent's to handle; load the pipeline once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    shared_pipeline(model)


def _prepare_chunk(
    pages: list[PageText], options: ThreadingOptions, model: str, lead_words: int
) -> tuple[int, float, list[PreparedPage]]:
    """A chunk prepared, with this worker's pid and CPU seconds so far."""
    prepared = prepare_pages(pages, SpacyRecognizer(model), options, lead_words)
    return os.getpid(), time.process_time(), prepared
