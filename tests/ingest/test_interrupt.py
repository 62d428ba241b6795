"""Ctrl-C in the middle of ``storyline ingest``, then a re-run: every page stored once."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from ingest_helpers import ROOT, Rec, shared_pages, write_warc

COPIES = 2


def _captures(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _ingest(db, warc) -> list[str]:
    return [
        sys.executable,
        "-m",
        "storyline",
        "ingest",
        "--json",
        "--db",
        str(db),
        "--workers",
        "2",
        str(warc),
    ]


@pytest.mark.slow
def test_interrupted_ingest_resumes_and_stores_each_page_once(tmp_path):
    pages = shared_pages(30)
    records = [
        Rec(f"{url}?copy={n}", f"2024-01-01T00:{n:02d}:00Z", html)
        for n in range(COPIES)
        for url, html in pages
    ]
    warc = write_warc(tmp_path / "crawl.warc.gz", records)
    db = tmp_path / "interrupted.db"
    first = subprocess.Popen(
        _ingest(db, warc), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while _captures(db) < 10 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 130, err
    before = json.loads(out)
    assert before["interrupted"] and 0 < before["stored"] < len(records)
    assert _captures(db) == before["stored"]  # stopped between pages, nothing half-written

    rerun = subprocess.run(_ingest(db, warc), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    after = json.loads(rerun.stdout)
    assert after["skipped"] == before["stored"]
    assert after["stored"] + after["skipped"] + sum(after["problems"].values()) == len(records)
    with sqlite3.connect(db) as con:
        per_page = con.execute(
            "SELECT p.url, count(v.id) FROM pages p JOIN versions v "
            "ON v.page_id = p.id GROUP BY p.url"
        ).fetchall()
        captures = con.execute("SELECT count(*) FROM captures").fetchone()[0]
    assert {n for _, n in per_page} == {1}
    assert len(per_page) == captures == before["stored"] + after["stored"]
