"""What the news-structure layer does to extraction quality, in one run.

Scores ``extract_article`` on each shared development set twice with the benchmark's
metric (imported from ``benchmarks/extraction.py``): once as shipped, and once with the
news-structure layer switched off (every block kept as body text, no DOM reading: no
rail scan, link lookup, live stamps or update boxes), so the difference is the layer's
alone whatever the main-content extractor does. Also counts what the layer took out, and
lists the pages whose F1 moved.

Usage:
    .venv/bin/python benchmarks/structure.py [--set NAME ...] [--pages N] [--moved N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import SETS, Page, load_pages, score  # noqa: E402

from storyline.extract import html as html_module  # noqa: E402
from storyline.extract.blocks import Block  # noqa: E402
from storyline.extract.structure import StructuredBody, structure_blocks  # noqa: E402
from storyline.model import Article, Paragraph, Section  # noqa: E402


def _plain_structure(blocks: list[Block], teasers=()) -> StructuredBody:
    """The layer switched off: every non-empty block is body text."""
    paragraphs = [Paragraph(b.text, b.kind) for b in blocks if b.text.strip()]
    return StructuredBody(sections=[Section("body", paragraphs)] if paragraphs else [])


_HOOKS = ("structure_blocks", "read_page_structure")
_OFF = {
    "structure_blocks": _plain_structure,
    "read_page_structure": lambda blocks, tree, headline=None: (blocks, []),
}


@contextmanager
def hooks(replace: dict[str, Callable]):
    """Swap news-structure hooks in ``html.py`` for the given functions, then restore them."""
    saved = {name: getattr(html_module, name) for name in _HOOKS}
    for name, function in replace.items():
        setattr(html_module, name, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(html_module, name, function)


def _timed(function: Callable, clock: list[float]) -> Callable:
    def run(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            clock[0] += time.process_time() - start

    return run


def run(pages: list[Page]) -> tuple[dict[str, Article], float]:
    """Extract every page; return the articles and the CPU seconds it took."""
    start = time.process_time()
    articles = {p.id: html_module.extract_article(p.html, url=p.url) for p in pages}
    return articles, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    """Print, for each set, the before/after table, removal counts and the pages that moved."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs="*", choices=sorted(SETS), default=None)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("--moved", type=int, default=20, help="list at most N moved pages")
    args = parser.parse_args(argv)
    assert structure_blocks is html_module.structure_blocks
    for label in args.set or SETS:
        pages = load_pages(SETS[label])
        pages = pages[: args.pages] if args.pages else pages
        print(f"\n### {label}\n")
        _one_set(pages, args.moved)
    return 0


def _one_set(pages: list[Page], moved: int) -> None:
    run(pages[:3])  # warm imports and caches outside the clock
    with hooks(_OFF):
        before, before_s = run(pages)
    layer = [0.0]
    with hooks({name: _timed(getattr(html_module, name), layer) for name in _HOOKS}):
        after, after_s = run(pages)
    rows = []
    for name, arts, secs in (
        ("without news structure", before, before_s),
        ("with news structure", after, after_s),
    ):
        p, r, f1, per_page = score(pages, {k: a.body_text for k, a in arts.items()})
        rows.append((name, p, r, f1, len(pages) / secs, per_page))
    print(f"| extract_article ({len(pages)} pages) | F1 | precision | recall | pages / CPU-s |")
    print("|---|---|---|---|---|")
    for name, p, r, f1, speed, _ in rows:
        print(f"| {name} | {f1:.4f} | {p:.4f} | {r:.4f} | {speed:.1f} |")
    print(
        f"\nThe layer's own CPU time: {1000 * layer[0] / len(pages):.1f} ms per page "
        f"(whole extraction: {1000 * after_s / len(pages):.1f} ms)."
    )
    _print_removed(after)
    _print_moved(pages, rows[0][5], rows[1][5], moved)


def _print_removed(articles: dict[str, Article]) -> None:
    promos = [p for a in articles.values() for p in a.promos]
    kinds = sorted({p.kind for p in promos})
    print("\n| taken out of the body | count | pages |\n|---|---|---|")
    for kind in kinds:
        pages = sum(any(p.kind == kind for p in a.promos) for a in articles.values())
        print(f"| promo: {kind} | {sum(p.kind == kind for p in promos)} | {pages} |")
    related = [a for a in articles.values() if a.related]
    print(f"| related teasers | {sum(len(a.related) for a in related)} | {len(related)} |")
    nav = [a for a in articles.values() if a.navigation]
    print(f"| navigation | {sum(len(a.navigation) for a in nav)} | {len(nav)} |")


def _print_moved(
    pages: list[Page], before: dict[str, float], after: dict[str, float], limit: int
) -> None:
    moved = sorted(
        (
            (after[p.id] - before[p.id], p)
            for p in pages
            if abs(after[p.id] - before[p.id]) >= 0.0005
        ),
        key=lambda item: item[0],
    )
    print(
        f"\nPages whose F1 moved ({len(moved)}; up {sum(d > 0 for d, _ in moved)}, "
        f"down {sum(d < 0 for d, _ in moved)}; the {limit} largest moves):"
    )
    shown = sorted(moved, key=lambda item: -abs(item[0]))[:limit]
    for delta, page in sorted(shown, key=lambda item: item[0]):
        print(f"  {delta:+.3f}  {before[page.id]:.3f} -> {after[page.id]:.3f}  {page.url}")


if __name__ == "__main__":
    sys.exit(main())
