"""What's new since I last looked: following stories and articles (web forms, API, CLI),
the changes that count, seen when opened, the personal Atom feed, one reader or one per
browser, and what read-only mode and the write token allow."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from fixtures.newsroom import newsroom_settings

from storyline.cli import cli
from storyline.model import Paragraph, Section
from storyline.pipeline.stories import rethread, thread_new_versions
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.stories.entities import NullRecognizer
from storyline.web.app import create_app
from storyline.web.readers import READER_COOKIE, READER_HEADER


@pytest.fixture
def db(news_copy):
    return news_copy


@pytest.fixture
def store(db):
    with Store.open(db) as opened:
        yield opened


def _client(store, **settings) -> TestClient:
    return TestClient(create_app(store, newsroom_settings().replace(**settings), token=""))


def _story_of(client, page_id: int) -> int:
    return client.get(f"/api/articles/{page_id}").json()["story"]["id"]


def _revise(store: Store, page_id: int, title: str, update: str) -> None:
    """A newer version of the page: a new headline and an update block on top."""
    latest = _latest(store, page_id)
    url = latest.url
    sections = [Section("update", [Paragraph(update)]), *latest.article.sections]
    article = replace(latest.article, title=title, sections=sections)
    store.store_version(
        url,
        max(datetime.now(UTC), latest.fetched_at + timedelta(seconds=1)),
        article,
        compare=compare_articles,
    )
    thread_new_versions(store, [url], recognizer=NullRecognizer())


def _latest(store: Store, page_id: int):
    with store.engine.connect() as conn:
        from storyline.read.queries import page_by_id

        url = page_by_id(conn, page_id).url
    return store.versions(url)[-1]


def test_a_followed_story_counts_what_changed_until_it_is_opened(store, news_db):
    with _client(store) as client:
        story = _story_of(client, news_db.seed_id)
        assert client.post("/api/follows", json={"kind": "story", "id": story}).status_code == 201
        again = client.post("/api/follows", json={"kind": "story", "id": story})
        assert again.status_code == 200 and again.json()["added"] is False
        news = client.get("/api/news").json()
        assert news["new_count"] == 0 and news["items"][0]["summary"] == "no new changes"
        _revise(store, news_db.seed_id, "Danish troops leave Mali", "The last troops left.")
        news = client.get("/api/news").json()
        item = news["items"][0]
        assert (item["kind"], item["id"], item["new_count"]) == ("story", story, 2)
        assert sorted(e["kind"] for e in item["entries"]) == ["headline", "update_added"]
        assert all(e["href"].endswith("diff?a=2&b=3") for e in item["entries"])
        assert item["edits"] == 0 and item["summary"] == "2 new changes"
        html = client.get("/").text
        assert "2 new changes" in html  # the followed story's card says so
        client.get(f"/stories/{story}")  # opening it marks it seen
        assert client.get("/api/news").json()["new_count"] == 0
        assert "new change" not in client.get("/").text


def test_a_followed_article_and_the_personal_feed(store, news_db):
    with _client(store) as client:
        seed = news_db.seed_id
        assert client.post("/api/follows", json={"kind": "article", "id": seed}).status_code == 201
        _revise(store, seed, "Danish troops leave Mali", "The last troops left on Friday.")
        assert client.get("/news.json").json() == client.get("/api/news").json()
        html = client.get("/news").text
        assert "2 new changes" in html and "Headline changed" in html
        feed = feedparser.parse(client.get("/feeds/news.atom").content)
        assert not feed.bozo and len(feed.entries) == 2
        assert {e.tags[0].term for e in feed.entries} == {"headline", "update_added"}
        client.get(f"/articles/{seed}")  # opening the article marks it seen
        assert client.get("/api/news").json()["new_count"] == 0
        assert len(feedparser.parse(client.get("/feeds/news.atom").content).entries) == 2
        gone = client.delete(f"/api/follows/article/{seed}").json()
        assert gone["removed"] == 1 and client.get("/api/news").json()["items"] == []


def test_following_from_the_page_with_its_form(store, news_db):
    with _client(store) as client:
        story = _story_of(client, news_db.seed_id)
        page = client.get(f"/stories/{story}").text
        assert 'id="follow-toggle"' in page and "Follow this story" in page
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"kind": "story", "page_id": str(news_db.seed_id), "back": f"/stories/{story}"}
        refused = client.post("/follows", data=form, follow_redirects=False)
        assert refused.status_code == 403  # no CSRF token
        done = client.post("/follows", data={**form, "csrf_token": token}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/stories/{story}"
        assert "Following ✓" in client.get(f"/stories/{story}").text
        form = {**form, "action": "unfollow", "pages": str(news_db.seed_id), "csrf_token": token}
        client.post("/follows", data=form)
        assert client.get("/api/news").json()["items"] == []


def test_a_story_stays_followed_when_rethreading_renumbers_it(store, news_db):
    with _client(store) as client:
        story = _story_of(client, news_db.seed_id)
        client.post("/api/follows", json={"kind": "story", "id": story})
        rethread(store, recognizer=NullRecognizer())
        item = client.get("/api/news").json()["items"][0]
        assert item["id"] == _story_of(client, news_db.seed_id)
        assert "Mali" in item["title"]


def test_read_only_and_token_rules(store, news_db):
    body = {"kind": "article", "id": news_db.seed_id}
    with TestClient(create_app(store, newsroom_settings(), read_only=True)) as client:
        assert client.post("/api/follows", json=body).status_code == 403
        assert client.get("/api/news").json()["items"] == []
    with TestClient(create_app(store, newsroom_settings(), token="s3cret")) as client:
        assert client.post("/api/follows", json=body).status_code == 401
        signed = {"Authorization": "Bearer s3cret"}
        assert client.post("/api/follows", json=body, headers=signed).status_code == 201


def test_each_browser_is_its_own_reader_on_a_shared_server(store, news_db):
    body = {"kind": "article", "id": news_db.seed_id}
    with _client(store, reader_cookies=True) as alice, _client(store, reader_cookies=True) as bob:
        made = alice.post("/api/follows", json=body)
        token = made.json()["reader_token"]
        assert made.cookies.get(READER_COOKIE) == token
        assert len(alice.get("/api/news").json()["items"]) == 1
        assert bob.get("/api/news").json()["items"] == []  # no cookie: nothing followed
        assert len(bob.get("/api/news", headers={READER_HEADER: token}).json()["items"]) == 1
        assert alice.get("/feeds/news.atom").status_code == 404  # each reader has an address
        feed = alice.get(f"/feeds/news/{token}.atom")
        assert feed.status_code == 200 and not feedparser.parse(feed.content).bozo
        assert bob.get("/feeds/news/not-a-reader.atom").status_code == 404
        assert "/feeds/news/" in alice.get("/news").text


def test_storyline_news_in_the_terminal(db, news_db):
    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["news", "--db", str(db), *args], obj={})
        assert result.exit_code == 0, result.output
        return result.output

    assert "you follow nothing yet" in run()
    with Store.open(db) as store, _client(store) as client:
        story = _story_of(client, news_db.seed_id)
    assert "now following story" in run("follow", "story", str(story))
    assert "already following" in run("follow", "story", str(story))
    assert "now following article" in run("follow", "article", str(news_db.seed_id))
    with Store.open(db) as store:
        _revise(store, news_db.seed_id, "Danish troops leave Mali", "The last troops left.")
    text = run()
    assert "4 new changes in the 1 story and 1 article you follow" in text
    assert "Headline changed: Danish troops leave Mali" in text and "http://127.0.0.1:8000/" in text
    data = json.loads(run("--json", "--mark-seen"))
    assert data["new_count"] == 4
    assert "0 new changes" in run() or "no new changes" in run()
    assert "stopped following" in run("unfollow", "story", str(story))
