"""What the web benchmarks request: the targets, their URLs, and the words searched for.

Each target draws its next URL from a seeded random generator (article and story ids,
search words from the shared headlines), so the load benchmark (``web.py``) and the
in-process CPU benchmark (``web_cpu.py``) ask for the same kinds of URL.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from web_data import texts


@dataclass
class Target:
    """One thing to measure: a name and a function giving the next URL path."""

    name: str
    kind: str  # "page" or "api"
    path: Callable[[random.Random], str]
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    alone_p50: float = 0.0


def story_list_query(rng: random.Random, n_sites: int = 40) -> str:
    """A story list's query: one of 3 orders x 3 sizes x (any or one of the sites)."""
    sort = rng.choice(("latest", "active", "size"))
    size = rng.choice((1, 2, 5))
    site = rng.randrange(-1, n_sites)
    outlet = f"&outlet=site{site}.example" if site >= 0 else ""
    return f"sort={sort}&min_articles={size}{outlet}"


def targets(n_pages: int, n_stories: int, words: list[str]) -> list[Target]:
    """The pages and API calls measured, each drawing random ids and words (the story
    lists: random orders, sizes and outlets, 369 distinct lists)."""
    found = [
        Target("home page `/`", "page", lambda r: "/"),
        Target(
            "article page `/articles/{id}`", "page", lambda r: f"/articles/{r.randint(1, n_pages)}"
        ),
        Target("search page `/search?q=...`", "page", lambda r: f"/search?q={r.choice(words)}"),
        Target("API `/api/articles?limit=50`", "api", lambda r: "/api/articles?limit=50"),
        Target(
            "API `/api/articles/{id}`", "api", lambda r: f"/api/articles/{r.randint(1, n_pages)}"
        ),
        Target("API `/api/search?q=...`", "api", lambda r: f"/api/search?q={r.choice(words)}"),
    ]
    if n_stories:
        found.insert(
            1,
            Target(
                "story page `/stories/{id}`",
                "page",
                lambda r: f"/stories/{r.randint(1, n_stories)}",
            ),
        )
        found.append(
            Target(
                "API `/api/stories/{id}`",
                "api",
                lambda r: f"/api/stories/{r.randint(1, n_stories)}",
            )
        )
        found.insert(
            2,
            Target(
                "stories page `/stories?...`", "page", lambda r: f"/stories?{story_list_query(r)}"
            ),
        )
        found.append(
            Target("API `/api/stories?...`", "api", lambda r: f"/api/stories?{story_list_query(r)}")
        )
    return found


def words() -> list[str]:
    """Search words: the longer words of the first 2,000 shared headlines (2,770 of them)."""
    _, heads = texts()
    return sorted({w for h in heads[:2000] for w in h.lower().split() if len(w) > 4})


def database_counts(db: Path) -> dict[str, int]:
    """The row counts ``web_data.ensure_database`` recorded for the database at ``db``."""
    markers = sorted(db.parent.glob(db.stem + ".*-v2.ok"))
    if not markers:
        raise SystemExit(f"{db} is not built yet: run benchmarks/web.py once first")
    return json.loads(markers[-1].read_text())
