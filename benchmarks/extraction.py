"""Article-body extraction benchmark: storyline against its peers, in one run.

Scores every extractor on the shared development pages (``../shared/data/extraction``)
with the benchmark's published metric (see that folder's SOURCE.md): ``\\w+`` tokens,
4-token shingles, per-page tp/fp/fn normalised to sum 1, precision and recall averaged
over pages, F1 from the two averages. Speed is pages per CPU-second (``time.process_time``)
over the whole page set. Every extractor gets the same decoded ``str``, so the timings
compare extraction, not decoding.

Usage:
    .venv/bin/python benchmarks/extraction.py [--data DIR] [--only NAME ...]
        [--worst N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "extraction"
COMMAND = ".venv/bin/python benchmarks/extraction.py --write docs/benchmarks.md"
SECTION = "## Extraction"
_TOKEN = re.compile(r"\w+")

Extractor = Callable[[str, str | None], str]


@dataclass
class Page:
    """One benchmark page: its id, HTML, URL and the annotated article body."""

    id: str
    html: str
    url: str | None
    truth: str


@dataclass
class Result:
    """One extractor's scores over the page set."""

    name: str
    precision: float
    recall: float
    f1: float
    pages_per_cpu_s: float
    per_page: dict[str, float]


def load_pages(data_dir: Path) -> list[Page]:
    """Read ``ground-truth.json`` and the gzipped pages it names."""
    from storyline.extract.decode import decode_html

    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(
            Page(
                page_id, decode_html(raw), truth[page_id].get("url"), truth[page_id]["articleBody"]
            )
        )
    return pages


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles of ``\\w+`` tokens (the whole text if shorter)."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def page_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """tp, fp, fn of one page, normalised to sum 1 (all zero when both texts are empty)."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pages: list[Page], outputs: dict[str, str]) -> tuple[float, float, float, dict]:
    """Precision and recall averaged over pages, F1 from the averages, and per-page F1.

    As in the benchmark's ``evaluate.py``: a page with no predicted text counts for recall
    only, and a page predicted exactly scores 1 on both.
    """
    precisions, recalls, per_page = [], [], {}
    for page in pages:
        tp, fp, fn = page_counts(outputs.get(page.id, ""), page.truth)
        precision = 1.0 if fp == fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
        recall = 1.0 if fp == fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
        if tp + fp > 0:
            precisions.append(precision)
        if tp + fn > 0:
            recalls.append(recall)
        per_page[page.id] = _f1(precision, recall)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, _f1(p, r), per_page


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _storyline(html: str, url: str | None) -> str:
    from storyline import extract_article

    return extract_article(html, url=url).body_text


def _trafilatura(precision: bool) -> Extractor:
    import trafilatura

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url, favor_precision=precision) or ""

    return run


def _readability(html: str, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _justext(html: str, url: str | None) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _resiliparse(html: str, url: str | None) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse(html), main_content=True)


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "storyline": lambda: _storyline,
    "trafilatura": lambda: _trafilatura(False),
    "trafilatura (favor_precision)": lambda: _trafilatura(True),
    "readability-lxml": lambda: _readability,
    "resiliparse": lambda: _resiliparse,
    "jusText": lambda: _justext,
}


def run_extractors(names: list[str], pages: list[Page]) -> list[Result]:
    """Extract every page with every extractor, timing CPU only, then score each.

    Pages are the outer loop and extractors the inner one, so a change in machine load
    (the benchmark machine is shared) hits every extractor alike instead of whichever
    happened to run at that moment.
    """
    extractors = {name: EXTRACTORS[name]() for name in names}
    for extractor in extractors.values():
        extractor(pages[0].html, pages[0].url)  # warm up imports and caches outside the clock
    outputs: dict[str, dict[str, str]] = {name: {} for name in names}
    elapsed = dict.fromkeys(names, 0.0)
    for page in pages:
        for name, extractor in extractors.items():
            start = time.process_time()
            outputs[name][page.id] = extractor(page.html, page.url)
            elapsed[name] += time.process_time() - start
    results = []
    for name in names:
        p, r, f1, per_page = score(pages, outputs[name])
        speed = len(pages) / elapsed[name] if elapsed[name] else float("inf")
        results.append(Result(name, p, r, f1, speed, per_page))
    return results


def table(results: list[Result], n_pages: int) -> str:
    """The markdown table of all results, best F1 first."""
    lines = [
        f"| extractor ({n_pages} pages) | F1 | precision | recall | pages / CPU-s |",
        "|---|---|---|---|---|",
    ]
    for res in sorted(results, key=lambda r: -r.f1):
        lines.append(
            f"| {res.name} | {res.f1:.3f} | {res.precision:.3f} | {res.recall:.3f} "
            f"| {res.pages_per_cpu_s:.1f} |"
        )
    speeds = {r.name: r.pages_per_cpu_s for r in results}
    if "storyline" in speeds and speeds.get("trafilatura"):
        ratio = speeds["storyline"] / speeds["trafilatura"]
        lines += ["", f"storyline's speed in this run: {ratio:.2f}× trafilatura's pages / CPU-s."]
    return "\n".join(lines)


def worst_pages(result: Result, pages: list[Page], n: int) -> str:
    """The ``n`` pages on which ``result``'s extractor scores lowest, with their URLs."""
    urls = {p.id: p.url for p in pages}
    ranked = sorted(result.per_page.items(), key=lambda kv: kv[1])[:n]
    lines = [f"Worst {n} pages for {result.name}:"]
    lines += [f"  {f1:.3f}  {pid[:12]}  {urls[pid]}" for pid, f1 in ranked]
    return "\n".join(lines)


def write_section(doc: Path, body: str) -> None:
    """Put this benchmark's figures into its section of ``doc`` (markdown_sections)."""
    replace_block(doc, SECTION, "extraction-table", body)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", nargs="*", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--write", type=Path, default=None, help="markdown file to update")
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    results = run_extractors(list(args.only or EXTRACTORS), pages)
    output = table(results, len(pages))
    print(output)
    for res in results if args.worst else []:
        print("\n" + worst_pages(res, pages, args.worst))
    if args.write:
        write_section(args.write, f"Command: `{COMMAND}`\n\n{output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
