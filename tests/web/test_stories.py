"""Story pages over the threaded stories: home cards, timeline, entities, the story feed."""

from __future__ import annotations

import feedparser


def _seed_story(client, news_db) -> dict:
    article = client.get(f"/articles/{news_db.seed_id}.json").json()
    html = client.get(f"/articles/{news_db.seed_id}").text
    stories = client.get("/api/stories?limit=200&min_articles=1").json()["items"]
    found = [s for s in stories if f'href="{s["href"]}"' in html]
    assert len(found) == 1, (article["url"], stories)
    return found[0]


def test_home_shows_the_most_active_stories_and_links_to_all(client, news_db):
    data = client.get("/index.json").json()
    stories = data["stories"]
    assert stories  # only one-article stories here: the home page falls back to them
    counts = data["story_counts"]
    assert counts["shown"] == len(stories) and counts["all"] >= counts["matching"] >= 1
    seed = _seed_story(client, news_db)
    assert seed["article_count"] >= 1 and seed["outlets"] == ["The Newsroom"]
    assert seed["sites"] == ["127.0.0.1"]
    assert "headline changed" in seed["last_change"]["summary"]
    assert seed["activity"]["counts"] and sum(seed["activity"]["counts"]) >= 1
    html = client.get("/").text
    assert html.count('class="card story-card') == len(stories)
    assert '<svg class="spark"' in html and 'href="/stories"' in html


def test_story_page_has_timeline_chart_articles_by_source_and_entities(client, news_db):
    seed = _seed_story(client, news_db)
    data = client.get(f"/api/stories/{seed['id']}").json()
    assert data == client.get(f"/stories/{seed['id']}.json").json()
    kinds = {e["kind"] for e in data["timeline"]}
    assert {"published", "update"} <= kinds
    names = {e["name"] for e in data["entities"]}
    assert "Mali" in names and "Denmark" in names
    groups = [(g["site"], g["name"]) for g in data["sources"]]
    assert ("127.0.0.1", "The Newsroom") in groups
    # the news period is the article's own (published 2022), background dates apart
    assert data["period"]["from"].startswith("2022-01-25")
    assert {e["date"] for e in data["background"]} >= {"2014"}
    assert all(not e["background"] for d in data["days"] for e in d["events"])
    days = [d["day"] for d in data["days"]]
    assert days == sorted(days) and "2022-01-25" in days
    published = next(e for d in data["days"] for e in d["events"] if e["kind"] == "published")
    assert (
        published["outlet"] == "The Newsroom"
        and published["href"] == f"/articles/{news_db.seed_id}"
    )
    html = client.get(f"/stories/{seed['id']}").text
    assert '<svg class="timeline-chart"' in html
    assert 'class="ev ev-update"' in html  # updates are highlighted
    assert "Background" in html and 'class="day"' in html
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
    first = client.get("/api/stories?limit=1&min_articles=1").json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(f"/api/stories?limit=1&min_articles=1&cursor={first['next_cursor']}").json()
    assert second["items"][0]["id"] != first["items"][0]["id"]


def test_the_article_json_names_its_story_like_the_page(client, news_db):
    seed = _seed_story(client, news_db)
    data = client.get(f"/api/articles/{news_db.seed_id}").json()
    assert data["story"] == {"id": seed["id"], "title": seed["title"], "href": seed["href"]}
    assert client.get(f"/articles/{news_db.seed_id}.json").json() == data
