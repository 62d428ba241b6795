"""One JSON error shape for the whole API: {"ok": false, "error", "errors", "status"}."""

from __future__ import annotations

import pytest

from storyline.web.app import create_app

SHAPE = {"ok", "error", "errors", "status"}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and all(isinstance(e, str) for e in body["errors"])
    return body


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/articles/999999", 404),
        ("GET", "/api/articles/999999/versions", 404),
        ("GET", "/api/articles/999999/diff", 404),
        ("GET", "/api/stories/999999", 404),
        ("GET", "/api/articles/abc", 400),
        ("GET", "/api/articles/0", 400),
        ("GET", "/api/articles?limit=0", 400),
        ("GET", "/api/articles?cursor=not-a-cursor", 400),
        ("GET", "/api/search?q=x&cursor=zzz", 400),
        ("GET", "/api/search?since=yesterday", 400),
        ("GET", "/api/no/such/thing", 404),
        ("PUT", "/api/articles", 405),
        ("DELETE", "/api/sources/999999", 404),
        ("POST", "/api/sources", 400),
        ("GET", "/articles/999999.json", 404),
        ("GET", "/stories/999999.json", 404),
        ("GET", "/stories/999999/feed.atom", 404),
        ("GET", "/articles/99999999999999999999.json", 404),
        ("GET", "/stories/99999999999999999999.json", 404),
    ],
)
def test_every_api_error_has_the_one_shape(client, method, path, status):
    assert_error_shape(client.request(method, path), status)


def test_an_existing_article_with_a_missing_version_says_how_many_there_are(client, news_db):
    body = assert_error_shape(client.get(f"/api/articles/{news_db.seed_id}/versions/7"), 404)
    assert "2 version(s)" in body["error"]


def test_every_documented_operation_answers_unknown_ids_with_the_shape(client):
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, item in spec["paths"].items():
        if "{" not in path:
            continue
        concrete = path.replace("{page_id}", "999999").replace("{story_id}", "999999")
        concrete = concrete.replace("{source_id}", "999999").replace("{number}", "1")
        concrete = concrete.replace("{kind}", "story").replace("{item_id}", "999999")
        for method in item:
            if method in ("get", "delete"):
                assert_error_shape(client.request(method.upper(), concrete), 404)
                checked += 1
    assert checked >= 6


def test_validation_errors_list_each_problem(client):
    body = assert_error_shape(client.post("/api/sources", json={"every": 1}), 400)
    assert len(body["errors"]) == 2  # url missing, every too small
    assert any("url" in e for e in body["errors"])


def test_unexpected_exceptions_become_a_500_in_the_shape(store, web_settings):
    from fastapi.testclient import TestClient

    app = create_app(store, web_settings)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as c:
        body = assert_error_shape(c.get("/api/boom"), 500)
    assert "a bug" not in body["error"]  # internals stay in the log


def test_html_pages_get_an_html_error_page(client):
    page = client.get("/articles/999999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "there is no article 999999" in page.text
