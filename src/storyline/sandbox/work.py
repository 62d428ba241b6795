"""What runs inside an extraction worker: set-up, and the page extraction itself.

``extract_page_bytes`` is the one place that tells a plain-text page from an HTML one and
hands the charset on: ``storyline extract``, ``follow``/``poll``/``watch`` (through an
``Extractor``), ``reextract`` and the batch ingest's and Spark's workers
(``pipeline/ingest_work.py``) all extract pages with it. Imported by the forkserver
before it forks workers (``pool.context``), so a new worker starts with the extractor
loaded. Nothing here touches a database or the network.
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from storyline.extract import extract_article, extract_text
from storyline.extract.html import MAX_PAGE_BYTES, decode_html
from storyline.logs import configure_logging
from storyline.model import Article
from storyline.sandbox.budget import EXIT_TOO_BIG, limit_memory

P = ParamSpec("P")
R = TypeVar("R")
_IN_WORKER = False  # set in worker processes only: there a MemoryError ends the process


def worker_init(memory_mb: int) -> None:
    """Pool initializer: cap memory, leave Ctrl-C to the parent, quiet the libraries'
    per-page warnings (a new worker has no logging set up).

    SIGTERM gets its default action back: pebble installs a Python handler, which cannot
    run while the parser is inside C code, so stopping a worker over budget waited 3 s
    for pebble's fallback SIGKILL; with the default action it ends at once (the pool
    stops a worker only while holding its channel lock, so nothing is half-sent)."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(0)
    limit_memory(memory_mb)


def out_of_memory() -> None:
    """In a worker, end the process with ``EXIT_TOO_BIG`` (the pool replaces it and the
    parent reports ``too_big``); in the main process, do nothing (the caller re-raises)."""
    if _IN_WORKER:
        os._exit(EXIT_TOO_BIG)


def memory_guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a MemoryError in ``func`` into the worker's ``too_big`` exit."""

    @functools.wraps(func)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except MemoryError:
            out_of_memory()
            raise

    return guarded


@memory_guarded
def extract_page_bytes(
    data: bytes,
    url: str | None,
    content_type: str | None = None,
    is_text: bool = False,
    max_bytes: int = MAX_PAGE_BYTES,
) -> Article:
    """The Article of one page's bytes: a plain-text page (``is_text``, or a ``text/plain``
    ``content_type``) or an HTML one; ``content_type`` is the HTTP header, whose charset
    ``extract.decode`` weighs with the page's own (the one place charsets are read)."""
    if is_text or (content_type or "").split(";")[0].strip().lower() == "text/plain":
        return extract_text(decode_html(data, content_type, max_bytes=max_bytes), url=url)
    return extract_article(data, url=url, content_type=content_type, max_bytes=max_bytes)
