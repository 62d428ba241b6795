"""What a long ingest tells its user while it runs: the phase, counts, share of input, ETA."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from ingest_helpers import LOREM, Rec, article_html, write_warc

from storyline.cli.batch import progress_line
from storyline.config import load_settings
from storyline.pipeline.ingest import IngestReport, ingest
from storyline.sources.archives import InputMeter, read_captures
from storyline.store.db import Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "test.db") as opened:
        yield opened


def _warc(path: Path, pages: int) -> Path:
    records = [
        Rec(
            f"https://news.example/{n}",
            f"2024-03-02T10:{n:02d}:00Z",
            article_html(f"Story number {n}", [*LOREM, f"Item {n} said more today."]),
        )
        for n in range(pages)
    ]
    return write_warc(path, records)


def _jsonl(path: Path, lines: int) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for n in range(lines):
            row = {
                "url": f"https://news.example/j{n}",
                "title": f"T{n}",
                "text": " ".join(LOREM) * 3,
            }
            fh.write(json.dumps(row) + "\n")
    return path


def test_the_meter_climbs_through_every_kind_of_input_to_the_whole_of_it(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "one.html").write_bytes(article_html("One", LOREM))
    files = [_warc(tmp_path / "a.warc.gz", 12), _jsonl(tmp_path / "b.jsonl", 40)]
    files += [_jsonl(tmp_path / "c.jsonl.gz", 40), folder / "one.html"]
    meter = InputMeter.of(files)
    assert meter.total == sum(f.stat().st_size for f in files)
    seen: list[int] = []
    for _ in read_captures(files, 10_000_000, meter):
        seen.append(meter.read)
    assert seen == sorted(seen), "the share read never goes back"
    assert seen[0] < meter.total, "the first record is not the whole input"
    assert len(set(seen[:12])) == 12, "progress moves record by record within a WARC"
    assert len(set(seen[12:52])) == 40, "and line by line within a JSONL file"
    assert meter.read == meter.total and meter.fraction == 1.0


def test_an_ingest_reports_reading_then_extracting_then_threading(tmp_path, store):
    crawl = _warc(tmp_path / "crawl.warc.gz", 8)
    seen: list[tuple[str, float | None, tuple[int, int]]] = []
    report = ingest(
        store,
        [crawl],
        load_settings(environ={}),
        workers=1,
        on_progress=lambda r: seen.append(
            (r.phase, r.input_fraction, (r.threading_prepared, r.threading_total))
        ),
    )
    phases = [phase for phase, _, _ in seen]
    order = [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]
    assert order == ["extracting", "threading"] or order == ["reading", "extracting", "threading"]
    fractions = [f for phase, f, _ in seen if phase == "extracting" and f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert report.phase == "done" and report.stored == 8
    threading = [counts for phase, _, counts in seen if phase == "threading"]
    assert threading[-1] == (8, 8) and (0, 8) in threading, "prepared pages counted up to all"


def test_a_re_run_reads_past_what_is_stored_before_extracting_anything(tmp_path, store):
    crawl = _warc(tmp_path / "crawl.warc.gz", 6)
    settings = load_settings(environ={})
    ingest(store, [crawl], settings, workers=1, thread=False)
    phases: list[str] = []
    again = ingest(
        store,
        [crawl],
        settings,
        workers=1,
        thread=False,
        on_progress=lambda r: phases.append(r.phase),
    )
    assert again.skipped == 6 and set(phases) == {"reading"}


def test_the_progress_line_names_the_phase_and_gives_an_eta_from_the_input_read():
    report = IngestReport(records=250, stored=240, phase="extracting", input_fraction=0.25)
    line = progress_line(report, (60.0, 60.0))
    assert (
        line == "extracting: 250 records (240 new, 0 problems), 4.2/s, 25%, about 3 min 00 s left"
    )
    early = progress_line(IngestReport(records=1, phase="reading", input_fraction=0.001), (1, 1))
    assert early.startswith("reading:") and "left" not in early, "no ETA from almost nothing"
    threading = IngestReport(phase="threading", threading_prepared=96, threading_total=480)
    assert progress_line(threading, (20, 80)) == (
        "threading: entities of 96 of 480 pages, about 1 min 20 s left"
    )
    threading.threading_prepared = 480
    assert progress_line(threading, (30, 90)) == "threading: writing the stories of 480 pages"
