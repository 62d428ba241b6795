"""A second pass for windowed threading: each window re-threaded from the stories before it.

A window threaded cold (``windows.thread_window`` without a seed) forms its stories from
nothing: on a stream whose stories run through many windows (headlines of a busy week),
the border merge then joins the pieces only approximately. The second pass fixes the
cold start and keeps every window independent of the others' second pass, so both
passes run in parallel:

1. pass 1: every window threaded cold; ``windows.join_pieces`` joins the pieces;
2. ``seeds``: for each window, the joined stories of the ``reach`` windows before it as
   pass 1 left them (summed centroids, sizes, last times, names) and the document
   frequencies of every earlier window; plain JSON;
3. pass 2: every window threaded again from its seed (``thread_window(..., seed)``);
   an item that joins a seed story belongs to that joined story;
4. ``merge_seeded``: a story that a window's second pass started itself is the joined
   story of pass 1 that holds most of its items, when that story was born in the same
   window (its later items then join it as a seed in the windows after); otherwise it is
   a story of its own. ``rejoin`` gives the same with each story's pieces, so that a
   third pass can start from the second's stories (``seeds(second, rejoin(...))``):
   each pass brings the windows closer to one sequential pass.

Deterministic for a given list of items and window size, whatever order the windows of
either pass are run in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from storyline.stories.threading import Prepared, ThreadingOptions
from storyline.stories.windows import (
    REACH,
    Joined,
    join_pieces,
    prepared_to_dict,
    split_windows,
    thread_window,
)


def seeds(
    first_pass: Iterable[dict[str, Any]], joined: Sequence[Joined], reach: int = REACH
) -> dict[int, dict[str, Any]]:
    """The seed of each window: the joined stories with a piece in the ``reach`` windows
    before it (as they stood before it) and the document frequencies of all earlier
    windows."""
    results = sorted(first_pass, key=lambda r: int(r["window"]))
    found: dict[int, dict[str, Any]] = {}
    df: dict[str, int] = defaultdict(int)
    seen = 0
    for result in results:
        window = int(result["window"])
        stories = [
            story
            for number, joined_story in enumerate(joined)
            if (story := _before(number, joined_story, window, reach)) is not None
        ]
        found[window] = {"df": dict(df), "seen": seen, "stories": stories}
        for feature, count in result["df"].items():
            df[feature] += count
        seen += int(result["seen"])
    return found


def _before(number: int, story: Joined, window: int, reach: int) -> dict[str, Any] | None:
    """A joined story as it stood before ``window``, if it had a piece in the ``reach``
    windows before it."""
    earlier = [(w, piece) for w, piece in story.pieces if w < window]
    if not earlier or window - earlier[-1][0] > reach:
        return None
    centroid: dict[str, float] = defaultdict(float)
    anchors: set[str] = set()
    for _, piece in earlier:
        for feature, weight in piece["centroid"].items():
            centroid[feature] += weight
        anchors.update(piece["anchors"])
    return {
        "id": number,
        "centroid": dict(centroid),
        "size": sum(len(piece["keys"]) for _, piece in earlier),
        "last": max(float(piece["last"]) for _, piece in earlier),
        "anchors": sorted(anchors),
    }


def merge_seeded(
    second_pass: Iterable[dict[str, Any]], joined: Sequence[Joined]
) -> list[list[str]]:
    """The final stories (member keys) from the second pass and pass 1's joined stories,
    in order of their first item (windows in index order)."""
    return [story.keys for story in rejoin(second_pass, joined)]


def rejoin(second_pass: Iterable[dict[str, Any]], joined: Sequence[Joined]) -> list[Joined]:
    """``merge_seeded`` with each story's pieces of the second pass kept, so that its
    result can seed a further pass (``seeds``) like the first pass's."""
    owner = {key: number for number, story in enumerate(joined) for key in story.keys}
    born = {number: story.pieces[0][0] for number, story in enumerate(joined) if story.pieces}
    stories: dict[tuple[int, int], Joined] = {}
    for result in sorted(second_pass, key=lambda r: int(r["window"])):
        window = int(result["window"])
        for number, piece in enumerate(result["stories"]):
            target = (0, int(piece["seed"])) if piece.get("seed") is not None else None
            if target is None:
                votes: dict[int, int] = defaultdict(int)
                for key in piece["keys"]:
                    if key in owner:
                        votes[owner[key]] += 1
                best = min(votes, key=lambda j: (-votes[j], j)) if votes else -1
                target = (0, best) if best >= 0 and born[best] == window else (window, number)
            story = stories.setdefault(target, Joined())
            story.keys.extend(piece["keys"])
            story.pieces.append((window, piece))
    return list(stories.values())


def thread_in_passes(
    items: Sequence[Prepared], options: ThreadingOptions, window_seconds: float, passes: int = 2
) -> list[list[str]]:
    """Every pass in one process (tests, benchmarks): what a backfill computes on its
    executors. ``items`` in threading order; each pass after the first starts each
    window from the stories the pass before it left (``seeds`` of ``rejoin``)."""
    if passes < 1:
        raise ValueError("passes must be at least 1")
    windows = split_windows([prepared_to_dict(item) for item in items], window_seconds)
    results = [thread_window(window, options) for window in windows]
    joined = join_pieces(results, options)
    for _ in range(passes - 1):
        seeded = seeds(results, joined)
        results = [thread_window(window, options, seeded[window.index]) for window in windows]
        joined = rejoin(results, joined)
    return [story.keys for story in joined if story.keys]
