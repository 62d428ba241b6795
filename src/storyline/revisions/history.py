"""A page's versions from all its captures at once: the batch twin of the version writer.

The store's version writer (``store/versions.py``) takes captures one at a time, in any
order, and keeps this invariant: captures sorted by (time, content hash); a *version* is
the first capture of each run of equal content; each version's changes compare it with
the version before. With every capture of a page at hand (an archive backfill groups them
by URL), the same versions come from one sort and one scan, which is what this module does
— no database, so it runs anywhere (a Spark executor, a test).

Two captures at the same time with the same hash are one capture: the first in input
order stands (the writer keeps the one it stored first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

P = TypeVar("P")


@dataclass(frozen=True)
class Sighting(Generic[P]):
    """One capture of a page: when, what content (its hash), where in the input, and what
    the caller carries along with it (the article, the raw page...)."""

    fetched_at: datetime
    content_hash: str
    order: tuple[Any, ...]  # where it was in the input: settles exact repeats
    payload: P


@dataclass
class Run(Generic[P]):
    """A version: the first sighting of a run of equal content, and every sighting in it."""

    number: int
    first: Sighting[P]
    sightings: list[Sighting[P]] = field(default_factory=list)


def version_runs(sightings: Iterable[Sighting[P]]) -> list[Run[P]]:
    """The page's versions, oldest first, exactly as the version writer would keep them."""
    ordered = sorted(sightings, key=lambda s: (s.fetched_at, s.content_hash, s.order))
    runs: list[Run[P]] = []
    previous: Sighting[P] | None = None
    for sighting in ordered:
        if previous is not None and _same_capture(previous, sighting):
            continue  # the same capture again: the first one in input order stands
        if not runs or runs[-1].first.content_hash != sighting.content_hash:
            runs.append(Run(len(runs) + 1, sighting))
        runs[-1].sightings.append(sighting)
        previous = sighting
    return runs


def _same_capture(a: Sighting[P], b: Sighting[P]) -> bool:
    return a.fetched_at == b.fetched_at and a.content_hash == b.content_hash
