"""Scale-out benchmark: the Spark backfill against ``storyline ingest``, and ``storyline load``.

Builds the ingest benchmark's archive (``benchmarks/ingest.py``: the shared pages repeated
to ``--records`` records, re-captures and updates among them), split over ``--files``
WARC files so that Spark has tasks to spread. Then, each run a subprocess through the
real command, interleaved round by round so a change in machine load hits every side:

- ``storyline ingest --workers 2 --no-thread`` into a fresh SQLite file;
- ``storyline spark ingest --master local[1]`` and ``local[2]`` into a fresh folder
  (the JVM's start-up included: that is the cost of Spark itself), ``--no-thread`` like
  the ingest (the stories stage is measured by ``spark_stories.py``);
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
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ingest import load_pages, plan, write_warc  # noqa: E402  (benchmarks/ on path)
from markdown_sections import replace_block  # noqa: E402
from spark_profile import (  # noqa: E402
    KINDS,
    Structure,
    run_sampled,
    stage_summary,
)

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
    kinds: dict[str, float] = field(default_factory=dict)  # CPU seconds by kind of process
    server: float = 0.0  # PostgreSQL's CPU seconds serving the load
    structure: Structure | None = None  # Spark: the event log's parallel structure

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per record (per version for a load), client and server."""
        return 1000 * (self.cpu + self.server) / self.records

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


def _timed(
    name: str,
    command: list[str],
    records: int,
    events: Path | None = None,
    server: tuple[int, str] | None = None,
) -> Run:
    """Run ``command``; its wall time and CPU by kind of process; with ``events``, Spark
    writes its event log there; with ``server`` (postmaster pid, database), the
    PostgreSQL backends' CPU is counted too."""
    env = dict(os.environ)
    if events is not None:
        events.mkdir(parents=True, exist_ok=True)
        env["PYSPARK_SUBMIT_ARGS"] = (
            f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{events} "
            "--conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false "
            "pyspark-shell"
        )
    sampled = run_sampled(command, name, server, env)
    out, seconds, kinds = sampled.out, sampled.seconds, sampled.kinds
    inner = float(json.loads(out)["seconds"]) if name.startswith("storyline load") else 0.0
    run = Run(name, seconds, sum(kinds.values()), records, inner, kinds)
    run.server = sampled.server_cpu
    run.structure = stage_summary(events) if events is not None else None
    return run


def _spark(cores: int, files: list[str], out: Path, records: int, name: str = "") -> Run:
    command = [STORYLINE, "spark", "ingest", "--out", str(out), "--master", f"local[{cores}]"]
    command += ["--no-thread", "--json", *files]
    label = name or f"storyline spark ingest --master local[{cores}]"
    return _timed(label, command, records, events=out.parent / f"events-{out.name}")


def one_round(
    archive: list[Path],
    small: list[Path],
    work: Path,
    records: int,
    small_records: int,
    pg: tuple[str, int] | None,
) -> list[Run]:
    """Every contender once, in this order; then Spark on the small archive (its fixed
    cost), and the loads."""
    files = [str(p) for p in archive]
    ingest = [STORYLINE, "ingest", "--db", str(work / "ingest.db"), "--workers", "2"]
    runs = [
        _timed("storyline ingest --workers 2", [*ingest, "--no-thread", "--json", *files], records)
    ]
    for cores in (1, 2):
        runs.append(_spark(cores, files, work / f"spark-{cores}", records))
    tiny = f"storyline spark ingest --master local[2], {small_records} records"
    runs.append(_spark(2, [str(p) for p in small], work / "spark-small", small_records, tiny))
    loaded = _versions(work / "spark-2")
    lite = [STORYLINE, "load", str(work / "spark-2"), "--db", str(work / "load.db"), "--json"]
    runs.append(_timed("storyline load (SQLite)", lite, loaded))
    if pg:
        url, postmaster = pg
        command = [STORYLINE, "load", str(work / "spark-2"), "--db", url, "--json"]
        server = (postmaster, url.rsplit("/", 1)[1])
        runs.append(_timed("storyline load (PostgreSQL, COPY)", command, loaded, server=server))
    return runs


def _versions(out: Path) -> int:
    return int(json.loads((out / "_SUCCESS").read_text())["versions"])


