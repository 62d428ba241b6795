"""A short-lived cache for the pages everyone reads alike (home, article and story lists),
and, in a cache of its own, for searches (a popular search is asked by many at once).

These pages are the same for every visitor and the most requested; the home page joins
stories, their pages' latest versions and a week of activity. Their data (and the home
page's HTML, whose "12 min ago" may so lag by a few seconds) is kept for a few seconds
and dropped as soon as the database changes: for a SQLite file the token is the size and
modification time of the file and its WAL, which every commit from any process changes.
Other databases get no token, so nothing is cached there, unless a cache is made with
``untracked_ttl``: then its values are kept that long even though no commit can drop them
(the story index, a second's work at 10,000 articles, is kept half a minute on
PostgreSQL).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from storyline.store import Store

TTL_SECONDS = 5.0
MAX_ENTRIES = 64


class DataCache:
    """Results of read-only data functions, by key, valid while the database is unchanged."""

    def __init__(
        self,
        store: Store,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
        untracked_ttl: float = 0.0,
    ):
        self._files = _sqlite_files(store)
        self._ttl = ttl if self._files else untracked_ttl
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._items: dict[Hashable, tuple[tuple[int, ...] | None, float, Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for ``key``, or ``compute()`` (then cached)."""
        token = self._token()
        if token is None and not self._ttl:
            return compute()
        now = self._clock()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] == token and now - hit[1] < self._ttl:
            return hit[2]
        value = compute()
        with self._lock:
            if len(self._items) >= self._max_entries:
                self._items.clear()
            self._items[key] = (token, now, value)
        return value

    def _token(self) -> tuple[int, ...] | None:
        if not self._files:
            return None if not self._ttl else ()
        token: list[int] = []
        for path in self._files:
            try:
                stat = os.stat(path)
                token += [stat.st_mtime_ns, stat.st_size]
            except FileNotFoundError:
                token += [0, 0]
        return tuple(token)


def _sqlite_files(store: Store) -> list[Path]:
    url = store.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return []
    path = Path(url.database)
    return [path, path.with_name(path.name + "-wal")]
