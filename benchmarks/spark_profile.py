"""Where a measured command's CPU goes, for ``benchmarks/spark.py``.

- ``KindSampler``: the CPU seconds of a process tree split by kind of process (Spark's
  JVM, PySpark's Python workers, the extraction sandbox's workers, the driver), sampled
  from /proc every 0.1 s; a process that lives less than that is missed (an undercount).
- ``BackendSampler``: the CPU seconds of the PostgreSQL server processes serving one
  database (a load's backend and its helpers), from their ``postgres: user db`` titles.
- ``stage_summary``: from a Spark event log, each stage's task count, the sum of its
  tasks' run time and its wall time, so the job's parallel structure can be read apart
  from the machine's load (run time per stage wall is how many cores the stage kept busy).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
KINDS = ("jvm", "python workers", "extraction workers", "driver")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _kind(pid: int, root: int) -> str:
    command = _cmdline(pid)
    if pid == root:
        return "driver"
    if "java" in command.split("\0")[0] or "spark-submit" in command or "SparkSubmit" in command:
        return "jvm"
    if "forkserver" in command or "multiprocessing" in command:
        return "extraction workers"
    if "daemon" in command or "pyspark" in command:
        return "python workers"
    return "extraction workers" if "python" in command else "driver"


@dataclass
class KindSampler:
    """Samples the tree under ``root()`` until ``stop``; ``totals`` by kind."""

    seen: dict[int, float] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self, root: int) -> None:
        """Sample until stopped (call in a thread)."""
        while not self._stop.is_set():
            parents = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit() and (found := _stat(int(entry))) is not None:
                    parents[int(entry)] = found
            tree, frontier = {root}, [root]
            while frontier:
                pid = frontier.pop()
                children = [p for p, (parent, _) in parents.items() if parent == pid]
                tree.update(children)
                frontier.extend(children)
            for pid in tree & parents.keys():
                if pid not in self.kinds or self.kinds[pid] == "driver" and pid != root:
                    self.kinds[pid] = _kind(pid, root)
                self.seen[pid] = max(self.seen.get(pid, 0.0), parents[pid][1])
            self._stop.wait(0.1)

    def stop(self) -> None:
        self._stop.set()

    def totals(self) -> dict[str, float]:
        found = dict.fromkeys(KINDS, 0.0)
        for pid, seconds in self.seen.items():
            found[self.kinds[pid]] += seconds
        return found


@dataclass
class BackendSampler:
    """CPU of the PostgreSQL processes of one database under ``postmaster``."""

    postmaster: int
    database: str
    seen: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Sample until stopped (call in a thread)."""
        while not self._stop.is_set():
            for entry in os.listdir("/proc"):
                if not entry.isdigit() or (found := _stat(int(entry))) is None:
                    continue
                parent, seconds = found
                if parent == self.postmaster and f" {self.database} " in _cmdline(int(entry)):
                    self.seen[int(entry)] = max(self.seen.get(int(entry), 0.0), seconds)
            self._stop.wait(0.05)

    def stop(self) -> None:
        self._stop.set()

    @property
    def cpu(self) -> float:
        return sum(self.seen.values())


@dataclass
class Structure:
    """A Spark run's parallel structure, from its event log."""

    stages: int
    tasks: int
    task_seconds: float  # the sum of every task's run time
    stage_seconds: float  # the sum of the stages' wall times (first launch to last finish)
    extract_tasks: int
    extract_busy: float  # the extraction stage's task time per its wall time

    @property
    def busy(self) -> float:
        """Cores kept busy on average while a stage ran."""
        return self.task_seconds / self.stage_seconds if self.stage_seconds else 0.0


def stage_summary(folder: Path) -> Structure:
    """Read the one event log written into ``folder`` (uncompressed)."""
    tasks: dict[int, list[tuple[int, int, int]]] = {}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            event = json.loads(line) if line.startswith("{") else {}
            if event.get("Event") != "SparkListenerTaskEnd":
                continue
            info, metrics = event["Task Info"], event.get("Task Metrics") or {}
            run = int(metrics.get("Executor Run Time", 0))
            tasks.setdefault(event["Stage ID"], []).append(
                (run, info["Launch Time"], info["Finish Time"])
            )
    walls = {s: (max(t[2] for t in ts) - min(t[1] for t in ts)) / 1000 for s, ts in tasks.items()}
    runs = {s: sum(t[0] for t in ts) / 1000 for s, ts in tasks.items()}
    first = min(tasks) if tasks else 0
    return Structure(
        stages=len(tasks),
        tasks=sum(len(ts) for ts in tasks.values()),
        task_seconds=sum(runs.values()),
        stage_seconds=sum(walls.values()),
        extract_tasks=len(tasks.get(first, [])),
        extract_busy=runs.get(first, 0.0) / walls[first] if walls.get(first) else 0.0,
    )


@dataclass
class Sampled:
    """One command run under the samplers: its output, wall time and CPU."""

    out: bytes
    seconds: float
    kinds: dict[str, float]
    server_cpu: float


def run_sampled(
    command: list[str],
    label: str,
    server: tuple[int, str] | None = None,
    env: dict[str, str] | None = None,
) -> Sampled:
    """Run ``command`` with its process tree's CPU sampled by kind, and with ``server``
    (postmaster pid, database) the PostgreSQL backends' CPU too; a failure raises with
    the end of its stderr, named ``label``."""
    import subprocess
    import time

    sampler = KindSampler()
    backend = BackendSampler(*server) if server else None
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    threads = [threading.Thread(target=sampler.run, args=(proc.pid,), daemon=True)]
    if backend is not None:
        threads.append(threading.Thread(target=backend.run, daemon=True))
    for thread in threads:
        thread.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    if backend is not None:
        backend.stop()
    for thread in threads:
        thread.join()
    if proc.returncode:
        raise RuntimeError(f"{label} failed ({proc.returncode}): {err.decode()[-2000:]}")
    server_cpu = backend.cpu if backend is not None else 0.0
    return Sampled(out, seconds, sampler.totals(), server_cpu)
