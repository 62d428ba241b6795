"""`storyline watch` in a subprocess: kill -9 leaves a consistent database, SIGTERM stops it
cleanly. The newsroom runs in this process; the watcher fetches from it over loopback."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fixtures.newsroom import Newsroom, newsroom_settings

from storyline import pipeline
from storyline.model import Article
from storyline.sources.fetch import Fetcher
from storyline.store import Store


def _start_watch(db: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "STORYLINE_THROTTLE_DELAY": "0",
        "STORYLINE_POLL_WORKERS": "4",
        "STORYLINE_CONFIG": str(tmp_path / "absent.toml"),
    }
    env.pop("STORYLINE_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "storyline", "watch", "--db", str(db), "--allow-private"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _versions_stored(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM versions").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def _wait_for(db: Path, at_least: int, proc: subprocess.Popen[bytes], limit: float = 20) -> None:
    deadline = time.monotonic() + limit
    while _versions_stored(db) < at_least:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "the watcher stored too little in time"
        time.sleep(0.02)


def _check_consistent(db: Path) -> int:
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    pages = con.execute("SELECT id, version_count, latest_version_id FROM pages").fetchall()
    for page_id, count, latest in pages:
        rows = con.execute(
            "SELECT id FROM versions WHERE page_id = ? ORDER BY fetched_at", (page_id,)
        ).fetchall()
        assert count == len(rows)
        assert latest == (rows[-1][0] if rows else None)
    versions = con.execute(
        "SELECT v.id, v.article_json, v.raw_html, "
        "(SELECT count(*) FROM captures c WHERE c.page_id = v.page_id AND "
        " c.fetched_at = v.fetched_at AND c.content_hash = v.content_hash) "
        "FROM versions v"
    ).fetchall()
    for _id, article_json, raw, captured in versions:
        Article.from_dict(json.loads(article_json))
        assert zlib.decompress(raw).startswith(b"<!DOCTYPE html>") and captured == 1
    con.close()
    return len(versions)


@pytest.mark.slow
def test_kill_9_during_watch_leaves_no_half_stored_version(tmp_path):
    db = tmp_path / "watch.db"
    settings = newsroom_settings()
    with Newsroom(n_articles=120, n_hosts=4) as room:
        with Store.open(db, settings) as store:
            for feed in room.feed_urls():
                store.add_source(feed, "feed", 900)
        for at_least in (1, 40):  # early (first writes) and in full flow
            proc = _start_watch(db, tmp_path)
            _wait_for(db, at_least, proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            stored = _check_consistent(db)
            assert stored >= at_least
        with Store.open(db, settings) as store, Fetcher(settings) as fetcher:
            due = store.pages_due(datetime.now(UTC), limit=10)
            for page in due:  # the killed watcher's work can be picked up again
                pipeline.visit_page(store, fetcher, page, datetime.now(UTC), settings)
            assert due and store.counts()["versions"] >= stored
        _check_consistent(db)


@pytest.mark.slow
def test_sigterm_stops_watch_cleanly(tmp_path):
    db = tmp_path / "watch.db"
    with Newsroom(n_articles=40, n_hosts=2) as room:
        with Store.open(db, newsroom_settings()) as store:
            for feed in room.feed_urls():
                store.add_source(feed, "feed", 900)
        proc = _start_watch(db, tmp_path)
        _wait_for(db, 3, proc)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err.decode()
    assert b"stopped" in err
    _check_consistent(db)
