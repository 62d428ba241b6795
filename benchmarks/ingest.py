"""Batch ingest benchmark: ``storyline ingest`` against trafilatura alone, in one run.

Builds a WARC from the shared extraction pages (``../shared/data/extraction``, URLs from
ground-truth.json) repeated to ``--records`` records: most are distinct pages (the URL
gets ``?copy=N``, so every copy is also a syndicated duplicate of its siblings), one in
twenty re-captures an earlier URL unchanged (adds no version) and one in twenty
re-captures it with an update paragraph (a new version, aligned against the old one).

Then, on the same file, ``--rounds`` times each (default 2), interleaved (storyline then
trafilatura, then the other way round, ...) so that a change in the machine's load between
runs does not favour one side; the table reports each pipeline's median run and lists the
rounds:

- ``storyline ingest --workers W``, run as a subprocess: wall time, and the peak RSS of
  its whole process tree (parent, forkserver and workers, sampled from /proc every 0.1 s;
  a sum over processes, so shared pages count more than once: an upper bound);
- trafilatura alone: the parent streams the same WARC and a W-process pool runs
  ``trafilatura.extract`` on each page, nothing stored, same timing and RSS sampling.

Usage:
    .venv/bin/python benchmarks/ingest.py [--records 10000] [--workers 2]
        [--rounds 2] [--keep DIR] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "extraction"
SECTION = "## Ingest"
UPDATE = (
    b"<p>UPDATE: Officials confirmed the figures on Monday and said a fuller "
    b"statement would follow later in the week.</p>"
)


@dataclass
class Result:
    """One pipeline's run over the WARC."""

    name: str
    records: int
    seconds: float
    peak_rss: int
    cpu: float
    notes: str
    parent_cpu: float = 0.0  # the reading-and-writing process alone (part of ``cpu``)

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per record, all processes together."""
        return 1000 * self.cpu / self.records


def load_pages() -> list[tuple[str, bytes]]:
    """(url, html) of every shared page, in a fixed order."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (truth[k]["url"], gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes()))
        for k in sorted(truth)
    ]


def plan(pages: list[tuple[str, bytes]], count: int) -> Iterator[tuple[str, datetime, bytes]]:
    """The records: distinct copies, plus unchanged and updated re-captures."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    fresh: list[tuple[str, bytes]] = []
    for i in range(count):
        when = start + timedelta(seconds=i)
        if i % 20 == 19 and len(fresh) > 10:
            url, html = fresh[-10]
            yield url, when, html
        elif i % 20 == 9 and len(fresh) > 5:
            url, html = fresh[-5]
            yield url, when, html.replace(b"<p>", UPDATE + b"<p>", 1)
        else:
            page_url, html = pages[len(fresh) % len(pages)]
            sep = "&" if "?" in page_url else "?"
            url = f"{page_url}{sep}copy={len(fresh) // len(pages)}"
            fresh.append((url, html))
            yield url, when, html


def write_warc(path: Path, records: Iterator[tuple[str, datetime, bytes]]) -> int:
    """Write the records as a gzipped WARC (one member per record); return the count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, when, html in records:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)
            count += 1
    return count


_TICK = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """RSS in bytes of ``root`` and all its descendants, and each one's CPU seconds so far
    (user + system, from /proc; Linux only)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / _TICK
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total, {pid: cpu[pid] for pid in tree if pid in cpu}


@dataclass
class Usage:
    """What ``measure`` saw: wall seconds, peak RSS of the tree, CPU seconds of the tree
    and of its root process alone."""

    seconds: float
    peak_rss: int
    cpu: float
    notes: str
    root_cpu: float


def measure(run: Callable[[], str], pid: Callable[[], int | None]) -> Usage:
    """Time ``run`` while sampling RSS and CPU of the process tree at ``pid()``. When that
    tree is this process, its CPU counts without the sampler thread's own (every other
    thread counts: a ``multiprocessing.Pool`` reads its input in a thread of its own)."""
    peak, seen, stop, sampler_cpu = [0], {}, threading.Event(), [0.0]

    def sample() -> None:
        begun = time.thread_time()
        while not stop.is_set():
            if (root := pid()) is not None:
                rss, cpu = tree_usage(root)
                peak[0] = max(peak[0], rss)
                for child, seconds in cpu.items():
                    seen[child] = max(seen.get(child, 0.0), seconds)
            stop.wait(0.1)
        sampler_cpu[0] = time.thread_time() - begun

    sampler = threading.Thread(target=sample, daemon=True)
    started, own = time.perf_counter(), time.process_time()
    sampler.start()
    try:
        notes = run()
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        own = time.process_time() - own - sampler_cpu[0]
    me = os.getpid()
    cpu = sum(v for k, v in seen.items() if k != me) + (own if me in seen else 0.0)
    root = pid()
    root_cpu = own if root == me else seen.get(root, 0.0) if root is not None else 0.0
    return Usage(elapsed, peak[0], cpu, notes, root_cpu)


def run_storyline(warc: Path, db: Path, workers: int, records: int) -> Result:
    """``storyline ingest`` as a user runs it, in a subprocess."""
    command = [
        sys.executable,
        "-m",
        "storyline",
        "ingest",
        "--json",
        "--no-thread",  # the measure: storing, aligning and de-duplicating
        "--db",
        str(db),
        "--workers",
        str(workers),
        str(warc),
    ]
    proc: list[subprocess.Popen[str]] = []

    def run() -> str:
        proc.append(subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True))
        out, _ = proc[0].communicate()
        if proc[0].returncode != 0:
            raise SystemExit(f"storyline ingest failed ({proc[0].returncode})")
        report = json.loads(out)
        from storyline.store.db import Store
        from storyline.store.duplicates import duplicate_groups

        with Store.open(db) as store:
            groups = len(duplicate_groups(store))
        return (
            f"{report['stored']:,} versions, {report['unchanged']:,} unchanged, "
            f"{report['copies']:,} copies in {groups} groups, "
            f"{sum(report['problems'].values())} problems"
        )

    used = measure(run, lambda: proc[0].pid if proc else None)
    name = f"storyline ingest --workers {workers}"
    return Result(name, records, used.seconds, used.peak_rss, used.cpu, used.notes, used.root_cpu)


def _trafilatura(html: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(html) or "")


def _read_pages(warc: Path) -> Iterator[bytes]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh, record_types=WarcRecordType.response):
            yield record.reader.read()


def run_trafilatura(warc: Path, workers: int, records: int) -> Result:
    """trafilatura.extract over the same WARC in a ``workers``-process pool, nothing stored."""

    def run() -> str:
        with multiprocessing.get_context("forkserver").Pool(workers) as pool:
            chars = sum(pool.imap_unordered(_trafilatura, _read_pages(warc), chunksize=4))
        return f"{chars:,} characters extracted, nothing stored"

    used = measure(run, os.getpid)
    name = f"trafilatura alone, {workers}-process pool"
    return Result(name, records, used.seconds, used.peak_rss, used.cpu, used.notes, used.root_cpu)


def median_run(runs: list[Result]) -> Result:
    """One row for a pipeline's runs: median seconds and CPU, the largest peak RSS."""
    return Result(
        runs[0].name,
        runs[0].records,
        statistics.median(r.seconds for r in runs),
        max(r.peak_rss for r in runs),
        statistics.median(r.cpu for r in runs),
        runs[0].notes,
        statistics.median(r.parent_cpu for r in runs),
    )


