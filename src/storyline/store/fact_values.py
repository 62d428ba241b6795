"""The values of a page's ``page_facts`` row, from its article: plain functions over the
model, so that migration 10 (which filled the table for older databases) and the store's
writers (``page_facts``) compute them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from storyline import times
from storyline.model import Article

# Whether the article stored at a URL is opinion rather than news (the stories stage's
# ``stories.opinion.is_opinion``, handed in by the pipeline).
OpinionRule = Callable[[Article, str], bool]


def not_judged(article: Article, url: str) -> bool:
    """The rule for a caller that hands in none: every page counts as news."""
    return False


def facts_of(article: Article, url: str, opinion: OpinionRule) -> dict[str, Any]:
    """The ``page_facts`` values of ``article`` (stored at ``url``)."""
    return {
        "published_at": published_time(article.published),
        "site_name": (article.site_name or "").strip()[:300] or None,
        "language": (article.language or "").strip()[:32] or None,
        "opinion": opinion(article, url),
    }


def published_time(value: str | None) -> datetime | None:
    """A page's ``published`` as a UTC time: a date alone is noon UTC of that day."""
    moment = times.parse(value)
    if moment is not None:
        return moment
    day = times.day(value)
    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time(12), tzinfo=UTC)
