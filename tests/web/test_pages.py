"""The HTML pages and their JSON twins, over the real app and a real filled database."""

from __future__ import annotations

import re

from fixtures.newsroom import EARLIER_SEED_TITLE


def test_home_lists_recently_changed_articles_newest_first(client, news_db):
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    data = client.get("/index.json").json()
    times = [a["last_changed"] for a in data["articles"]]
    assert times == sorted(times, reverse=True)
    seed = next(a for a in data["articles"] if a["id"] == news_db.seed_id)
    assert seed["versions"] == 2
    assert "headline" in seed["last_change"]
    assert f'href="/articles/{news_db.seed_id}"' in page.text


def test_article_page_shows_structure_and_history(client, news_db):
    page = client.get(f"/articles/{news_db.seed_id}")
    assert page.status_code == 200
    html = page.text
    assert "UPDATE: Danish troops leaving Mali" in html
    assert 'class="sec sec-update"' in html
    assert 'class="sec sec-original"' in html
    assert "Original story" in html
    # promos and teasers are shown apart from the text, not inside it
    assert 'class="apart teasers"' in html or 'class="apart promos"' in html
    text_part = html.split('<div class="side-col">')[0]
    assert "READ ALSO" not in text_part
    assert html.count('name="a"') == 2 and html.count('name="b"') == 2


def test_json_twin_and_api_return_the_same_data(client, news_db):
    pid = news_db.seed_id
    for html_path, twin, api in (
        (f"/articles/{pid}", f"/articles/{pid}.json", f"/api/articles/{pid}"),
        (
            f"/articles/{pid}/diff?a=1&b=2",
            f"/articles/{pid}/diff.json?a=1&b=2",
            f"/api/articles/{pid}/diff?a=1&b=2",
        ),
        (
            f"/articles/{pid}/versions/1",
            f"/articles/{pid}/versions/1.json",
            f"/api/articles/{pid}/versions/1",
        ),
        ("/articles", "/articles.json", "/api/articles"),
        ("/sources", "/sources.json", "/api/sources"),
        ("/search?q=Mali", "/search.json?q=Mali", "/api/search?q=Mali"),
    ):
        assert client.get(html_path).status_code == 200, html_path
        assert client.get(twin).json() == client.get(api).json(), twin


def test_old_version_page_says_it_is_not_current(client, news_db):
    data = client.get(f"/api/articles/{news_db.seed_id}/versions/1").json()
    assert data["article"]["title"] == EARLIER_SEED_TITLE
    assert data["version"]["is_latest"] is False
    html = client.get(f"/articles/{news_db.seed_id}/versions/1").text
    assert "You are reading version 1 of 2" in html


def test_diff_puts_the_headline_first_side_by_side_and_inline(client, news_db):
    pid = news_db.seed_id
    data = client.get(f"/api/articles/{pid}/diff?a=1&b=2").json()
    ops = data["diff"]["headline"]
    assert {"op": "insert", "text": "UPDATE: "} in ops or any(
        o["op"] == "insert" and "UPDATE" in o["text"] for o in ops
    )
    kinds = [c["kind"] for c in data["changes"]]
    assert "headline" in kinds and "update_added" in kinds
    side = client.get(f"/articles/{pid}/diff?a=1&b=2&view=side").text
    inline = client.get(f"/articles/{pid}/diff?a=1&b=2&view=inline").text
    first_part = re.search(r'<section class="diff-part (\w+)', side)
    assert first_part and first_part.group(1) == "headline"
    assert 'class="side"' in side and 'class="side"' not in inline.split("Classified")[0]
    assert "<ins>" in inline and "UPDATE" in inline


def test_diff_defaults_to_the_last_two_versions_and_rejects_missing_ones(client, news_db):
    data = client.get(f"/api/articles/{news_db.seed_id}/diff").json()
    assert (data["a"], data["b"]) == (1, 2)
    missing = client.get(f"/api/articles/{news_db.seed_id}/diff?a=1&b=9")
    assert missing.status_code == 404
    assert "no version 9" in missing.json()["error"]


def test_articles_list_pages_with_a_cursor(client):
    first = client.get("/api/articles?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(f"/api/articles?limit=3&cursor={first['next_cursor']}").json()
    seen = {a["id"] for a in first["items"]}
    assert seen.isdisjoint(a["id"] for a in second["items"])
    everything = client.get("/api/articles?limit=200").json()["items"]
    assert len(everything) >= 11
    assert [a["id"] for a in everything[:6]] == [a["id"] for a in first["items"] + second["items"]]
    html = client.get("/articles?limit=3").text
    assert 'rel="next"' in html


def test_changed_only_keeps_articles_with_several_versions(client):
    items = client.get("/api/articles?changed_only=true&limit=200").json()["items"]
    assert items and all(a["versions"] > 1 for a in items)


def test_sources_page_shows_feed_health_and_the_pages_that_keep_failing(client, news_db):
    data = client.get("/api/sources").json()
    feed = data["items"][0]
    assert feed["kind"] == "feed" and feed["url"].startswith(news_db.room_base)
    assert feed["failures"] == 0 and feed["last_visit_at"]
    # the feed lists a page robots.txt forbids: it fails on every visit, so not "ok"
    (blocked,) = feed["failing_pages"]
    assert blocked["url"].endswith("/private/embargoed-report") and "robots" in blocked["error"]
    assert feed["healthy"] is False
    html = client.get("/sources").text
    assert feed["url"] in html and "Follow" in html and 'name="csrf_token"' in html
    assert "feed ok" in html and "page failing" in html and "embargoed-report" in html


def test_static_files_are_served_locally(client):
    html = client.get("/").text
    assert "https://" not in re.sub(r'href="https?://[^"]*"', "", html.split("<main>")[0])
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_api_docs_page_lists_operations_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/articles/{page_id}/diff" in page.text
    assert '<script src="http' not in page.text
    spec = client.get("/openapi.json").json()
    assert "/api/sources" in spec["paths"] and "delete" in spec["paths"]["/api/sources/{source_id}"]