def table(ours: list[Result], theirs: list[Result], command: str) -> str:
    """The results as a markdown table with the command that produced them.

    "vs trafilatura" compares wall-clock rates; "CPU-bound ratio" compares CPU per page,
    the rate each would reach with the cores to itself (the machine may be shared). With
    several rounds each row is the median and the rounds are listed under the table.
    """
    results = [median_run(ours), median_run(theirs)]
    base = results[-1]
    rounds = f", median of {len(ours)} interleaved rounds" if len(ours) > 1 else ""
    lines = [
        f"Command: `{command}` ({os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d}{rounds}).",
        "",
        "| pipeline | records | seconds | pages/s | vs trafilatura | CPU ms/page "
        "| of which parent | CPU-bound ratio | peak RSS | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.records:,} | {r.seconds:.1f} | {r.rate:.1f} | "
            f"{r.rate / base.rate:.2f}× | {r.cpu_ms:.1f} | "
            f"{1000 * r.parent_cpu / r.records:.1f} | {base.cpu_ms / r.cpu_ms:.2f}× | "
            f"{r.peak_rss / 2**20:,.0f} MiB | {r.notes} |"
        )
    if len(ours) > 1:
        lines += [
            "",
            "| round | storyline pages/s | trafilatura pages/s | clock ratio "
            "| storyline CPU ms/page | trafilatura CPU ms/page | CPU ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True), 1):
            lines.append(
                f"| {i} | {a.rate:.1f} | {b.rate:.1f} | {a.rate / b.rate:.2f}× | "
                f"{a.cpu_ms:.1f} | {b.cpu_ms:.1f} | {b.cpu_ms / a.cpu_ms:.2f}× |"
            )
    return "\n".join(lines)


def write_section(doc: Path, text: str) -> None:
    """Put this benchmark's figures into its section of ``doc`` (markdown_sections): only
    the marked block with the command and tables, so the reading written below survives."""
    replace_block(doc, SECTION, "ingest", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="Runs of each pipeline, interleaved A B B A ...; the table shows medians.",
    )
    parser.add_argument("--keep", type=Path, default=None, help="Keep the WARC and DB here.")
    parser.add_argument("--write", type=Path, default=None, help="Update this markdown file.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    warc, db = folder / f"bench-{args.records}.warc.gz", folder / "bench.db"
    if not warc.exists():
        print(f"writing {warc} ...", file=sys.stderr)
        write_warc(warc, plan(load_pages(), args.records))
    ours: list[Result] = []
    theirs: list[Result] = []
    for round_ in range(args.rounds):
        # Alternate the order (A B, B A, ...) so a change of load between the two runs
        # does not always favour the same pipeline.
        order = ("storyline", "trafilatura") if round_ % 2 == 0 else ("trafilatura", "storyline")
        for which in order:
            print(f"round {round_ + 1}: running {which} ...", file=sys.stderr)
            if which == "storyline":
                for stale in folder.glob("bench.db*"):
                    stale.unlink()
                ours.append(run_storyline(warc, db, args.workers, args.records))
            else:
                theirs.append(run_trafilatura(warc, args.workers, args.records))
    command = " ".join(["benchmarks/ingest.py", *sys.argv[1:]])
    text = table(ours, theirs, f".venv/bin/python {command}")
    print(text)
    if args.write:
        write_section(args.write, text)


if __name__ == "__main__":
    main()
