"""Does a speed change leave extraction's output as it was? A snapshot, compared.

Runs ``extract_article`` on every page of the extraction sets (765) and the dates set
(488), records each page's ``body_text`` and ``published``, and either saves that
snapshot (``--save``) or compares it with a saved one (``--compare``): the pages whose
body or date differ are listed, so a change meant only to be faster is checked to
change nothing. It also reports storyline's CPU per page (``time.process_time``) and,
with ``--peer``, trafilatura's precision mode on the same pages, interleaved page by
page, for the speed ratio the full benchmark (``extraction.py``) reports.

Usage:
    .venv/bin/python benchmarks/extraction_snapshot.py --save /tmp/before.json [--peer]
    .venv/bin/python benchmarks/extraction_snapshot.py --compare /tmp/before.json [--peer]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dates  # noqa: E402  (benchmarks/ is on sys.path)
import extraction  # noqa: E402

Output = dict[str, str | None]


def _storyline(html: str, url: str | None) -> Output:
    from storyline import StorylineError, extract_article

    try:
        article = extract_article(html, url=url)
    except StorylineError:
        return {"body": "", "published": None, "error": "StorylineError"}
    return {"body": article.body_text, "published": article.published}


def run(
    pages: list[tuple[str, str, str | None]], peer: bool
) -> tuple[dict[str, Output], list[float], list[float]]:
    """Outputs of storyline per page id, its CPU seconds per page, and the peer's."""
    peer_run: Callable[[str, str | None], str] | None = (
        extraction.EXTRACTORS[extraction.SPEED_PEER]() if peer else None
    )
    _storyline(pages[0][1], pages[0][2])  # imports and caches outside the clock
    if peer_run is not None:
        peer_run(pages[0][1], pages[0][2])
    outputs: dict[str, Output] = {}
    ours: list[float] = []
    theirs: list[float] = []
    for page_id, html, url in pages:
        start = time.process_time()
        outputs[page_id] = _storyline(html, url)
        ours.append(time.process_time() - start)
        if peer_run is not None:
            start = time.process_time()
            peer_run(html, url)
            theirs.append(time.process_time() - start)
    return outputs, ours, theirs


def differences(before: dict[str, Output], after: dict[str, Output]) -> list[str]:
    """Page ids whose body or date differs between two snapshots (or is in one only)."""
    return sorted(
        page_id
        for page_id in before.keys() | after.keys()
        if before.get(page_id) != after.get(page_id)
    )


def _speed_lines(label: str, times: list[float]) -> str:
    total = sum(times)
    return (
        f"{label}: {len(times) / total:.1f} pages / CPU-s, mean {1000 * total / len(times):.1f} ms,"
        f" median {1000 * dates.percentile(times, 0.5):.1f},"
        f" p99 {1000 * dates.percentile(times, 0.99):.1f}, max {1000 * max(times):.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Extract every page, then save or compare the snapshot and print CPU figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", type=Path, default=None, help="write the snapshot here")
    parser.add_argument("--compare", type=Path, default=None, help="compare with this one")
    parser.add_argument("--peer", action="store_true", help="time trafilatura precision too")
    parser.add_argument("--no-dates", action="store_true", help="only the 765 extraction pages")
    args = parser.parse_args(argv)
    pages = [
        (p.id, p.html, p.url)
        for label, folder in extraction.SETS.items()
        for p in extraction.load_pages(folder, f"{label}/")
    ]
    extraction_ids = [page_id for page_id, _, _ in pages]
    if not args.no_dates:
        pages += [(f"dates/{p.id}", p.html, p.url) for p in dates.load_date_pages()]
    outputs, ours, theirs = run(pages, args.peer)
    ours_765 = ours[: len(extraction_ids)]
    print(_speed_lines(f"storyline ({len(ours_765)} extraction pages)", ours_765))
    if theirs:
        theirs_765 = theirs[: len(extraction_ids)]
        print(_speed_lines(f"{extraction.SPEED_PEER} (same pages)", theirs_765))
        print(f"speed ratio: {sum(theirs_765) / sum(ours_765):.3f}x")
    if len(ours) > len(ours_765):
        rest = ours[len(ours_765) :]
        print(_speed_lines(f"storyline ({len(rest)} dates pages)", rest))
    if args.save:
        args.save.write_text(json.dumps(outputs, ensure_ascii=False), encoding="utf-8")
        print(f"snapshot of {len(outputs)} pages written to {args.save}")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        shared = {k: v for k, v in before.items() if k in outputs}
        changed = differences(shared, outputs)
        print(f"{len(changed)} of {len(outputs)} pages differ from {args.compare}")
        for page_id in changed[:40]:
            print(f"  {page_id}")
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
