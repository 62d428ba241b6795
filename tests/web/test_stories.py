"""Story pages over the threaded stories: home cards, timeline, entities, the story feed."""

from __future__ import annotations

import feedparser


def _seed_story(client, news_db) -> dict:
    article = client.get(f"/articles/{news_db.seed_id}.json").json()
    html = client.get(f"/articles/{news_db.seed_id}").text
    stories = client.get("/api/stories?limit=200").json()["items"]
    found = [s for s in stories if f'href="{s["href"]}"' in html]
    assert len(found) == 1, (article["url"], stories)
    return found[0]


def test_home_shows_stories_most_recently_changed_first(client, news_db):
    data = client.get("/index.json").json()
    stories = data["stories"]
    assert stories
    times = [s["last_updated"] for s in stories]
    assert times == sorted(times, reverse=True)
    seed = _seed_story(client, news_db)
    assert seed["article_count"] >= 1 and "127.0.0.1" in seed["sources"]
    assert "headline changed" in seed["last_change"]
    assert len(seed["activity"]) == 28 and sum(seed["activity"]) >= 2
    html = client.get("/").text
    assert html.count('class="card story-card"') == len(stories)
    assert '<svg class="spark"' in html


def test_story_page_has_timeline_chart_articles_by_source_and_entities(client, news_db):
    seed = _seed_story(client, news_db)
    data = client.get(f"/api/stories/{seed['id']}").json()
    assert data == client.get(f"/stories/{seed['id']}.json").json()
    kinds = {e["kind"] for e in data["timeline"]}
    assert {"published", "update"} <= kinds
    names = {e["name"] for e in data["entities"]}
    assert "Mali" in names and "Denmark" in names
    sites = [g["site"] for g in data["sources"]]
    assert "127.0.0.1" in sites
    html = client.get(f"/stories/{seed['id']}").text
    assert '<svg class="timeline-chart"' in html
    assert 'class="ev-update"' in html  # updates are highlighted
    assert f'href="/articles/{news_db.seed_id}"' in html
    assert "/search?entity=Mali" in html


def test_story_feed_parses_with_new_articles_and_changes(client, news_db):
    seed = _seed_story(client, news_db)
    response = client.get(f"/stories/{seed['id']}/feed.atom")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title.endswith(seed["title"])
    titles = [e.title for e in feed.entries]
    assert any(t.startswith("New article:") for t in titles)
    assert any("update added" in t for t in titles)
    for entry in feed.entries:
        assert entry.id and entry.updated and entry.link and entry.summary


def test_stories_page_with_a_cursor(client):
    first = client.get("/api/stories?limit=1").json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(f"/api/stories?limit=1&cursor={first['next_cursor']}").json()
    assert second["items"][0]["id"] != first["items"][0]["id"]


def test_the_article_json_names_its_story_like_the_page(client, news_db):
    seed = _seed_story(client, news_db)
    data = client.get(f"/api/articles/{news_db.seed_id}").json()
    assert data["story"] == {"id": seed["id"], "title": seed["title"], "href": seed["href"]}
    assert client.get(f"/articles/{news_db.seed_id}.json").json() == data
