"""The labelled story sets as `storyline ingest` input, and one run of the real command.

Each set becomes a JSONL file of plain-text articles (``{"url", "title", "text",
"published"?, "fetched_at"?}``, the shape ``storyline ingest`` reads) and its gold
labels by URL:

- ``ecbplus-dev``: 496 full-text ECB+ articles (42 look-alike events). The first line of
  each text is its headline or lead, the rest its body (a paragraph a line); a one-line
  article is its own body. No publication times: every record carries the same capture
  time, so threading follows the file order.
- ``googlenews``: 11,109 Google News headlines (lower-cased, stop words removed by the
  data's makers), each an article whose body is its headline, published one minute after
  the one before it in the file (arrival order, or story order for the second file), so
  the default ``story_half_life`` of three days is about 4,300 headlines.

``run_ingest`` runs ``storyline ingest`` then ``storyline stories --json`` on a fresh
SQLite file, as a user would, and measures wall time and the CPU seconds of the whole
process tree (parent, extraction workers, entity workers), polled from ``/proc``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "stories"
STORYLINE = [sys.executable, "-m", "storyline"]
START = datetime(2026, 1, 5, tzinfo=UTC)
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class StorySet:
    """One benchmark set: its JSONL records, gold story by URL, and the text of each URL
    (what the in-process baseline reads)."""

    name: str
    kind: str  # "full text" or "headlines"
    records: list[dict[str, str]]
    gold: dict[str, str]

    def texts(self) -> list[str]:
        """Headline and body of each record, in input order."""
        return [
            r["title"] if r["text"] == r["title"] else f"{r['title']}\n{r['text']}"
            for r in self.records
        ]

    def write(self, path: Path) -> Path:
        """The records as a JSONL file for ``storyline ingest``."""
        path.write_text("".join(json.dumps(r) + "\n" for r in self.records), encoding="utf-8")
        return path


def ecbplus(data: Path = DATA) -> StorySet:
    """The ECB+ development half in file order, one capture time for all."""
    records, gold = [], {}
    stamp = START.isoformat()
    for line in (data / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        title, _, rest = row["text"].partition("\n")
        url = f"https://ecbplus.example/{row['id']}"
        body = "\n\n".join(p for p in rest.splitlines() if p.strip()) or title
        records.append({"url": url, "title": title, "text": body, "fetched_at": stamp})
        gold[url] = row["story"]
    return StorySet("ECB+ dev", "full text", records, gold)


def googlenews(order: str, data: Path = DATA) -> StorySet:
    """The headlines in ``order`` ("arrival" or "story"), a minute apart."""
    name = "googlenews-titles.jsonl" if order == "arrival" else "googlenews-titles-by-story.jsonl"
    records, gold = [], {}
    for position, line in enumerate((data / name).read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        url = f"https://news.example/gn/{row['Id']}"
        published = (START + timedelta(minutes=position)).isoformat()
        text = row["textCleaned"]
        records.append({"url": url, "title": text, "text": text, "published": published})
        gold[url] = str(row["clusterNo"])
    return StorySet(f"Google News, {order} order", "headlines", records, gold)


@dataclass
class IngestRun:
    """What one ``ingest`` + ``stories`` run gave: story by URL, and its cost."""

    story_of: dict[str, int]
    wall: float
    cpu: float
    report: dict[str, object]


def run_ingest(story_set: StorySet, workers: int | None = None) -> IngestRun:
    """``storyline ingest`` the set into a fresh SQLite file, then read its stories."""
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        source = story_set.write(Path(tmp) / "set.jsonl")
        db = str(Path(tmp) / "stories.db")
        command = [*STORYLINE, "ingest", str(source), "--db", db, "--json"]
        if workers:
            command += ["--workers", str(workers)]
        output, wall, cpu = _timed(command)
        story_of = _stories_of(db)
    return IngestRun(story_of, wall, cpu, json.loads(output))


def _stories_of(db: str) -> dict[str, int]:
    """Every page's story, read from the store the command wrote (``storyline stories``
    lists summaries a page at a time, without their members)."""
    from storyline.store import Store
    from storyline.store.stories import stories

    with Store.open(db) as store:
        return {url: story.id or 0 for story in stories(store) for url in story.articles}


def _timed(command: list[str]) -> tuple[str, float, float]:
    """Run ``command``; its output, wall seconds and CPU seconds of its process tree."""
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out)
        seen: dict[int, float] = {}
        while process.poll() is None:
            _sample(process.pid, seen)
            time.sleep(0.05)
        wall = time.monotonic() - started
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
        out.seek(0)
        return out.read().decode(), wall, sum(seen.values())


def _sample(root: int, seen: dict[int, float]) -> None:
    """Note the CPU seconds so far of ``root`` and every process below it."""
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seen[pid] = max(seen.get(pid, 0.0), (int(stat[11]) + int(stat[12])) / _TICK)
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text()
                stack.extend(int(child) for child in children.split())
        except (OSError, IndexError, ValueError):
            continue
