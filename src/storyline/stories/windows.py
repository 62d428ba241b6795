"""Threading in time windows, for a backfill spread over many machines.

The online threader (``threading.StoryThreader``) is sequential: each item is judged
against everything before it. A backfill of years of archives can instead cut the stream
into windows of ``window_seconds`` by thread time, thread each window on its own (in any
order, on any executor: ``thread_window`` is a pure function of its window's items) and
then join the stories that cross a window border (``merge_windows``, one cheap pass over
the windows' story summaries, in window order).

Everything that crosses a machine boundary is plain JSON-ready data:

- an item is ``prepared_to_dict(prepare(...))``: key, time, raw feature weights,
  syndication signature, proper names;
- a window's result is ``{"window": index, "stories": [piece, ...]}`` where a piece is
  one story of that window: its member keys in threading order, its centroid (the sum of
  its members' unit TF-IDF vectors, under that window's IDF), first and last time, and
  its proper names.

The border merge threads the pieces, window by window, into joined stories: a piece
that holds context items (optional: each window may first thread the last ``context``
items of the window before) joins the joined story that holds most of them; any other
piece joins the live joined story (one that had a piece in the last ``reach`` windows)
that scores best, as the threader scores a story (centroid cosine times its size prior),
if the score reaches ``border_threshold`` and the two agree on names (the threader's
anchor guard). Pieces of one window never join each other through it (that window's
threader kept them apart). The result is deterministic for a given list of items and
window size, whatever order the windows were threaded in. This is the first pass; the
second (``window_seeds``) threads each window again from the stories before it, which
recovers most of what cold windows lose. ``benchmarks/stories.py`` measures both against
one sequential pass: windows should be long against ``story_half_life``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.stories.threading import Prepared, StoryThreader, ThreadingOptions

BORDER_THRESHOLD = 0.2
REACH = 2
CONTEXT = 0  # items of the window before that each window threads first


def prepared_to_dict(item: Prepared) -> dict[str, Any]:
    """A prepared item as JSON-ready data (``prepared_from_dict`` reverses it)."""
    return {
        "key": item.key,
        "time": item.time,
        "features": item.features,
        "signature": item.signature,
        "anchors": item.anchors,
    }


def prepared_from_dict(data: dict[str, Any]) -> Prepared:
    """The prepared item ``prepared_to_dict`` gave (a signature list becomes a tuple)."""
    sig = data["signature"]
    return Prepared(
        str(data["key"]),
        float(data["time"]),
        dict(data["features"]),
        sig if isinstance(sig, str) else tuple(sig),
        dict(data.get("anchors", {})),
    )


def window_index(time: float, window_seconds: float) -> int:
    """The window an item of thread time ``time`` (seconds) falls in."""
    if window_seconds <= 0:
        raise ValueError("window_seconds must be positive")
    return math.floor(time / window_seconds)


@dataclass
class Window:
    """One window's work: its own items, and the context before it (the last items of
    the window before, threaded first so that the window does not start cold; they
    link the window's stories to that window's)."""

    index: int
    context: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


def split_windows(
    items: Iterable[dict[str, Any]], window_seconds: float, context: int = CONTEXT
) -> list[Window]:
    """Items grouped by window, in the given (threading) order, each window with up to
    ``context`` items of the window before it as context."""
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[window_index(float(item["time"]), window_seconds)].append(item)
    windows: list[Window] = []
    before: list[dict[str, Any]] | None = None
    for index, own in sorted(groups.items()):
        tail = before[-context:] if before is not None and context > 0 else []
        windows.append(Window(index, list(tail), own))
        before = own
    return windows


def thread_window(
    window: Window, options: ThreadingOptions, seed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Thread one window (its context, then its items, in threading order) with a fresh
    threader, or one started from ``seed`` (the stories before it, ``window_seeds``);
    its stories as pieces (see the module docstring), in order of their first item, each
    with the context keys it holds (``"context"``); and the document frequencies of its
    own items (``"df"``, ``"seen"``), which the seeds of later windows add up."""
    threader = StoryThreader(options)
    if seed is not None:
        threader.seed(seed)
    for data in [*window.context, *window.items]:
        threader.add_prepared(prepared_from_dict(data))
    context = {str(data["key"]) for data in window.context}
    pieces = []
    for piece in threader.pieces():
        keys = piece["keys"]
        piece["context"] = [k for k in keys if k in context]
        piece["keys"] = [k for k in keys if k not in context]
        if piece["keys"]:
            pieces.append(piece)
    df: dict[str, int] = defaultdict(int)
    for data in window.items:
        for feature in data["features"]:
            df[feature] += 1
    return {"window": window.index, "stories": pieces, "df": df, "seen": len(window.items)}


