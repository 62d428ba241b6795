"""What the threader reads: its options, the item to thread, and the prepared item.

``prepare`` does the text work of threading an item (tokens, word pairs, body terms,
entity names, the body's proper names, the syndication signature) once, with no state,
so a store can log the result and replay it without reading any article again;
``thread_item`` makes an item of a stored article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storyline.duplicates import TextSignature as Signature
from storyline.duplicates import text_signature
from storyline.model import Article, Entity
from storyline.stories.features import (
    anchor_names,
    body_features,
    entity_features,
    headline_features,
    tokenize,
)


@dataclass(frozen=True)
class ThreadingOptions:
    """Hyper-parameters of the threader; the defaults were chosen on full-text articles
    (ECB+) and headlines (Google News) together (``docs/benchmarks.md``, ``## Stories``)."""

    threshold: float = 0.11
    merge_threshold: float = 0.15
    merge_candidate: float = 0.07
    pair_weight: float = 1.0
    headline_weight: float = 5.0  # a headline's norm, whatever its length (0: unscaled)
    size_prior: float = 0.4
    half_life: float | None = None
    body_weight: float = 4.0
    body_terms: int = 300
    entity_weight: float = 1.5
    duplicate_similarity: float = 0.5  # storyline.duplicates' threshold (its benchmark)
    idf_prior: int = 100  # pseudo-documents: early items are not judged on a tiny IDF
    anchor_coverage: float = 0.35  # share of an item's names a story must hold (0: off)


@dataclass
class ThreadItem:
    """One article (or headline) to thread; ``key`` is its URL or any unique id."""

    key: str
    title: str
    body: str = ""
    time: float = 0.0
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """An item reduced to what threading reads: raw feature weights (before IDF) and the
    signature that finds syndicated copies. JSON-friendly, so a store can keep it."""

    key: str
    time: float
    features: dict[str, float]
    signature: Signature
    anchors: dict[str, int] = field(default_factory=dict)  # the body's names, counted


def prepare(
    item: ThreadItem, options: ThreadingOptions, known_signature: bytes | None = None
) -> Prepared:
    """The text work of threading ``item``: tokens, word pairs, body terms, entity names,
    the body's proper names (a body that only repeats the headline adds nothing), and the
    copy detector's signature (``known_signature``: the one stored with the page)."""
    raw = headline_features(tokenize(item.title), options.pair_weight, options.headline_weight)
    anchors: dict[str, int] = {}
    if item.body and item.body.strip() != item.title.strip():
        for word, weight in body_features(
            tokenize(item.body), options.body_weight, options.body_terms
        ).items():
            raw[word] = raw.get(word, 0.0) + weight
        anchors = anchor_names(item.body)
    raw.update(entity_features(item.entities, options.entity_weight))
    signature = text_signature(item.body, f"{item.title}\n{item.body}", known_signature)
    return Prepared(item.key, item.time, raw, signature, anchors)


def thread_item(
    article: Article,
    entities: Sequence[Entity] = (),
    key: str | None = None,
    seen_at: datetime | None = None,
    entity_limit: int = 12,
) -> ThreadItem:
    """A ``ThreadItem`` for an article: its headline, body, best-known time and top entities.

    Time is the publication time (midnight UTC for a date alone), else ``seen_at``, in
    seconds, so ``ThreadingOptions.half_life`` is in seconds too for articles.
    """
    moment = _moment(article.published) or seen_at
    top = sorted(entities, key=lambda e: -e.mentions)[:entity_limit]
    return ThreadItem(
        key=key or article.canonical_url or article.url or article.content_hash(),
        title=article.title or "",
        body=article.body_text,
        time=moment.timestamp() if moment else 0.0,
        entities=tuple(e.name for e in top),
    )


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
