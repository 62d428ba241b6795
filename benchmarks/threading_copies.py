"""Threading's copy check on full text: how the stories come out with syndicated copies.

Threading counts a syndicated copy once: a page whose body is a near-duplicate of an
earlier threaded page joins that page's story without being scored (``StoryThreader``'s
copy check). This script measures what that check does to the stories, in-process with
the default options, so that the detector it uses can be swapped and compared (#13: one
near-duplicate detector):

- **ECB+ alone**: the 496 development articles (42 look-alike events) in file order,
  with the spaCy entities ingest finds (``story_candidates.load_items``). A few of them
  are real copies of one agency story.
- **ECB+ with wire copies**: the same, plus two constructed syndicated variants of each
  article of 80 words or more (``benchmarks/duplicates.py``'s variants: dateline, local
  intro, boilerplate, trimmed, shortened, rewritten headline, copy edits; seeded),
  inserted in a shuffled order (a copy may come before its original), each with its
  original's entities and gold story.

Scores: B-cubed F1 and NMI against the gold stories, stories made, and "copies placed":
the share of constructed variants that end in their original's story. CPU is the
threading's own (``time.process_time`` around the threader; entities found before).

Usage:
    .venv/bin/python benchmarks/threading_copies.py [--variants 2] [--seed 13]
"""

from __future__ import annotations

import argparse
import sys
import time

from duplicates import constructed, ecb_set  # noqa: E402  (benchmarks/ is on sys.path)
from story_candidates import load_items, score  # noqa: E402
from story_sets import ecbplus  # noqa: E402

from storyline.stories.threading import StoryThreader, ThreadingOptions, ThreadItem, prepare


def _thread(items: list[ThreadItem], options: ThreadingOptions) -> tuple[list[int], float]:
    began = time.process_time()
    threader = StoryThreader(options)
    for item in items:
        threader.add_prepared(prepare(item, options))
    return [threader.story_of(item.key) for item in items], time.process_time() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    options = ThreadingOptions()
    loaded = load_items(ecbplus(), args.workers)
    by_id = {f"ecb:{i}": item for i, item in enumerate(loaded.items)}
    gold_of = dict(zip(by_id, loaded.gold, strict=True))
    docs = ecb_set()
    assert len(docs) == len(loaded.items), "ECB+ read twice, two lengths"
    originals = {doc.key: key for doc, key in zip(docs, by_id, strict=True)}
    mixed = constructed(docs, args.variants, args.seed)
    items, gold, origin = [], [], []
    for doc in mixed:
        base = by_id[originals[doc.origin]]
        if doc.key == doc.origin:
            items.append(base)
        else:
            items.append(ThreadItem(doc.key, doc.title, doc.body, base.time, base.entities))
        gold.append(gold_of[originals[doc.origin]])
        origin.append(base.key)
    print("| set | texts | B-cubed F1 | NMI | stories | copies placed | threading CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    alone, cpu = _thread(loaded.items, options)
    s = score(alone, loaded.gold)
    print(f"| ECB+ alone | {len(alone)} | {s.f1:.3f} | {s.nmi:.3f} | {s.stories} | | {cpu:.2f} |")
    stories, cpu = _thread(items, options)
    s = score(stories, gold)
    story_of_key = {item.key: story for item, story in zip(items, stories, strict=True)}
    variants = [(item.key, o) for item, o in zip(items, origin, strict=True) if item.key != o]
    placed = sum(1 for key, o in variants if story_of_key[key] == story_of_key[o])
    print(
        f"| ECB+ with wire copies | {len(items)} | {s.f1:.3f} | {s.nmi:.3f} | {s.stories} "
        f"| {placed / len(variants):.3f} | {cpu:.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
