"""Bulk-load benchmark: ``storyline load`` of one backfill dataset, again and again.

``benchmarks/spark.py`` measures the load once per round, after three Spark runs; this
script measures only the load, so a change to it can be judged in a minute. It builds
the Spark benchmark's archive (``--records`` records over ``--files`` WARC files), runs
``storyline spark ingest --master local[2] --no-thread`` once (or takes an existing
dataset, ``--dataset DIR``; ``--keep DIR`` keeps the one it builds), then loads it
``--rounds`` times through the real command into a fresh PostgreSQL database (a
throwaway server started here, as the tests start theirs) and a fresh SQLite file.

Reported per target, medians over the rounds: the versions loaded, the command's wall
time, the load's own time (``storyline load --json``'s ``seconds``: from reading the
dataset to the commit, without the interpreter's start-up) and versions a second in it,
the command's CPU seconds (its process tree, from /proc) and, for PostgreSQL, the
server's (the backend serving the load and any parallel helpers).

Usage:
    .venv/bin/python benchmarks/load.py [--records 10000] [--files 8] [--rounds 3]
        [--dataset DIR | --keep DIR] [--write docs/benchmarks.md]
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
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ on path)
from spark import SECTION, STORYLINE, build_archive  # noqa: E402
from spark_profile import run_sampled  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Load:
    """One measured load."""

    versions: int
    wall: float  # the whole command
    inner: float  # the load's own seconds, as it reports them
    cpu: float  # the command's process tree
    server: float  # PostgreSQL's processes serving the load (0 for SQLite)


def build_dataset(folder: Path, records: int, files: int) -> Path:
    """The Spark benchmark's archive through the Spark job (local[2], no stories)."""
    archive = build_archive(folder, records, files)
    out = folder / "dataset"
    command = [STORYLINE, "spark", "ingest", "--out", str(out), "--master", "local[2]"]
    subprocess.run([*command, "--no-thread", "--json", *map(str, archive)], check=True)
    return out


def measure(dataset: Path, target: str, server: tuple[int, str] | None) -> Load:
    """One ``storyline load`` of ``dataset`` into ``target`` (a URL or a file path)."""
    command = [STORYLINE, "load", str(dataset), "--db", target, "--json"]
    sampled = run_sampled(command, "load", server)
    report = json.loads(sampled.out)
    cpu = sum(sampled.kinds.values())
    return Load(
        int(report["versions"]), sampled.seconds, float(report["seconds"]), cpu, sampled.server_cpu
    )


def _median(loads: list[Load]) -> Load:
    def mid(name: str) -> float:
        return statistics.median(getattr(load, name) for load in loads)

    return Load(loads[0].versions, mid("wall"), mid("inner"), mid("cpu"), mid("server"))


def table(results: dict[str, list[Load]], records: int, rounds: int) -> str:
    """The markdown table of the medians."""
    lines = [
        f"The dataset of {records:,} records (Spark local[2], no stories), loaded {rounds} "
        "time(s) into a fresh database each; medians. The load's own time is from reading "
        "the dataset to the commit (`storyline load --json`'s seconds); CPU is the "
        "command's processes and, for PostgreSQL, the server's, sampled from /proc.",
        "",
        "| target | versions | wall s | load's own s | versions/s in it | CPU s (command "
        "+ server) | CPU ms a version | rounds (load's own s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, loads in results.items():
        m = _median(loads)
        cpu = f"{m.cpu:.2f}" + (f" + {m.server:.2f}" if m.server else "")
        each = ", ".join(f"{load.inner:.2f}" for load in loads)
        lines.append(
            f"| {name} | {m.versions:,} | {m.wall:.2f} | {m.inner:.2f} | "
            f"{m.versions / m.inner:,.0f} | {cpu} | {1000 * (m.cpu + m.server) / m.versions:.2f} "
            f"| {each} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build (or take) the dataset, load it, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dataset", type=Path, default=None, help="load this dataset")
    parser.add_argument("--keep", type=Path, default=None, help="build the dataset here")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.records < 1 or args.files < 1 or args.rounds < 1:
        parser.error("--records, --files and --rounds must be positive")
    from fixtures.postgres import running_postgres
    from spark import _postmaster

    with tempfile.TemporaryDirectory(prefix="storyline-load-bench-") as tmp:
        folder = Path(tmp)
        dataset = args.dataset
        if dataset is None:
            build = args.keep or folder
            build.mkdir(parents=True, exist_ok=True)
            dataset = build_dataset(build, args.records, args.files)
        results: dict[str, list[Load]] = {"PostgreSQL (COPY)": []}
        if not args.no_sqlite:
            results["SQLite"] = []
        with running_postgres() as server:
            for n in range(args.rounds):
                url = server.new_database()
                where = (_postmaster(server), url.rsplit("/", 1)[1])
                results["PostgreSQL (COPY)"].append(measure(dataset, url, where))
                if not args.no_sqlite:
                    results["SQLite"].append(measure(dataset, str(folder / f"{n}.db"), None))
                print(
                    f"round {n + 1}: "
                    + "; ".join(f"{k} {v[-1].inner:.2f} s" for k, v in results.items())
                )
    output = table(results, args.records, args.rounds)
    print(output)
    if args.write:
        command = (
            f".venv/bin/python benchmarks/load.py --records {args.records} --files {args.files} "
            f"--rounds {args.rounds} --write docs/benchmarks.md"
        )
        replace_block(args.write, SECTION, "load-table", f"Command: `{command}`\n\n{output}")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(code)
