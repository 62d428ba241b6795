"""Article-body extraction benchmark: storyline against its peers, every set, in one run.

Scores every extractor on each development set (``../shared/data/extraction``, 82
Scrapinghub pages; ``../shared/data/extraction-dragnet``, 683 Dragnet pages) and on the
two pooled, with the benchmark's published metric (see each folder's SOURCE.md): ``\\w+``
tokens, 4-token shingles, per-page tp/fp/fn normalised to sum 1, precision and recall
averaged over pages, F1 from the two averages. Speed is CPU time (``time.process_time``)
per page: pages per CPU-second, and the median, p99 and maximum of the per-page times.
Every extractor gets the same decoded ``str``, so the timings compare extraction, not
decoding; extractors run interleaved page by page, so a change in machine load hits all
alike. The same run also scores publication dates (``benchmarks/dates.py``).

Usage:
    .venv/bin/python benchmarks/extraction.py [--set NAME ...] [--only NAME ...]
        [--no-dates] [--worst N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dates  # noqa: E402  (benchmarks/ is on sys.path)
from markdown_sections import replace_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "extraction"
SETS = {
    "Scrapinghub": DEFAULT_DATA,
    "Dragnet": ROOT / ".." / "shared" / "data" / "extraction-dragnet",
}
COMMAND = ".venv/bin/python benchmarks/extraction.py --write docs/benchmarks.md"
SECTION = "## Extraction"
LIMIT_SECONDS = 60  # an extractor still running on a page after this is stopped (empty text)
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
    """One extractor's scores and CPU times over a page set."""

    name: str
    precision: float
    recall: float
    f1: float
    pages_per_cpu_s: float
    per_page: dict[str, float]
    cpu: list[float] = field(default_factory=list)
    stopped: int = 0
    failed: int = 0


def load_pages(data_dir: Path, prefix: str = "") -> list[Page]:
    """Read ``ground-truth.json`` and the gzipped pages it names (ids get ``prefix``)."""
    from storyline.extract.decode import decode_html

    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(
            Page(prefix + page_id, decode_html(raw), entry.get("url"), entry["articleBody"])
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
    from storyline import StorylineError, extract_article

    try:
        return extract_article(html, url=url).body_text
    except StorylineError:  # not HTML, too large: no article, as documented
        return ""


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
PEERS = ("trafilatura", "trafilatura (favor_precision)", "readability-lxml")  # the F1 bar
SPEED_PEER = "trafilatura (favor_precision)"  # the speed bar


class _Stopped(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Stopped


def extract_all(
    names: list[str], pages: list[Page]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, float]], dict[str, tuple[int, int]]]:
    """Extract every page with every extractor: outputs and CPU seconds per page, and
    how many calls were stopped (over the time limit) or failed (raised).

    Pages are the outer loop and extractors the inner one, so a change in machine load
    (the benchmark machine is shared) hits every extractor alike instead of whichever
    happened to run at that moment. A call still running after ``LIMIT_SECONDS`` is
    stopped by an alarm and scores as empty output.
    """
    extractors = {name: EXTRACTORS[name]() for name in names}
    for extractor in extractors.values():
        extractor(pages[0].html, pages[0].url)  # warm up imports and caches outside the clock
    outputs: dict[str, dict[str, str]] = {name: {} for name in names}
    cpu: dict[str, dict[str, float]] = {name: {} for name in names}
    stopped = dict.fromkeys(names, 0)
    failed = dict.fromkeys(names, 0)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for page in pages:
            for name, extractor in extractors.items():
                start = time.process_time()
                signal.alarm(LIMIT_SECONDS)
                try:
                    outputs[name][page.id] = extractor(page.html, page.url)
                except _Stopped:
                    outputs[name][page.id], stopped[name] = "", stopped[name] + 1
                except Exception as exc:  # noqa: BLE001  (a crash scores as empty output)
                    print(f"{name} failed on {page.id}: {type(exc).__name__}", file=sys.stderr)
                    outputs[name][page.id], failed[name] = "", failed[name] + 1
                finally:
                    signal.alarm(0)
                cpu[name][page.id] = time.process_time() - start
    finally:
        signal.signal(signal.SIGALRM, previous)
    return outputs, cpu, {name: (stopped[name], failed[name]) for name in names}


def _result(
    name: str,
    pages: list[Page],
    outputs: dict[str, str],
    cpu: dict[str, float],
    problems: tuple[int, int] = (0, 0),
) -> Result:
    p, r, f1, per_page = score(pages, outputs)
    times = [cpu[page.id] for page in pages]
    speed = len(pages) / sum(times) if sum(times) else float("inf")
    return Result(name, p, r, f1, speed, per_page, times, *problems)


def run_sets(names: list[str], sets: dict[str, list[Page]]) -> dict[str, list[Result]]:
    """Every extractor on every set in one interleaved pass; results per set and pooled."""
    everything = [page for pages in sets.values() for page in pages]
    outputs, cpu, problems = extract_all(names, everything)
    results = {
        label: [_result(name, pages, outputs[name], cpu[name]) for name in names]
        for label, pages in sets.items()
    }
    results["pooled"] = [
        _result(name, everything, outputs[name], cpu[name], problems[name]) for name in names
    ]
    return results


