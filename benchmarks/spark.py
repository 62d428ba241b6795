"""Scale-out benchmark: the Spark backfill against ``storyline ingest``, and ``storyline load``.

Builds the ingest benchmark's archive (``benchmarks/ingest.py``: the shared pages repeated
to ``--records`` records, re-captures and updates among them), split over ``--files``
WARC files so that Spark has tasks to spread. Then, each run a subprocess through the
real command, interleaved round by round so a change in machine load hits every side:

- ``storyline ingest --workers 2 --no-thread`` into a fresh SQLite file;
- ``storyline spark ingest --master local[1]`` and ``local[2]`` into a fresh folder
  (the JVM's start-up included: that is the cost of Spark itself);
- ``storyline load`` of the ``local[2]`` dataset into a fresh PostgreSQL database (a
  throwaway server started here, as the tests start theirs) and into SQLite.

Reported: wall seconds, records per second, and each run's CPU seconds (the process tree,
from /proc: Spark's JVM and Python workers included), medians over ``--rounds``.

Usage:
    .venv/bin/python benchmarks/spark.py [--records 10000] [--files 8] [--rounds 2]
        [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ingest import load_pages, measure, plan, write_warc  # noqa: E402  (benchmarks/ on path)
from markdown_sections import replace_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SECTION = "## Scale: Spark backfill and bulk load"
STORYLINE = str(ROOT / ".venv" / "bin" / "storyline")


@dataclass
class Run:
    """One measured command."""

    name: str
    seconds: float
    cpu: float
    records: int
    inner: float = 0.0  # the command's own report of its time (load: the transaction)

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def build_archive(folder: Path, records: int, files: int) -> list[Path]:
    """The ingest benchmark's records, dealt round-robin into ``files`` WARC files."""
    pages = load_pages()
    planned = list(islice(plan(pages, records), records))
    paths = []
    for n in range(files):
        path = folder / f"part-{n:02d}.warc.gz"
        write_warc(path, iter(planned[n::files]))
        paths.append(path)
    return paths


def _timed(name: str, command: list[str], records: int) -> Run:
    process: list[subprocess.Popen[bytes]] = []

    def run() -> str:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.append(proc)
        out, err = proc.communicate()
        if proc.returncode not in (0,):
            raise RuntimeError(f"{name} failed ({proc.returncode}): {err.decode()[-2000:]}")
        return out.decode()

    output: list[str] = []

    def run_and_keep() -> str:
        output.append(run())
        return output[-1][-200:]

    usage = measure(run_and_keep, lambda: process[0].pid if process else None)
    inner = 0.0
    if name.startswith("storyline load"):
        inner = float(json.loads(output[0])["seconds"])
    return Run(name, usage.seconds, usage.cpu, records, inner)


def one_round(archive: list[Path], work: Path, records: int, pg_url: str | None) -> list[Run]:
    """Every contender once, in this order."""
    files = [str(p) for p in archive]
    runs = [
        _timed(
            "storyline ingest --workers 2",
            [
                STORYLINE,
                "ingest",
                "--db",
                str(work / "ingest.db"),
                "--workers",
                "2",
                "--no-thread",
                "--json",
                *files,
            ],
            records,
        )
    ]
    for cores in (1, 2):
        out = work / f"spark-{cores}"
        runs.append(
            _timed(
                f"storyline spark ingest --master local[{cores}]",
                [
                    STORYLINE,
                    "spark",
                    "ingest",
                    "--out",
                    str(out),
                    "--master",
                    f"local[{cores}]",
                    "--json",
                    *files,
                ],
                records,
            )
        )
    loaded = _versions(work / "spark-2")
    runs.append(
        _timed(
            "storyline load (SQLite)",
            [STORYLINE, "load", str(work / "spark-2"), "--db", str(work / "load.db"), "--json"],
            loaded,
        )
    )
    if pg_url:
        runs.append(
            _timed(
                "storyline load (PostgreSQL, COPY)",
                [STORYLINE, "load", str(work / "spark-2"), "--db", pg_url, "--json"],
                loaded,
            )
        )
    return runs


def _versions(out: Path) -> int:
    return int(json.loads((out / "_SUCCESS").read_text())["versions"])


def table(rounds: list[list[Run]], records: int, files: int) -> str:
    """The markdown table: medians, with every round's wall time."""
    lines = [
        f"{records:,} records in {files} WARC files; medians of {len(rounds)} round(s).",
        "",
        "| run | wall s | per second | CPU s (process tree) | rounds (wall s) |",
        "|---|---|---|---|---|",
    ]
    medians: dict[str, Run] = {}
    for index, first in enumerate(rounds[0]):
        same = [r[index] for r in rounds]
        wall = statistics.median(r.seconds for r in same)
        cpu = statistics.median(r.cpu for r in same)
        medians[first.name] = Run(first.name, wall, cpu, first.records)
        unit = "versions" if first.name.startswith("storyline load") else "records"
        each = ", ".join(f"{r.seconds:.1f}" for r in same)
        rate = f"{first.records / wall:,.0f} {unit}"
        if first.inner:
            inner = statistics.median(r.inner for r in same)
            rate += f" ({first.records / inner:,.0f} in the load's own transaction, {inner:.1f} s)"
        lines.append(f"| {first.name} | {wall:.1f} | {rate} | {cpu:.1f} | {each} |")
    ingest = medians["storyline ingest --workers 2"]
    one, two = (medians[f"storyline spark ingest --master local[{c}]"] for c in (1, 2))
    lines += [
        "",
        f"Spark local[2] against ingest --workers 2: {two.rate / ingest.rate:.2f}x the records "
        f"per second; local[2] against local[1]: {two.rate / one.rate:.2f}x.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build the archive, run the rounds, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.records < 1 or args.files < 1 or args.rounds < 1:
        parser.error("--records, --files and --rounds must be positive")
    with tempfile.TemporaryDirectory(prefix="storyline-spark-bench-") as tmp:
        folder = Path(tmp)
        archive = build_archive(folder, args.records, args.files)
        rounds = []
        with _postgres(args.no_postgres) as server:
            for n in range(args.rounds):
                work = folder / f"round-{n}"
                work.mkdir()
                pg_url = server.new_database() if server else None
                rounds.append(one_round(archive, work, args.records, pg_url))
                print(
                    f"round {n + 1}: "
                    + "; ".join(f"{r.name} {r.seconds:.1f} s" for r in rounds[-1])
                )
    output = table(rounds, args.records, args.files)
    print(output)
    if args.write:
        command = (
            f".venv/bin/python benchmarks/spark.py --records {args.records} --files {args.files} "
            f"--rounds {args.rounds} --write docs/benchmarks.md"
        )
        replace_block(args.write, SECTION, "spark-table", f"Command: `{command}`\n\n{output}")
    return 0


def _postgres(skip: bool):  # type: ignore[no-untyped-def]
    import contextlib

    if skip:
        return contextlib.nullcontext(None)
    from fixtures.postgres import running_postgres

    return running_postgres()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(code)
