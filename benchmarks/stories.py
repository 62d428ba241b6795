"""Story benchmark: every labelled set through `storyline ingest` + `storyline stories --json`.

Sets (``benchmarks/story_sets.py``): the ECB+ development half (496 full-text articles,
42 look-alike events, file order) and the 11,109 Google News headlines in arrival order
and in story order. For each set:

- ``storyline``: the real command, three runs into fresh SQLite files with the default
  workers; scores of the first run, the spread of B-cubed F1 over the runs (issue #18:
  must be 0) and whether the runs gave identical stories; speed as articles per second
  of wall time and per CPU-second of the whole process tree (the machine is shared, so
  the CPU figure is the steadier one).
- ``TF-IDF baseline``: a plain single-pass TF-IDF clusterer on the same texts (cosine
  0.2 for full text, 0.15 for headlines, as in the issue).
- the candidates table (``story_candidates.py``): options measured in-process, the
  chosen defaults and one change at a time, so that the choice can be checked.

Scores: NMI (scikit-learn), B-cubed precision / recall / F1, stories, and "big merges":
stories holding more than half of each of two gold stories of 10+ articles.
Then the labelled timeline dates and entity types (``story_labels.py``).

Usage:
    .venv/bin/python benchmarks/stories.py [--runs 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from markdown_sections import replace_section  # noqa: E402  (benchmarks/ is on sys.path)
from story_candidates import (
    Score,
    candidates,
    load_items,
    score,
    tfidf_baseline,
    thread,
    thread_windowed,
)
from story_labels import label_section
from story_sets import DATA, IngestRun, StorySet, ecbplus, googlenews, run_ingest

from storyline.stories.threading import ThreadingOptions

COMMAND = ".venv/bin/python benchmarks/stories.py --write docs/benchmarks.md"
SECTION = "## Stories"
BASELINE = {"full text": 0.2, "headlines": 0.15}
# Windowed threading (stories.windows, window_seeds) against one sequential pass:
# (windows, passes).
WINDOWS = ((4, 1), (2, 2), (4, 2), (4, 3), (8, 2), (8, 3))


@dataclass
class SetResult:
    """One set through the real command, and the baseline beside it."""

    story_set: StorySet
    scores: Score
    spread: float
    identical: bool
    wall: float
    cpu: float
    thread_wall: float
    thread_cpu: float
    baseline: Score


def measure(story_set: StorySet, runs: int) -> SetResult:
    """``runs`` ingest runs of the set with the default workers, and the baseline."""
    urls = [r["url"] for r in story_set.records]
    gold = [story_set.gold[u] for u in urls]
    outcomes = []
    for number in range(runs):
        run = run_ingest(story_set)
        # A record ingest refused (none should be) counts as a story of its own.
        predicted = [run.story_of.get(u, f"missing {u}") for u in urls]
        outcomes.append((predicted, run))
        print(f"  run {number + 1}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU", file=sys.stderr)
    f1s = [score(p, gold).f1 for p, _ in outcomes]
    first = outcomes[0][0]
    baseline = tfidf_baseline(story_set.texts(), BASELINE[story_set.kind])
    return SetResult(
        story_set,
        score(first, gold),
        max(f1s) - min(f1s),
        all(p == first for p, _ in outcomes),
        statistics.median(r.wall for _, r in outcomes),
        statistics.median(r.cpu for _, r in outcomes),
        statistics.median(_reported(r, "threading_seconds") for _, r in outcomes),
        statistics.median(_reported(r, "threading_cpu_seconds") for _, r in outcomes),
        score(baseline, gold),
    )


def _reported(run: IngestRun, key: str) -> float:
    """A number from the ingest report (seconds of the threading phase)."""
    value = run.report.get(key)
    return float(value) if isinstance(value, int | float) and value > 0 else float("nan")


def results_table(results: list[SetResult]) -> str:
    """Scores, spread and speed of each set, the baseline on the next line."""
    lines = [
        "| set | method | NMI | B³ P | B³ R | B³ F1 | stories | big merges "
        "| F1 spread, runs identical | articles/s wall | articles/CPU-s "
        "| threading: articles/s wall | threading: articles/CPU-s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        n = len(r.story_set.records)
        for name, s in (("storyline ingest", r.scores), ("TF-IDF baseline", r.baseline)):
            extra = (
                f"{r.spread:.3f}, {'yes' if r.identical else 'NO'} | {n / r.wall:,.0f} "
                f"| {n / r.cpu:,.0f} | {n / r.thread_wall:,.0f} | {n / r.thread_cpu:,.0f}"
                if name.startswith("storyline")
                else "| | | |"
            )
            lines.append(
                f"| {r.story_set.name} ({n:,} {r.story_set.kind}) | {name} | {s.nmi:.3f} "
                f"| {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.stories} "
                f"| {s.big_merges} | {extra} |"
            )
    return "\n".join(lines)


def candidates_table(sets: list[StorySet], workers: int) -> str:
    """The candidate options on every set, in-process (B-cubed F1, NMI, big merges)."""
    loaded = [load_items(s, workers) for s in sets]
    header = " | ".join(s.name for s in sets)
    lines = [f"| options | {header} |", "|---" * (len(sets) + 1) + "|"]
    for name, (options, preparer) in candidates(_defaults()).items():
        cells = []
        for items in loaded:
            s = score(thread(items, options, preparer), items.gold)
            cells.append(f"{s.f1:.3f} / {s.nmi:.3f} / {s.big_merges}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
        print(lines[-1], file=sys.stderr, flush=True)
    sequential = [score(thread(items, _defaults()), items.gold) for items in loaded]
    for windows, passes in WINDOWS:
        cells = []
        for items, alone in zip(loaded, sequential, strict=True):
            s = score(thread_windowed(items, _defaults(), windows, passes), items.gold)
            cells.append(
                f"{s.f1:.3f} / {s.nmi:.3f} / {s.big_merges} "
                f"(F1 {s.f1 - alone.f1:+.3f}, NMI {s.nmi - alone.nmi:+.3f})"
            )
        how = {1: "one pass", 2: "two passes"}.get(passes, f"{passes} passes")
        lines.append(f"| in {windows} time windows, {how} | {' | '.join(cells)} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def _defaults() -> ThreadingOptions:
    """The options ``ingest`` threads with (the default ``story_half_life``, 3 days)."""
    return ThreadingOptions(half_life=3 * 86400.0)


def section_text(results: str, candidate_rows: str, labels: str, runs: int) -> str:
    """The ``## Stories`` section for docs/benchmarks.md."""
    options = _defaults()
    return (
        "Every labelled set through the real command: `storyline ingest` of a JSONL file "
        "into a fresh SQLite file, then `storyline stories --json` (default workers: one "
        f"per core; {runs} runs per set). ECB+ carries no publication times, so its "
        "articles are threaded in file order; the headlines are given one a minute, so "
        "the default `story_half_life` (3 days) is about 4,300 headlines. Speed is "
        "articles per second of wall time and per CPU-second of every process of the "
        "command (parent, extraction and entity workers), on the shared 2-core machine "
        "while other engineers' jobs ran: the CPU figure is the steadier one, and two "
        "cores give at most twice it.\n\n"
        f"Command: `{COMMAND}`\n\n"
        f"{results}\n\n"
        "Candidates, in-process on the same articles and entities (B-cubed F1 / NMI / "
        "big merges; one change at a time from the chosen defaults: threshold "
        f"{options.threshold}, merge threshold {options.merge_threshold}, size prior "
        f"{options.size_prior}, headline weight {options.headline_weight}, body weight "
        f"{options.body_weight} over the "
        f"{options.body_terms} most frequent body words, entity weight "
        f"{options.entity_weight}):\n\n"
        f"{candidate_rows}\n\n"
        f"{labels}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--runs", type=int, default=3, help="Ingest runs per set.")
    parser.add_argument(
        "--write", type=Path, default=None, help="Also put the tables into this file."
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sets = [ecbplus(args.data), googlenews("arrival", args.data), googlenews("story", args.data)]
    results = []
    for story_set in sets:
        print(story_set.name, file=sys.stderr, flush=True)
        results.append(measure(story_set, args.runs))
    table = results_table(results)
    print(table, flush=True)
    candidate_rows = candidates_table(sets, os.cpu_count() or 1)
    print(candidate_rows, flush=True)
    labels = label_section()
    print(labels)
    if args.write:
        text = section_text(table, candidate_rows, labels, args.runs)
        replace_section(args.write, SECTION, text, keep_subsections=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