def quality_table(results: dict[str, list[Result]], sizes: dict[str, int]) -> str:
    """F1 on each set and pooled, with pooled precision and recall; best pooled F1 first."""
    labels = list(results)
    header = " | ".join(f"F1 {label} ({sizes[label]})" for label in labels)
    lines = [f"| extractor | {header} | P pooled | R pooled |", "|---" * (len(labels) + 3) + "|"]
    by_name = {label: {r.name: r for r in rows} for label, rows in results.items()}
    for res in sorted(results["pooled"], key=lambda r: -r.f1):
        cells = " | ".join(f"{by_name[label][res.name].f1:.3f}" for label in labels)
        lines.append(f"| {res.name} | {cells} | {res.precision:.3f} | {res.recall:.3f} |")
    lines += ["", _bar_line(by_name, labels)]
    return "\n".join(lines)


def _bar_line(by_name: dict[str, dict[str, Result]], labels: list[str]) -> str:
    """storyline against the best peer + 0.01 on each set (the issue's bar)."""
    parts = []
    for label in labels:
        peers = [by_name[label][n].f1 for n in PEERS if n in by_name[label]]
        if "storyline" not in by_name[label] or not peers:
            return ""
        bar = max(peers) + 0.01
        ours = by_name[label]["storyline"].f1
        parts.append(f"{label} {ours:.3f} vs {bar:.3f} ({'met' if ours >= bar else 'missed'})")
    return (
        "storyline against the bar (best of trafilatura either mode and readability-lxml, +0.01): "
        + "; ".join(parts)
        + "."
    )


def speed_table(results: list[Result]) -> str:
    """CPU per page for every extractor over all pages of all sets."""
    lines = [
        f"| extractor ({len(results[0].cpu)} pages) | pages / CPU-s | CPU ms / page: median "
        "| p99 | max | pages over 1 s |",
        "|---|---|---|---|---|---|",
    ]
    for res in sorted(results, key=lambda r: -r.pages_per_cpu_s):
        stopped = f" ({res.stopped} stopped)" if res.stopped else ""
        stopped += f" ({res.failed} failed)" if res.failed else ""
        median, p99 = dates.percentile(res.cpu, 0.5), dates.percentile(res.cpu, 0.99)
        lines.append(
            f"| {res.name} | {res.pages_per_cpu_s:.1f} | {1000 * median:.1f} "
            f"| {1000 * p99:.1f} | {1000 * max(res.cpu):.0f} "
            f"| {sum(t > 1.0 for t in res.cpu)}{stopped} |"
        )
    speeds = {r.name: r.pages_per_cpu_s for r in results}
    if "storyline" in speeds and speeds.get(SPEED_PEER):
        ratio = speeds["storyline"] / speeds[SPEED_PEER]
        lines += ["", f"storyline's speed in this run: {ratio:.2f}× {SPEED_PEER}'s pages / CPU-s."]
    return "\n".join(lines)


def worst_pages(result: Result, pages: list[Page], n: int) -> str:
    """The ``n`` pages on which ``result``'s extractor scores lowest, with their URLs."""
    urls = {p.id: p.url for p in pages}
    ranked = sorted(result.per_page.items(), key=lambda kv: kv[1])[:n]
    lines = [f"Worst {n} pages for {result.name}:"]
    lines += [f"  {f1:.3f}  {pid[:16]}  {urls[pid]}" for pid, f1 in ranked]
    return "\n".join(lines)


def write_sections(doc: Path, extraction: str, date_table: str | None) -> None:
    """Put the figures into their sections of ``doc`` (markdown_sections)."""
    replace_block(doc, SECTION, "extraction-table", extraction)
    if date_table is not None:
        replace_block(
            doc,
            dates.SECTION,
            "dates-table",
            f"Command: `{COMMAND}` (the same run)\n\n{date_table}",
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on every set (and the dates), print and optionally write it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", nargs="*", choices=sorted(SETS), default=None)
    parser.add_argument("--only", nargs="*", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument("--no-dates", action="store_true", help="skip the dates benchmark")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--write", type=Path, default=None, help="markdown file to update")
    args = parser.parse_args(argv)
    sets = {label: load_pages(SETS[label], f"{label}/") for label in args.set or SETS}
    names = list(args.only or EXTRACTORS)
    results = run_sets(names, sets)
    sizes = {label: len(pages) for label, pages in sets.items()}
    sizes["pooled"] = sum(sizes.values())
    output = quality_table(results, sizes) + "\n\n" + speed_table(results["pooled"])
    print(output)
    everything = [page for pages in sets.values() for page in pages]
    for res in results["pooled"] if args.worst else []:
        print("\n" + worst_pages(res, everything, args.worst))
    date_table = None
    if not args.no_dates:
        date_pages = dates.load_date_pages()
        date_table = dates.table(dates.run_methods(date_pages), date_pages)
        print("\n" + date_table)
    if args.write:
        write_sections(args.write, f"Command: `{COMMAND}`\n\n{output}", date_table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
