"""Two `storyline ingest` processes on one database at once (issue #17): both exit 0 and
the store equals what one run after the other gives, on SQLite and PostgreSQL.

Each capture is its own transaction and a stored capture is skipped, so the two runs
share the pages between them; the threading pass at the end finds pages the other
process threaded already, and must not fail on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ingest_helpers import ROOT, Rec, shared_pages, write_warc
from sqlalchemy import select

from storyline.config import load_settings
from storyline.pipeline.ingest import ingest
from storyline.store import Store, schema
from storyline.store.stories import stories

PAGES = 10


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "together.db"), str(tmp_path / "apart.db")
    make = request.getfixturevalue("postgres_server").new_database
    return make(), make()


def _command(db: str, archive) -> list[str]:
    return [sys.executable, "-m", "storyline", "ingest", "--json", "--db", db, str(archive)]


def _env(tmp_path) -> dict[str, str]:
    return {**os.environ, "STORYLINE_CONFIG": str(tmp_path / "none.toml")}


def _contents(db: str) -> dict[str, object]:
    """Everything a run leaves that must not depend on how the runs interleaved."""
    with Store.open(db) as store:
        with store.engine.connect() as conn:
            p, v = schema.pages, schema.versions
            versions = conn.execute(
                select(p.c.url, v.c.fetched_at, v.c.content_hash).join(p, p.c.id == v.c.page_id)
            ).all()
        counts = store.counts()
        story_sets = sorted(sorted(s.articles) for s in stories(store))
    return {"versions": sorted(map(tuple, versions)), "counts": counts, "stories": story_sets}


@pytest.mark.slow
def test_two_ingests_at_once_both_succeed_and_match_one_after_the_other(tmp_path, databases):
    together, apart = databases
    pages = shared_pages(PAGES)
    records = [Rec(url, "2024-01-01T00:00:00Z", html) for url, html in pages]
    archive = write_warc(tmp_path / "crawl.warc.gz", records)
    env = _env(tmp_path)
    runs = [
        subprocess.Popen(
            _command(together, archive),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        json.loads(out)
    settings = load_settings(environ={})
    for _ in range(2):  # one after the other, in this process
        with Store.open(apart, settings) as store:
            ingest(store, [archive], settings)
    assert _contents(together) == _contents(apart)
