"""Stage 2 of the backfill, per page: its captures → its versions, changes and summary.

The executors group captures by URL (a shuffle) and hand each page's rows to
``page_rows``, which orders them as the version writer would (``revisions.history``),
compares consecutive versions with the revisions stage, and returns plain rows for the
output tables. Pure Python on dicts: the Spark job and the tests call the same function.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storyline.export import COLUMNS as EXPORT_COLUMNS
from storyline.model import Article
from storyline.revisions.changes import compare_articles
from storyline.revisions.history import Run, Sighting, version_runs

_ARTICLE_FIELDS = tuple(
    c
    for c in EXPORT_COLUMNS
    if c not in ("url", "version", "fetched_at", "content_hash", "copy_of")
)


@dataclass
class PageRows:
    """What one page contributes to the output tables."""

    url: str
    first_seen: datetime
    versions: list[dict[str, Any]] = field(default_factory=list)
    captures: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    signature: bytes | None = None  # the latest version's, for copy detection
    latest_json: str = ""  # the latest version's article, for threading


def page_rows(url: str, captures: Iterable[dict[str, Any]]) -> PageRows:
    """Versions (export columns + raw page), capture keys and changes of one page."""
    sightings = [
        Sighting(row["fetched_at"], row["content_hash"], _order(row), row) for row in captures
    ]
    runs = version_runs(sightings)
    articles = [_article(run) for run in runs]
    found = [[], *(compare_articles(a, b) for a, b in zip(articles, articles[1:], strict=False))]
    page = PageRows(url, runs[0].first.fetched_at)
    for run, article, changes in zip(runs, articles, found, strict=True):
        page.versions.append(_version_row(url, run, article))
        page.captures += [
            {"url": url, "fetched_at": s.fetched_at, "content_hash": s.content_hash}
            for s in run.sightings
        ]
        page.changes += [
            {
                "url": url,
                "version": run.number,
                "position": i,
                "kind": c.kind,
                "section": c.section,
                "before": c.before,
                "after": c.after,
            }
            for i, c in enumerate(changes)
        ]
    latest = runs[-1].first.payload
    page.signature, page.latest_json = latest["signature"], latest["article_json"]
    return page


def _order(row: dict[str, Any]) -> tuple[str, int]:
    """Input order: which file (by URI), then the record's place in it."""
    return (row["input"], row["position"])


def _article(run: Run[dict[str, Any]]) -> Article:
    return Article.from_dict(json.loads(run.first.payload["article_json"]))


def _version_row(url: str, run: Run[dict[str, Any]], article: Article) -> dict[str, Any]:
    first = run.first.payload
    data = article.to_dict()
    row: dict[str, Any] = {
        "url": url,
        "version": run.number,
        "fetched_at": run.first.fetched_at,
        "content_hash": run.first.content_hash,
        "copy_of": None,
    }
    row.update({name: data.get(name) for name in _ARTICLE_FIELDS})
    row["raw_html"], row["raw_type"] = first["raw_html"], first["raw_type"]
    row["article_json"], row["text_length"] = first["article_json"], len(article.body_text)
    return row
