"""Threading what a run stored, when other processes may be threading the same pages.

Several writers share one database: two ``ingest`` runs, ``watch`` followers on one
PostgreSQL, a ``poll`` from cron beside a ``watch``. Each threads the pages it stored
after its pass; when another's write of the same pages lands first, ours fails on the
story tables (a page is in one story once) and rolls back, and the live threader is
dropped (``LiveThreader.forget``). A second look then finds those pages threaded and does
only what is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from storyline.config import Settings
from storyline.errors import StoreError
from storyline.pipeline.stories import (
    LiveThreader,
    ThreadingProgress,
    ThreadReport,
    thread_new_versions,
)
from storyline.store.db import Store

ATTEMPTS = 3  # threading passes tried when other processes thread at the same time


def thread_stored(
    store: Store,
    settings: Settings,
    urls: Iterable[str] | None = None,
    positions: Mapping[str, int] | None = None,
    workers: int = 1,
    threader: LiveThreader | None = None,
    progress: ThreadingProgress | None = None,
) -> ThreadReport:
    """``thread_new_versions``, tried again (up to ``ATTEMPTS`` times) when another
    process's threading of the same pages made the write fail. ``threader``: the store's
    live threader, kept by the caller between passes; ``progress`` as there."""
    wanted = list(urls) if urls is not None else None
    live = threader or LiveThreader()
    for attempt in range(ATTEMPTS):
        try:
            return thread_new_versions(
                store,
                wanted,
                settings=settings,
                positions=positions,
                workers=workers,
                threader=live,
                progress=progress,
            )
        except StoreError:
            if attempt + 1 == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
