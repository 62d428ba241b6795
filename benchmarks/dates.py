"""Publication-date benchmark: storyline against htmldate (fast and extensive), in one run.

Pages and metric from ``../shared/data/dates`` (see its SOURCE.md): a page is correct
when the calendar day of the extracted publication date *as the page states it* equals
the annotated day, or when nothing is returned and the page has no date. storyline's
``Article.published`` keeps the page's own UTC offset, so its first ten characters are
that day. Wrong and missing dates are counted apart. CPU time per page
(``time.process_time``) is taken for every method; storyline's is a whole
``extract_article`` (body included), htmldate's only the date.

Run alone, or as part of ``benchmarks/extraction.py`` (which writes both sections):
    .venv/bin/python benchmarks/dates.py [--data DIR] [--wrong N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "dates"
SECTION = "## Dates"
LIMIT_SECONDS = 60  # a method still running after this is stopped and scored as missing

DateFinder = Callable[[str, str | None], str | None]


@dataclass
class DatePage:
    """One page of the dates set: its id, HTML, URL and annotated day (or None)."""

    id: str
    html: str
    url: str | None
    day: str | None


@dataclass
class DateResult:
    """One method's answers over the dates set."""

    name: str
    answers: dict[str, str | None]
    cpu: list[float] = field(default_factory=list)
    stopped: int = 0

    def counts(self, pages: list[DatePage]) -> tuple[int, int, int]:
        """(correct, wrong, missing) over ``pages``."""
        correct = wrong = missing = 0
        for page in pages:
            found = self.answers.get(page.id)
            day = found[:10] if found else None
            if day == page.day:
                correct += 1
            elif day is None:
                missing += 1
            else:
                wrong += 1
        return correct, wrong, missing


def load_date_pages(data_dir: Path = DEFAULT_DATA) -> list[DatePage]:
    """Read ``ground-truth.json`` and the gzipped pages it names, decoded as storyline does."""
    from storyline.extract.decode import decode_html

    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(DatePage(page_id, decode_html(raw), entry.get("url"), entry["published_date"]))
    return pages


def _storyline(html: str, url: str | None) -> str | None:
    from storyline import StorylineError, extract_article

    try:
        return extract_article(html, url=url).published
    except StorylineError:  # not HTML, too large: no date
        return None


def _htmldate(extensive: bool) -> DateFinder:
    from htmldate import find_date

    def run(html: str, url: str | None) -> str | None:
        return find_date(html, url=url, extensive_search=extensive, original_date=True)

    return run


METHODS: dict[str, Callable[[], DateFinder]] = {
    "storyline (extract_article)": lambda: _storyline,
    "htmldate extensive": lambda: _htmldate(True),
    "htmldate fast": lambda: _htmldate(False),
}


class _Stopped(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Stopped


def run_methods(pages: list[DatePage], names: list[str] | None = None) -> list[DateResult]:
    """Every method on every page, interleaved page by page, CPU-timed, each call limited."""
    finders = {name: METHODS[name]() for name in names or METHODS}
    results = {name: DateResult(name, {}) for name in finders}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for page in pages:
            for name, finder in finders.items():
                start = time.process_time()
                signal.alarm(LIMIT_SECONDS)
                try:
                    answer = finder(page.html, page.url)
                except _Stopped:
                    answer, results[name].stopped = None, results[name].stopped + 1
                except Exception:  # noqa: BLE001  (a peer's crash is a missing date)
                    answer = None
                finally:
                    signal.alarm(0)
                results[name].cpu.append(time.process_time() - start)
                results[name].answers[page.id] = answer
    finally:
        signal.signal(signal.SIGALRM, previous)
    return list(results.values())


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def table(results: list[DateResult], pages: list[DatePage]) -> str:
    """The markdown table: share correct, wrong and missing, CPU per page."""
    lines = [
        f"| method ({len(pages)} pages) | correct | wrong | missing "
        "| CPU ms / page: median | p99 | max |",
        "|---|---|---|---|---|---|---|",
    ]
    ranked = sorted(results, key=lambda r: -r.counts(pages)[0])
    for res in ranked:
        correct, wrong, missing = res.counts(pages)
        stopped = f" ({res.stopped} stopped)" if res.stopped else ""
        lines.append(
            f"| {res.name} | {100 * correct / len(pages):.1f} % | {wrong} | {missing}{stopped} "
            f"| {1000 * percentile(res.cpu, 0.5):.1f} | {1000 * percentile(res.cpu, 0.99):.1f} "
            f"| {1000 * max(res.cpu, default=0):.0f} |"
        )
    return "\n".join(lines)


def wrong_pages(result: DateResult, pages: list[DatePage], n: int) -> str:
    """Up to ``n`` pages ``result`` got wrong or missed: expected, found, URL."""
    lines = [f"Wrong or missing for {result.name}:"]
    for page in pages:
        found = result.answers.get(page.id)
        if (found[:10] if found else None) != page.day and len(lines) <= n:
            lines.append(f"  {page.id}  expected {page.day}  found {found}  {page.url}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the dates benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", nargs="*", choices=sorted(METHODS), default=None)
    parser.add_argument("--wrong", type=int, default=0, help="list N wrong pages per method")
    args = parser.parse_args(argv)
    pages = load_date_pages(args.data)
    results = run_methods(pages, args.only)
    print(table(results, pages))
    for res in results if args.wrong else []:
        print("\n" + wrong_pages(res, pages, args.wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
