"""Threading candidates measured in-process on the benchmark sets, and the baseline.

The rows of the candidates table thread the same articles that ``storyline ingest``
stores (``extract_text`` of the same records), with the same spaCy entities (found once
per set), in the same order, through ``StoryThreader`` without the store: so the options
can be compared quickly and side by side. The chosen defaults are then measured through
the real command (``benchmarks/stories.py``).

``previous`` is the threader before issue #16: its body features were the 60 most
frequent words at weight 0.35 without length normalisation, kept here to compare.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from story_sets import StorySet  # noqa: E402  (benchmarks/ is on sys.path)

from storyline.duplicates import text_signature
from storyline.extract import extract_text
from storyline.stories.evaluation import bcubed
from storyline.stories.features import entity_features, headline_features, tokenize
from storyline.stories.preparation import PageText, prepare_in_processes
from storyline.stories.threading import (
    Prepared,
    StoryThreader,
    ThreadingOptions,
    ThreadItem,
    prepare,
    thread_item,
)
from storyline.stories.window_seeds import thread_in_passes

PREVIOUS = ThreadingOptions(
    anchor_coverage=0.0,
    threshold=0.13,
    merge_threshold=0.15,
    merge_candidate=0.08,
    size_prior=0.6,
    body_weight=0.35,
    body_terms=60,
    entity_weight=0.8,
)
Preparer = Callable[[ThreadItem, ThreadingOptions], Prepared]


@dataclass
class Loaded:
    """A set's thread items (entities included), in input order, and their gold labels."""

    items: list[ThreadItem]
    gold: list[str]


def load_items(story_set: StorySet, workers: int) -> Loaded:
    """Each record as ingest stores it (``extract_text``), with its spaCy entities."""
    pages = []
    for number, record in enumerate(story_set.records):
        article = extract_text(f"{record['title']}\n\n{record['text']}", url=record["url"])
        article.published = record.get("published")
        seen = datetime.fromisoformat(record.get("fetched_at") or record["published"])
        pages.append(PageText(str(number), article, seen))
    ready = prepare_in_processes(pages, ThreadingOptions(), workers=workers)
    items = [
        thread_item(page.article, done.entities, key=page.key, seen_at=page.seen_at)
        for page, done in zip(pages, ready, strict=True)
    ]
    return Loaded(items, [story_set.gold[r["url"]] for r in story_set.records])


def previous_prepare(item: ThreadItem, options: ThreadingOptions) -> Prepared:
    """The features before issue #16: top body words at a fixed weight, not normalised."""
    raw = headline_features(tokenize(item.title), options.pair_weight)
    if item.body:
        counts = Counter(tokenize(item.body))
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: options.body_terms]
        for word, count in top:
            raw[word] = raw.get(word, 0.0) + options.body_weight * (1.0 + math.log(count))
    raw.update(entity_features(item.entities, options.entity_weight))
    signature = text_signature(item.body, f"{item.title}\n{item.body}")
    return Prepared(item.key, item.time, raw, signature)


def thread(loaded: Loaded, options: ThreadingOptions, preparer: Preparer = prepare) -> list[int]:
    """Story of each item after one online pass."""
    threader = StoryThreader(options)
    for item in loaded.items:
        threader.add_prepared(preparer(item, options))
    return [threader.story_of(item.key) for item in loaded.items]


def thread_windowed(
    loaded: Loaded, options: ThreadingOptions, windows: int, passes: int = 2
) -> list[int]:
    """Story of each item when the stream is cut into ``windows`` windows of equal time
    (``stories.windows``: each threaded alone, then joined; each further pass threads
    every window again from the stories before it, ``stories.window_seeds``). A set
    without times (every item at one moment, ECB+) is given one a minute in input order,
    as it is threaded."""
    items = [prepare(item, options) for item in loaded.items]
    if len({item.time for item in items}) == 1:
        items = [replace(item, time=60.0 * n) for n, item in enumerate(items)]
    start, end = items[0].time, items[-1].time
    span = max(end - start, 1.0) * (1 + 1e-9) / windows
    shifted = [replace(item, time=item.time - start) for item in items]
    ordered = sorted(shifted, key=lambda item: item.time)  # stable: input order on ties
    stories = thread_in_passes(ordered, options, span, passes)
    story_of = {key: n for n, keys in enumerate(stories) for key in keys}
    return [story_of[item.key] for item in items]


