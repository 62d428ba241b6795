"""Following and unfollowing through the form and the API, against the local newsroom."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storyline.store import Store
from storyline.web.app import create_app
from storyline.web.security import CSRF_COOKIE


def _client(tmp_path, settings) -> tuple[TestClient, Store]:
    store = Store.open(tmp_path / "follow.db")
    return TestClient(create_app(store, settings, token=""), raise_server_exceptions=False), store


def test_the_form_follows_a_home_page_through_its_feed(tmp_path, newsroom, web_settings):
    client, store = _client(tmp_path, web_settings)
    with client, store:
        client.get("/sources")
        response = client.post(
            "/sources",
            follow_redirects=False,
            data={
                "url": newsroom.url("/"),
                "every": "30",
                "csrf_token": client.cookies[CSRF_COOKIE],
            },
        )
        assert response.status_code == 303
        page = client.get(response.headers["location"])
        assert "Now following" in page.text and "/feeds/" in page.text
        [source] = store.sources()
        assert source.kind == "feed" and source.interval_s == 1800.0
        assert source.origin_url == newsroom.url("/")


def test_a_bad_interval_is_explained_on_the_form(tmp_path, newsroom, web_settings):
    client, store = _client(tmp_path, web_settings)
    with client, store:
        client.get("/sources")
        response = client.post(
            "/sources",
            data={
                "url": newsroom.url("/feeds/rss.xml"),
                "every": "soon",
                "csrf_token": client.cookies[CSRF_COOKIE],
            },
        )
        assert response.status_code == 400
        assert "number of minutes" in response.text
        assert newsroom.url("/feeds/rss.xml") in response.text  # the URL is kept in the form
        assert store.sources() == []


def test_the_api_follows_and_unfollows(tmp_path, newsroom, web_settings):
    client, store = _client(tmp_path, web_settings)
    with client, store:
        created = client.post(
            "/api/sources", json={"url": newsroom.url("/feeds/atom.xml"), "every": 600}
        )
        assert created.status_code == 201
        source = created.json()
        assert source["kind"] == "feed" and source["interval_s"] == 600
        listed = client.get("/api/sources").json()["items"]
        assert [s["id"] for s in listed] == [source["id"]]
        gone = client.delete(f"/api/sources/{source['id']}")
        assert gone.status_code == 200 and gone.json()["url"] == source["url"]
        assert client.get("/api/sources").json()["items"] == []
        assert client.delete(f"/api/sources/{source['id']}").status_code == 404


def test_a_target_that_is_not_a_feed_or_article_reports_why(tmp_path, newsroom, web_settings):
    client, store = _client(tmp_path, web_settings)
    with client, store:
        body = client.post("/api/sources", json={"url": newsroom.url("/feeds/broken.xml")}).json()
        assert body["ok"] is False and body["status"] in (400, 502)
        assert store.sources() == []


def test_the_unfollow_form(tmp_path, newsroom, web_settings):
    client, store = _client(tmp_path, web_settings)
    with client, store:
        source = client.post("/api/sources", json={"url": newsroom.url("/feeds/rss.xml")}).json()
        client.get("/sources")
        response = client.post(
            f"/sources/{source['id']}/unfollow",
            follow_redirects=True,
            data={"csrf_token": client.cookies[CSRF_COOKIE]},
        )
        assert response.status_code == 200 and "Stopped following" in response.text
        assert store.sources() == []
