"""``storyline serve``: --get runs one request without a server; the real server answers."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from click.testing import CliRunner
from fixtures.serving import serving

from storyline.cli import cli
from storyline.web.server import is_loopback


def test_get_prints_the_json_of_one_request(news_db):
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(news_db.path), "--get", f"/api/articles/{news_db.seed_id}"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["article"]["title"] == "UPDATE: Danish troops leaving Mali"


def test_get_exits_non_zero_on_an_error(news_db):
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(news_db.path), "--get", "/api/articles/999999"]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["status"] == 404


def test_is_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


@pytest.mark.slow
def test_serve_answers_over_http_read_only(news_db):
    with serving("--db", str(news_db.path), "--read-only") as server:
        response = server.first_answer("/api/articles?limit=1")
        assert response.status_code == 200 and len(response.json()["items"]) == 1
        refused = httpx.post(f"{server.base}/api/sources", json={"url": "http://127.0.0.1:1/"})
        assert refused.status_code == 403


def test_workers_refuse_watch(news_db):
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(news_db.path), "--workers", "2", "--watch"]
    )
    assert result.exit_code == 2 and "storyline watch" in result.output


def test_worker_processes_build_their_app_from_the_environment(news_db, monkeypatch):
    from fastapi.testclient import TestClient

    from storyline.web.server import app_from_environment

    monkeypatch.setenv("STORYLINE_SERVE_DB", f"sqlite:///{news_db.path}")
    monkeypatch.setenv("STORYLINE_SERVE_READ_ONLY", "1")
    with TestClient(app_from_environment()) as client:
        assert client.get(f"/api/articles/{news_db.seed_id}").status_code == 200
        assert client.post("/api/sources", json={"url": "http://127.0.0.1:1/"}).status_code == 403


@pytest.mark.slow
def test_serve_watch_polls_the_followed_sources_beside_the_server(tmp_path, newsroom):
    """What `make run` does: follow a list, then `serve --watch` fills the store it serves."""
    from storyline.store import Store

    db = tmp_path / "watch.db"
    with Store.open(db) as store:
        store.add_source(newsroom.url("/feeds/rss.xml"), "feed", 900.0)
    args = ("--db", str(db), "--watch", "--allow-private")
    with serving(*args, env={"STORYLINE_THROTTLE_DELAY": "0"}) as server:
        deadline = time.monotonic() + 25
        items: list = []
        while len(items) < 4:
            server.alive()
            assert time.monotonic() < deadline, f"watch stored {len(items)} articles"
            time.sleep(0.3)
            try:
                items = httpx.get(f"{server.base}/api/articles", timeout=2).json()["items"]
            except httpx.TransportError:
                continue
        assert newsroom.visits("/feeds/rss.xml") >= 1
