"""Online threading: each arriving article joins a live story or starts a new one.

The algorithm is a single pass over the stream, deterministic for a given input order:

1. The item becomes a TF-IDF vector (IDF from the items seen so far, plus ``idf_prior``
   pseudo-documents so the first few items are not compared on a meaningless IDF):
   headline words and headline word pairs, the most frequent body words, entity names.
2. Every story sharing a feature with it is scored: cosine with the story's centroid, times
   a size prior ``1 + size_prior * ln(size)`` (a story with many articles is more likely to
   get the next one), times a fade ``0.5 ** (age / half_life)`` (old stories stop
   attracting articles).
3. The best story wins if its score reaches ``threshold``; otherwise a new story starts.
4. Stories converge: after an assignment, any close runner-up whose centroid has cosine
   ``>= merge_threshold`` with the winner's is merged into the older of the two.

A second signal guards steps 3 and 4 against joining look-alike events (two earthquakes,
two players put on injured reserve): the proper names of an article's body, found by
capitalisation (``anchor_names``). An article whose body names people, places or
organisations joins a story only if at least ``anchor_coverage`` of those names already
appear in the story, and two stories merge only if the names of the one with fewer
names are covered as well. Text without such names (lower-cased headlines) is not held
back by it.

Syndicated copies (the same wire story on several sites) and new versions of an article
already seen join the original's story without counting again.

An item is threaded in two steps: ``prepare`` turns it into raw features and a
syndication signature (text work, no state), and ``add_prepared`` threads those. A store
keeps the prepared items, so replaying them gives the same stories without reading any
article again.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from storyline.duplicates import CopyIndex
from storyline.stories.items import (
    Prepared,
    ThreadingOptions,
    ThreadItem,
    prepare,
    thread_item,
)

RANKED = 5  # candidates kept per item: the winner and the runners-up that may merge
CANDIDATES = 8  # best-scoring stories an item may join, tried in order (the anchor guard)


@dataclass(slots=True)
class _Story:
    features: set[str] = field(default_factory=set)  # its centroid weights live in _columns
    norm2: float = 0.0
    size: int = 0
    last_time: float = 0.0
    weight: float = 0.0  # size prior / centroid norm: a candidate's score is dot * weight
    anchors: set[str] = field(default_factory=set)  # the members' proper names


class StoryThreader:
    """Threads items into stories one at a time; ``story_of`` and ``stories`` read results."""

    def __init__(self, options: ThreadingOptions | None = None) -> None:
        self.options = options or ThreadingOptions()
        self._df: defaultdict[str, int] = defaultdict(int)
        self._seen = 0
        self._stories: dict[int, _Story] = {}
        # The centroids, stored by feature: {feature: {story id: weight}}. Scoring an item
        # then reads one small dict per feature of the item.
        self._columns: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self._pairs: dict[int, defaultdict[int, float]] = {}
        self._parent: dict[int, int] = {}
        self._item_story: dict[str, int] = {}
        self._item_vector: dict[str, dict[str, float]] = {}
        self._syndication = CopyIndex(self.options.duplicate_similarity)
        self._next_id = 1
        self._logs: list[float] = []
        self.merges: list[tuple[int, int]] = []
        self._seeded: dict[int, int] = {}  # story id -> the seed story it started as

    def add(self, item: ThreadItem) -> int:
        """Thread ``item`` using only what came before it; returns its story's id."""
        return self.add_prepared(prepare(item, self.options))

    def add_prepared(self, item: Prepared) -> int:
        """Thread an item already ``prepare``d; returns its story's id."""
        if item.key in self._item_story:
            return self._revise(item)
        original = self._syndication.match_signature(item.key, item.signature)
        if original is not None:
            story = self.story_of(original)
            self._item_story[item.key] = story
            self._touch(story, item.time)
            return story
        vector = self._vectorize(item.features)
        dots = self._dots(vector)
        ranked = self._rank(dots, item.time)
        story = self._choose(ranked, item.anchors) or self._new_story(item.time)
        self._absorb(story, vector, dots, item.time)
        self._stories[story].anchors.update(item.anchors)
        self._item_story[item.key] = story
        self._item_vector[item.key] = vector
        return self._merge_converging(story, ranked[:RANKED])

    def _choose(self, ranked: list[tuple[float, int]], anchors: dict[str, int]) -> int | None:
        """The best-scoring story over ``threshold`` that holds enough of the item's
        proper names (the anchor guard), if any."""
        for score, story in ranked:
            if score < self.options.threshold:
                return None
            if self._covers(self._stories[story].anchors, anchors):
                return story
        return None

    def _covers(self, held: set[str], names: dict[str, int] | set[str]) -> bool:
        """Whether ``held`` holds ``anchor_coverage`` of ``names`` (of their mentions,
        when counted; always, when either side has no names: text without capitals
        cannot be judged by them)."""
        needed = self.options.anchor_coverage
        if not needed or not names or not held:
            return True
        if isinstance(names, set):
            return sum(1 for name in names if name in held) >= needed * len(names)
        covered = sum(count for name, count in names.items() if name in held)
        return covered >= needed * sum(names.values())

    def state(self) -> dict[str, Any]:
        """What the threader has learnt, as JSON-ready data that restores it exactly
        (``from_state``): a store keeps it so a new process need not replay its whole log.
        Dict order is kept, since it decides the order floating-point sums are taken in."""
        return {
            "df": self._df,
            "seen": self._seen,
            "next_id": self._next_id,
            "stories": [
                [sid, sorted(s.features), s.norm2, s.size, s.last_time, s.weight]
                for sid, s in self._stories.items()
            ],
            "anchors": [[sid, sorted(s.anchors)] for sid, s in self._stories.items() if s.anchors],
            "columns": [[f, list(column.items())] for f, column in self._columns.items()],
            "pairs": [[sid, list(pairs.items())] for sid, pairs in self._pairs.items()],
            "parent": list(self._parent.items()),
            "item_story": self._item_story,
            "item_vector": self._item_vector,
            "syndication": self._syndication.state(),
        }

    @classmethod
    def from_state(cls, options: ThreadingOptions, state: dict[str, Any]) -> StoryThreader:
        """A threader that continues exactly where the one that gave ``state`` stood."""
        threader = cls(options)
        threader._df.update(state["df"])
        threader._seen = state["seen"]
        threader._next_id = state["next_id"]
        for sid, features, norm2, size, last_time, weight in state["stories"]:
            threader._stories[sid] = _Story(set(features), norm2, size, last_time, weight)
        for sid, anchors in state.get("anchors", []):
            threader._stories[sid].anchors = set(anchors)
        for feature, column in state["columns"]:
            threader._columns[feature] = defaultdict(float, column)
        threader._pairs = {sid: defaultdict(float, pairs) for sid, pairs in state["pairs"]}
        threader._parent = dict(state["parent"])
        threader._item_story = state["item_story"]
        threader._item_vector = state["item_vector"]
        threader._syndication = CopyIndex.from_state(
            options.duplicate_similarity, state["syndication"]
        )
        return threader

    def __contains__(self, key: str) -> bool:
        return key in self._item_story

    def item_count(self) -> int:
        """How many items were threaded (new versions of one item count once)."""
        return len(self._item_story)

    def current(self, story_id: int) -> int:
        """What became of a story id: itself, or the story it was merged into."""
        return self._find(story_id)

    def story_count(self) -> int:
        """How many stories there are now (merged-away stories are gone)."""
        return len(self._stories)

    def story_of(self, key: str) -> int:
        """The story an item belongs to now (after any merges)."""
        return self._find(self._item_story[key])

    def stories(self) -> dict[int, list[str]]:
        """Every story id with its item keys, in arrival order."""
        result: dict[int, list[str]] = {}
        for key, story in self._item_story.items():
            result.setdefault(self._find(story), []).append(key)
        return result

    def seed(self, seed: Mapping[str, Any]) -> None:
        """Start from stories threaded elsewhere (a backfill's earlier windows,
        ``stories.windows``): the document frequencies they counted, and each story's
        centroid, size, last time and names. Call before adding any item."""
        for feature, count in seed["df"].items():
            self._df[feature] += count
        self._seen += int(seed["seen"])
        for given in seed["stories"]:
            story_id = self._new_story(float(given["last"]))
            story = self._stories[story_id]
            for feature, weight in given["centroid"].items():
                self._columns[feature][story_id] = weight
            story.features = set(given["centroid"])
            story.norm2 = sum(w * w for w in given["centroid"].values()) or 1e-12
            story.size = int(given["size"])
            story.anchors = set(given["anchors"])
            self._reweigh(story)
            self._seeded[story_id] = int(given["id"])

    def pieces(self) -> list[dict[str, Any]]:
        """Every story as JSON-ready data for a border merge (``stories.windows``): its
        item keys, centroid (summed unit vectors), last time, names, and the seed story
        it grew from (``seed``), if any; stories in order of their first item."""
        found = []
        for story_id, keys in self.stories().items():
            story = self._stories[story_id]
            centroid = {f: self._columns[f][story_id] for f in sorted(story.features)}
            found.append(
                {
                    "keys": keys,
                    "centroid": {f: w for f, w in centroid.items() if w},
                    "last": story.last_time,
                    "anchors": sorted(story.anchors),
                    "seed": self._seeded.get(story_id),
                }
            )
        return found

    def names_agree(self, first: set[str], second: set[str]) -> bool:
        """The anchor guard for joining two stories with these names: the one with
        fewer names has enough of them in the other."""
        fewer, more = (first, second) if len(first) <= len(second) else (second, first)
        return self._covers(more, fewer)

    def _vectorize(self, raw: dict[str, float]) -> dict[str, float]:
        """TF-IDF weights of raw features (the IDF counts this item), unit length."""
        options = self.options
        self._seen += 1
        df = self._df
        for feature in raw:
            df[feature] += 1
        log = self._log_table(self._seen + options.idf_prior + 1)
        scale = log[self._seen + options.idf_prior + 1]
        vector = {f: w * (scale - log[df[f] + 1]) + 1e-9 for f, w in raw.items()}
        norm = math.hypot(*vector.values()) or 1.0
        return {f: w / norm for f, w in vector.items()}

    def _log_table(self, largest: int) -> list[float]:
        """Natural logs of 0..largest, kept between calls (IDF needs thousands per item)."""
        table = self._logs
        while len(table) <= largest:
            table.append(math.log(len(table)) if table else 0.0)
        return table

    def _dots(self, vector: dict[str, float]) -> dict[int, float]:
        """Dot product of ``vector`` with every story centroid it shares a feature with."""
        dots: dict[int, float] = defaultdict(float)
        columns = self._columns
        for feature, weight in vector.items():
            column = columns.get(feature)
            if column:
                for story, value in column.items():
                    dots[story] += weight * value
        return dots

    def _rank(self, dots: dict[int, float], now: float) -> list[tuple[float, int]]:
        """The best few candidate stories by score, best first (ties: the older story)."""
        half_life = self.options.half_life
        stories = self._stories
        if half_life:
            scored = [
                (
                    dot
                    * stories[s].weight
                    * 0.5 ** (max(0.0, now - stories[s].last_time) / half_life),
                    -s,
                )
                for s, dot in dots.items()
            ]
        else:
            scored = [(dot * stories[s].weight, -s) for s, dot in dots.items()]
        scored.sort(reverse=True)
        return [(score, -negated) for score, negated in scored[:CANDIDATES]]

    def _new_story(self, now: float) -> int:
        story_id = self._next_id
        self._next_id += 1
        self._stories[story_id] = _Story(last_time=now)
        self._parent[story_id] = story_id
        self._pairs[story_id] = defaultdict(float)
        return story_id

    def _absorb(
        self,
        story_id: int,
        vector: dict[str, float],
        dots: dict[int, float],
        now: float,
        sign: int = 1,
    ) -> None:
        """Add (or, with ``sign=-1``, remove) ``vector`` to a story's centroid.

        ``dots`` holds the vector's dot products with every centroid, so the story's norm
        and its dot products with other stories (used to decide merges) stay exact
        without touching whole centroids.
        """
        story = self._stories[story_id]
        story.norm2 = max(story.norm2 + sign * 2.0 * dots.get(story_id, 0.0) + 1.0, 1e-12)
        pairs, mine = self._pairs, self._pairs[story_id]
        for other, dot in dots.items():
            if other != story_id:
                mine[other] += sign * dot
                pairs[other][story_id] = mine[other]
        columns = self._columns
        for feature, weight in vector.items():
            columns[feature][story_id] += sign * weight
        story.features.update(vector)
        story.size += sign
        self._reweigh(story)
        self._touch(story_id, now)

    def _reweigh(self, story: _Story) -> None:
        prior = 1.0 + self.options.size_prior * math.log(max(story.size, 1))
        story.weight = prior / math.sqrt(story.norm2)

    def _touch(self, story_id: int, now: float) -> None:
        story = self._stories[self._find(story_id)]
        story.last_time = max(story.last_time, now)

    def _revise(self, item: Prepared) -> int:
        """A new version of a known item replaces its old vector in the same story."""
        story = self.story_of(item.key)
        old = self._item_vector.get(item.key)
        vector = self._vectorize(item.features)
        self._stories[story].anchors.update(item.anchors)
        if old is not None:
            self._absorb(story, old, self._dots(old), item.time, sign=-1)
            self._absorb(story, vector, self._dots(vector), item.time)
            self._item_vector[item.key] = vector
        else:
            self._touch(story, item.time)
        return story

    def _merge_converging(self, story_id: int, ranked: list[tuple[float, int]]) -> int:
        options = self.options
        for score, other in ranked:
            if other == story_id or score < options.merge_candidate or other not in self._stories:
                continue
            if self._centroid_cosine(
                story_id, other
            ) >= options.merge_threshold and self.names_agree(
                self._stories[story_id].anchors, self._stories[other].anchors
            ):
                story_id = self._merge(story_id, other)
        return story_id

    def _centroid_cosine(self, first: int, second: int) -> float:
        dot = self._pairs[first].get(second, 0.0)
        return dot / math.sqrt(self._stories[first].norm2 * self._stories[second].norm2)

    def _merge(self, first: int, second: int) -> int:
        """Fold the younger story into the older one; returns the survivor."""
        keep, gone = min(first, second), max(first, second)
        kept, lost = self._stories[keep], self._stories.pop(gone)
        pairs = self._pairs
        kept.norm2 += lost.norm2 + 2.0 * pairs[keep].pop(gone, 0.0)
        lost_pairs = pairs.pop(gone)
        lost_pairs.pop(keep, None)
        for other, dot in lost_pairs.items():
            del pairs[other][gone]
            pairs[keep][other] += dot
            pairs[other][keep] = pairs[keep][other]
        for feature in lost.features:
            column = self._columns[feature]
            column[keep] += column.pop(gone)
        kept.features |= lost.features
        kept.anchors |= lost.anchors
        kept.size += lost.size
        kept.last_time = max(kept.last_time, lost.last_time)
        self._reweigh(kept)
        self._parent[gone] = keep
        self.merges.append((keep, gone))
        return keep

    def _find(self, story_id: int) -> int:
        root = story_id
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[story_id] != root:
            self._parent[story_id], story_id = root, self._parent[story_id]
        return root


__all__ = [
    "CANDIDATES",
    "RANKED",
    "Prepared",
    "StoryThreader",
    "ThreadItem",
    "ThreadingOptions",
    "prepare",
    "thread_item",
]