def _median(runs: list[Run]) -> Run:
    """The median round of one contender (by wall time), its CPU figures the medians."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    found = Run(middle.name, middle.seconds, statistics.median(r.cpu for r in runs), middle.records)
    found.inner, found.structure = middle.inner, middle.structure
    found.server = statistics.median(r.server for r in runs)
    found.kinds = {k: statistics.median(r.kinds.get(k, 0.0) for r in runs) for k in middle.kinds}
    return found


def _row(run: Run, every: list[Run]) -> str:
    unit = "versions" if run.name.startswith("storyline load") else "records"
    rate = f"{run.records / run.seconds:,.0f} {unit}"
    if run.inner:
        rate += (
            f" ({run.records / run.inner:,.0f} in the load's own transaction, {run.inner:.1f} s)"
        )
    cpu = f"{run.cpu:.1f}" + (f" + {run.server:.1f} server" if run.server else "")
    kinds = " / ".join(f"{run.kinds.get(k, 0.0):.1f}" for k in KINDS)
    each = ", ".join(f"{r.seconds:.1f}" for r in every)
    return (
        f"| {run.name} | {run.seconds:.1f} | {rate} | {cpu} | {run.cpu_ms:.1f} | {kinds} | {each} |"
    )


def _structure(run: Run) -> str:
    s = run.structure
    if s is None:
        return ""
    return (
        f"| {run.name} | {s.stages} | {s.tasks} | {s.extract_tasks} | {s.extract_busy:.2f} | "
        f"{s.task_seconds:.0f} | {s.stage_seconds:.0f} | {s.busy:.2f} |"
    )


def table(rounds: list[list[Run]], records: int, files: int, small: int) -> str:
    """The markdown tables: medians, with every round's wall time; Spark's structure."""
    lines = [
        f"{records:,} records in {files} WARC files (and {small} records in {files} files for "
        f"Spark's fixed cost); medians of {len(rounds)} round(s). CPU: every process of the "
        "command (sampled from /proc every 0.1 s), and for the PostgreSQL load the server's "
        "backend too; by process: " + " / ".join(KINDS) + ".",
        "",
        "| run | wall s | per second | CPU s | CPU ms per record (load: per version) "
        "| CPU s by process | rounds (wall s) |",
        "|---|---|---|---|---|---|---|",
    ]
    medians: dict[str, Run] = {}
    for index, first in enumerate(rounds[0]):
        same = [r[index] for r in rounds]
        medians[first.name] = _median(same)
        lines.append(_row(medians[first.name], same))
    ingest = medians["storyline ingest --workers 2"]
    one, two = (medians[f"storyline spark ingest --master local[{c}]"] for c in (1, 2))
    tiny = next(r for name, r in medians.items() if name.endswith(f"{small} records"))
    marginal = 1000 * (two.cpu - tiny.cpu) / (records - small) if records > small else 0.0
    lines += [
        "",
        "| Spark run | stages | tasks | extraction tasks | extraction: task time per wall "
        "| task time s | stage wall s | task time per stage wall |",
        "|---|---|---|---|---|---|---|---|",
        *(_structure(r) for r in (one, two, tiny)),
        "",
        f"Wall: Spark local[2] against ingest --workers 2: {two.rate / ingest.rate:.2f}x the "
        f"records per second; local[2] against local[1]: {two.rate / one.rate:.2f}x.",
        f"CPU: ingest --workers 2 {ingest.cpu_ms:.1f} ms a record; Spark local[2] "
        f"{two.cpu_ms:.1f} ms, of which {tiny.cpu:.0f} CPU-seconds are fixed (the "
        f"{small}-record run: JVM and workers starting, every stage's tasks) and "
        f"{marginal:.1f} ms a record the rest. On two free cores, with both commands keeping "
        f"them busy, local[2] would run at {ingest.cpu / two.cpu:.2f}x ingest's rate (its CPU "
        f"against Spark's), and at {two.structure.busy if two.structure else 0:.2f}x local[1]'s "
        "(the cores local[2]'s stages kept busy, at local[1]'s CPU a record).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build the archive, run the rounds, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--small", type=int, default=80, help="records for Spark's fixed cost")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.records < 1 or args.files < 1 or args.rounds < 1:
        parser.error("--records, --files and --rounds must be positive")
    with tempfile.TemporaryDirectory(prefix="storyline-spark-bench-") as tmp:
        folder = Path(tmp)
        archive = build_archive(folder, args.records, args.files)
        (folder / "small").mkdir()
        small = build_archive(folder / "small", args.small, args.files)
        rounds = []
        with _postgres(args.no_postgres) as server:
            for n in range(args.rounds):
                work = folder / f"round-{n}"
                work.mkdir()
                pg = (server.new_database(), _postmaster(server)) if server else None
                rounds.append(one_round(archive, small, work, args.records, args.small, pg))
                print(
                    f"round {n + 1}: "
                    + "; ".join(f"{r.name} {r.seconds:.1f} s" for r in rounds[-1])
                )
    output = table(rounds, args.records, args.files, args.small)
    print(output)
    if args.write:
        command = (
            f".venv/bin/python benchmarks/spark.py --records {args.records} --files {args.files} "
            f"--rounds {args.rounds} --small {args.small} --write docs/benchmarks.md"
        )
        replace_block(args.write, SECTION, "spark-table", f"Command: `{command}`\n\n{output}")
    return 0


def _postmaster(server: object) -> int:
    data = Path(getattr(server, "data"))  # noqa: B009  (the test fixture's server)
    return int((data / "postmaster.pid").read_text().split()[0])


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
