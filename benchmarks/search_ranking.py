"""Search ranking windows: what bounding BM25 to the newest matches costs and changes.

On the web benchmark's store (10,000 articles; ``benchmarks/web.py`` builds it) and its
search words, each window size runs storyline's own ranked query (``search_ranked``,
its ``RANK_WINDOW`` set for the run) for every word: the SQL's time per search (mean,
p95, p99, worst; CPU time, the sizes taking turns over several rounds, each figure the
median of the rounds) and how many words' top 20 differ from exact BM25 over all
matches, with the share of the exact top 20 those words keep. "exact" is a window larger
than any match list.

Usage:
    .venv/bin/python benchmarks/search_ranking.py [--db .benchmarks/web.db] [--words 1500]
        [--rounds 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from storyline.store import Store, search_ranked
from storyline.store.search import fts_expression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_targets  # noqa: E402 (benchmarks/ is not a package)
from web_report import write_block  # noqa: E402

EXACT = 10**9
NO_FILTERS = (False, False, False, False)


def ranked_ids(store: Store, match: str, window: int) -> tuple[list[int], float]:
    """The top 20 page ids with ``window``, and the CPU seconds the SQL took."""
    search_ranked.RANK_WINDOW = window
    with store.engine.connect() as conn:
        started = time.process_time()
        rows = search_ranked.ranked_rows(conn, NO_FILTERS, {"match": match}, 21, 0)
        spent = time.process_time() - started
    return [r.id for r in rows[:20]], spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(".benchmarks/web.db"))
    parser.add_argument("--words", type=_positive, default=1500)
    parser.add_argument("--rounds", type=_positive, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} is not built yet: run benchmarks/web.py once first")
    words = web_targets.words()[: args.words]
    matches = [fts_expression([w]) for w in words]
    windows = [EXACT, 300, 500, 1000]
    times: dict[int, list[list[float]]] = {w: [] for w in windows}
    tops: dict[int, list[list[int]]] = {}
    with Store.open(args.db) as store:
        for match in matches[:200]:  # warm the page cache
            ranked_ids(store, match, EXACT)
        for _ in range(args.rounds):
            for window in windows:
                found = [ranked_ids(store, m, window) for m in matches]
                times[window].append([t for _, t in found])
                tops[window] = [ids for ids, _ in found]
    lines = [
        f"Command: `.venv/bin/python benchmarks/search_ranking.py --words {len(words)} "
        f"--rounds {args.rounds}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the web benchmark's "
        f"store (10,000 articles), {len(words):,} of its search words, one word a search, "
        "no filters, first page (21 rows).",
        "",
        "| ranking | SQL CPU ms/search: mean | p95 | p99 | worst | words whose top 20 "
        "differs from exact | share of the exact top 20 they keep |",
        "|---|---|---|---|---|---|---|",
    ]
    for window in windows:
        mean, p95, p99, worst = _figures(times[window])
        changed = [
            (exact, mine)
            for exact, mine in zip(tops[EXACT], tops[window], strict=True)
            if exact != mine
        ]
        kept = statistics.mean(len(set(e) & set(m)) / len(e) for e, m in changed) if changed else 1
        name = "exact BM25 over all matches" if window == EXACT else f"newest {window} first"
        lines.append(
            f"| {name} | {mean:.3f} | {p95:.3f} | {p99:.3f} | {worst:.3f} | "
            f"{len(changed):,} ({len(changed) / len(words):.0%}) | {kept:.0%} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_block(args.write, "web-search-ranking", table)
        print(f"wrote block 'web-search-ranking' of '## Web' in {args.write}")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive whole number")
    return number


def _figures(rounds: list[list[float]]) -> tuple[float, float, float, float]:
    """Median over the rounds of each round's mean, p95, p99 and worst, in ms."""

    def one(values: list[float]) -> tuple[float, float, float, float]:
        ordered = sorted(values)
        at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return statistics.mean(ordered), at(0.95), at(0.99), ordered[-1]

    per_round = [one(r) for r in rounds]
    return tuple(1000 * statistics.median(f[i] for f in per_round) for i in range(4))  # type: ignore[return-value]


if __name__ == "__main__":
    main()