@dataclass
class Joined:
    """A story joined across windows: its pieces (window, piece) and summed centroid."""

    keys: list[str] = field(default_factory=list)
    centroid: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    norm2: float = 0.0
    anchors: set[str] = field(default_factory=set)
    last_window: int = 0
    pieces: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def merge_windows(
    results: Iterable[dict[str, Any]],
    options: ThreadingOptions,
    border_threshold: float = BORDER_THRESHOLD,
    reach: int = REACH,
) -> list[list[str]]:
    """Join the windows' stories across borders; each story's member keys, stories in
    order of their first piece (windows are taken in index order whatever the input
    order)."""
    return [s.keys for s in join_pieces(results, options, border_threshold, reach) if s.keys]


def join_pieces(
    results: Iterable[dict[str, Any]],
    options: ThreadingOptions,
    border_threshold: float = BORDER_THRESHOLD,
    reach: int = REACH,
) -> list[Joined]:
    """``merge_windows`` with each joined story's pieces kept (for ``window_seeds``)."""
    joined: list[Joined] = []
    index: dict[str, set[int]] = defaultdict(set)  # feature -> joined stories holding it
    owner: dict[str, int] = {}  # item key -> its joined story
    guard = StoryThreader(options)
    for result in sorted(results, key=lambda r: int(r["window"])):
        window = int(result["window"])
        placed: list[tuple[int, dict[str, Any]]] = []
        for piece in result["stories"]:
            target = _linked(piece, owner)
            if target < 0:
                target = _best_match(piece, joined, index, window, reach, border_threshold, guard)
            placed.append((target, piece))
        for target, piece in placed:  # after matching, so a window's pieces stay apart
            if target < 0:
                joined.append(Joined(last_window=window))
                target = len(joined) - 1
            _absorb(joined[target], target, piece, window, index)
            owner.update(dict.fromkeys(piece["keys"], target))
    return joined


def _linked(piece: dict[str, Any], owner: dict[str, int]) -> int:
    """The joined story that holds most of the piece's context items (the window before
    threaded them into it), oldest on a tie; -1 when the piece holds none."""
    votes: dict[int, int] = defaultdict(int)
    for key in piece.get("context", ()):
        if key in owner:
            votes[owner[key]] += 1
    if not votes:
        return -1
    return min(votes, key=lambda target: (-votes[target], target))


def _best_match(
    piece: dict[str, Any],
    joined: list[Joined],
    index: dict[str, set[int]],
    window: int,
    reach: int,
    threshold: float,
    guard: StoryThreader,
) -> int:
    """The live joined story most similar to ``piece`` over ``threshold`` whose names
    agree with it, or -1."""
    centroid: dict[str, float] = piece["centroid"]
    norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
    dots: dict[int, float] = defaultdict(float)
    for feature, weight in centroid.items():
        for target in index.get(feature, ()):
            if window - joined[target].last_window <= reach:
                dots[target] += weight * joined[target].centroid[feature]
    anchors = set(piece["anchors"])
    best, best_score = -1, threshold
    prior = guard.options.size_prior
    for target in sorted(dots):
        story = joined[target]
        cosine = dots[target] / (norm * math.sqrt(story.norm2 or 1.0))
        score = cosine * (1.0 + prior * math.log(len(story.keys)))
        if score >= best_score and guard.names_agree(anchors, story.anchors):
            best, best_score = target, score
    return best


def _absorb(
    story: Joined, number: int, piece: dict[str, Any], window: int, index: dict[str, set[int]]
) -> None:
    story.keys.extend(piece["keys"])
    story.pieces.append((window, piece))
    for feature, weight in piece["centroid"].items():
        story.centroid[feature] += weight
        index[feature].add(number)
    story.norm2 = sum(w * w for w in story.centroid.values())
    story.anchors.update(piece["anchors"])
    story.last_window = window


def thread_in_windows(
    items: Sequence[Prepared],
    options: ThreadingOptions,
    window_seconds: float,
    context: int = CONTEXT,
) -> list[list[str]]:
    """Every window threaded in turn, then joined: what a backfill on many executors
    computes, in one process (for tests and benchmarks). ``items`` in threading order."""
    data = [prepared_to_dict(item) for item in items]
    windows = split_windows(data, window_seconds, context)
    return merge_windows([thread_window(window, options) for window in windows], options)