def candidates(defaults: ThreadingOptions) -> dict[str, tuple[ThreadingOptions, Preparer]]:
    """The options compared: previous and chosen defaults, and one change at a time."""
    t, a = defaults.threshold, defaults.anchor_coverage
    return {
        "previous threader": (PREVIOUS, previous_prepare),
        "first #16 threader (no names guard, threshold 0.12, merge 0.17)": (
            replace(defaults, anchor_coverage=0.0, threshold=0.12, merge_threshold=0.17),
            prepare,
        ),
        "third-round defaults (headline not length-normalised)": (
            replace(defaults, headline_weight=0.0),
            prepare,
        ),
        "chosen defaults": (defaults, prepare),
        "no names guard": (replace(defaults, anchor_coverage=0.0), prepare),
        f"names guard {a - 0.1:.2f}": (replace(defaults, anchor_coverage=a - 0.1), prepare),
        f"names guard {a + 0.1:.2f}": (replace(defaults, anchor_coverage=a + 0.1), prepare),
        f"threshold {t - 0.02:.2f}": (replace(defaults, threshold=t - 0.02), prepare),
        f"threshold {t + 0.02:.2f}": (replace(defaults, threshold=t + 0.02), prepare),
        "size prior 0.2": (replace(defaults, size_prior=0.2), prepare),
        "size prior 0.6": (replace(defaults, size_prior=0.6), prepare),
        "no size prior": (replace(defaults, size_prior=0.0), prepare),
        "entity weight 0": (replace(defaults, entity_weight=0.0), prepare),
        "entity weight 3": (replace(defaults, entity_weight=3.0), prepare),
        "body weight 2": (replace(defaults, body_weight=2.0), prepare),
        "body weight 8": (replace(defaults, body_weight=8.0), prepare),
        "merge threshold +0.05": (
            replace(defaults, merge_threshold=defaults.merge_threshold + 0.05),
            prepare,
        ),
    }


def tfidf_baseline(texts: list[str], threshold: float) -> list[int]:
    """Plain single-pass clustering: unigram TF-IDF, nearest centroid by cosine."""
    df: Counter[str] = Counter()
    centroids: list[dict[str, float]] = []
    norms: list[float] = []
    postings: dict[str, list[int]] = {}
    labels = []
    for seen, text in enumerate(texts, start=1):
        counts = Counter(tokenize(text))
        df.update(counts.keys())
        vector = {w: c * math.log((seen + 1) / (df[w] + 1)) + 1e-9 for w, c in counts.items()}
        length = math.sqrt(sum(x * x for x in vector.values())) or 1.0
        vector = {w: x / length for w, x in vector.items()}
        dots: dict[int, float] = {}
        for word, weight in vector.items():
            for cluster in postings.get(word, ()):
                dots[cluster] = dots.get(cluster, 0.0) + weight * centroids[cluster][word]
        best, score = -1, 0.0
        for cluster, dot in dots.items():
            cosine = dot / math.sqrt(norms[cluster])
            if cosine > score:
                best, score = cluster, cosine
        if score < threshold:
            best = len(centroids)
            centroids.append({})
            norms.append(0.0)
        centroid = centroids[best]
        norms[best] += 2 * sum(x * centroid.get(w, 0.0) for w, x in vector.items()) + 1.0
        for word, weight in vector.items():
            if word not in centroid:
                postings.setdefault(word, []).append(best)
            centroid[word] = centroid.get(word, 0.0) + weight
        labels.append(best)
    return labels


@dataclass
class Score:
    """A clustering's scores against the gold stories."""

    nmi: float
    precision: float
    recall: float
    f1: float
    stories: int
    big_merges: int


def score(predicted: list[object], gold: list[str]) -> Score:
    """NMI, B-cubed and the count of stories that merge two big gold stories."""
    from sklearn.metrics import normalized_mutual_info_score

    precision, recall, f1 = bcubed(predicted, gold)
    return Score(
        normalized_mutual_info_score(gold, predicted),
        precision,
        recall,
        f1,
        len(set(predicted)),
        big_merges(predicted, gold),
    )


def big_merges(predicted: list[object], gold: list[str], size: int = 10) -> int:
    """Stories that hold more than half of each of two gold stories of ``size``+ articles."""
    gold_sizes = Counter(gold)
    by_story: dict[object, Counter[str]] = {}
    for story, label in zip(predicted, gold, strict=True):
        by_story.setdefault(story, Counter())[label] += 1
    return sum(
        1
        for counts in by_story.values()
        if sum(1 for g, n in counts.items() if gold_sizes[g] >= size and 2 * n > gold_sizes[g]) >= 2
    )
