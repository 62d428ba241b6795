"""Browsing stories: /stories, /stories.json and /api/stories, with paging, counts,
filters and the order of real news activity (not fetch time)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fixtures.databases import benchmark_database

from storyline.model import Article, Paragraph, Section
from storyline.pipeline import stories as story_pipeline
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.stories.entities import NullRecognizer
from storyline.web.app import create_app


@pytest.fixture(scope="module")
def many_stories(tmp_path_factory) -> Path:
    """400 pages of real text from 40 sites in 60-odd stories of 1-12 articles, built the
    way the web benchmark builds its 10,000 (``benchmarks/web_data.py``)."""
    return benchmark_database(tmp_path_factory.mktemp("stories") / "stories.db", 400, 1200)


@pytest.fixture
def browse(many_stories, web_settings):
    with Store.open(many_stories) as store, TestClient(create_app(store, web_settings)) as c:
        yield c


def test_the_list_pages_through_every_story_of_two_articles_or_more(browse):
    everything = browse.get("/api/stories?min_articles=1&limit=200").json()
    multi = [s for s in everything["items"] if s["article_count"] >= 2]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/stories?limit=7" + (f"&cursor={cursor}" if cursor else "")
        page = browse.get(url).json()
        assert page["offset"] == len(seen) and page["total"] == len(multi)
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == -(-len(multi) // 7)
    assert [s["id"] for s in seen] == [s["id"] for s in multi]  # no repeats, none left out
    latest = [s["last_news_at"] for s in seen]
    assert latest == sorted(latest, reverse=True)
    assert everything["all"] == everything["total"] > len(multi) > 20


def test_the_page_says_how_many_and_links_the_next_page(browse):
    data = browse.get("/stories.json").json()
    html = browse.get("/stories").text
    assert f"Stories 1–20 of {data['total']}" in html
    assert f"({data['all']} in all" in html and "one-article stories are left out" in html
    assert 'rel="next"' in html and html.count('class="card story-card') == 20
    second = browse.get(f"/stories?cursor={data['next_cursor']}").text
    assert f"Stories 21–40 of {data['total']}" in second and "First page" in second


def test_filters_by_size_outlets_outlet_and_dates(browse):
    big = browse.get("/api/stories?min_articles=8&limit=200").json()
    assert big["items"] and all(s["article_count"] >= 8 for s in big["items"])
    wide = browse.get("/api/stories?min_outlets=5&limit=200").json()
    assert all(s["outlet_count"] >= 5 for s in wide["items"])
    site = big["items"][0]["sites"][0]
    by_outlet = browse.get(f"/api/stories?outlet={site}&limit=200").json()
    assert by_outlet["items"] and all(site in s["sites"] for s in by_outlet["items"])
    name = big["items"][0]["outlets"][0]
    assert browse.get(f"/api/stories?outlet={name}&limit=200").json()["total"] == by_outlet["total"]
    everything = browse.get("/api/stories?limit=200").json()["items"]
    middle = sorted(s["last_news_at"] for s in everything)[len(everything) // 2][:10]
    recent = browse.get(f"/api/stories?since={middle}&limit=200").json()["items"]
    assert recent and all(s["last_news_at"][:10] >= middle for s in recent)
    older = browse.get(f"/api/stories?until={middle}&limit=200").json()["items"]
    assert older and all(s["first_news_at"][:10] <= middle for s in older)
    by_size = browse.get("/api/stories?sort=size&limit=200").json()["items"]
    sizes = [s["article_count"] for s in by_size]
    assert sizes == sorted(sizes, reverse=True)
    bad = browse.get("/api/stories?sort=random")
    assert bad.status_code == 400


def test_outlet_names_not_hosts_and_the_home_page_links_to_all(browse):
    home = browse.get("/index.json").json()
    assert home["stories"] and all(s["outlet_count"] >= 2 for s in home["stories"])
    assert all(o.startswith("Site ") for s in home["stories"] for o in s["outlets"])
    html = browse.get("/").text
    assert f"All {home['story_counts']['all']} stories" in html


def _article(url: str, title: str, published: str) -> Article:
    words = f"{title}. The council met on Monday and said more would follow."
    return Article(
        url=url,
        title=title,
        published=published,
        site_name=url.split("/")[2],
        sections=[Section("body", [Paragraph(words)])],
    )


def test_an_archive_ingested_today_does_not_crowd_out_todays_news(tmp_path, web_settings):
    """Stories sort by their articles' own publication and revision times: pages from
    2019 stored now come after news published yesterday and stored earlier."""
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(tmp_path / "n.db") as store:
        fresh = [
            ("https://a.example/harbour", "Harbour bridge closes after crack found"),
            ("https://b.example/harbour", "Harbour bridge closed: crack found in deck"),
        ]
        yesterday = (now - timedelta(days=1)).isoformat()
        for url, title in fresh:
            store.store_version(
                url,
                now - timedelta(hours=3),
                _article(url, title, yesterday),
                compare=compare_articles,
            )
        archive = [
            ("https://c.example/election", "Election result: coalition wins majority"),
            ("https://d.example/election", "Coalition wins majority in election result"),
        ]
        for url, title in archive:  # ingested after the fresh news
            store.store_version(
                url, now, _article(url, title, "2019-11-18T17:26:45"), compare=compare_articles
            )
        story_pipeline.thread_new_versions(store, recognizer=NullRecognizer())
        with TestClient(create_app(store, web_settings)) as client:
            items = client.get("/api/stories").json()["items"]
    assert [s["sites"] for s in items] == [["a.example", "b.example"], ["c.example", "d.example"]]
    assert items[1]["last_news_at"] == "2019-11-18T17:26:45Z"
    assert items[0]["last_news_at"] == yesterday.replace("+00:00", "Z")
    assert json.dumps(items)  # plain JSON
