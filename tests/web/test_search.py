"""Full-text search: the FTS5 index follows stored versions; filters; paging; snippets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from storyline.model import Article, Paragraph, Section
from storyline.pipeline.stories import rethread
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store.search import SearchQuery, fts_expression, search_articles
from storyline.web.data_search import search_data, snippet_parts

T = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _article(url: str, title: str, *texts: str) -> Article:
    return Article(url=url, title=title, sections=[Section("body", [Paragraph(t) for t in texts])])


def _store(tmp_path) -> Store:
    store = Store.open(tmp_path / "search.db")
    store.store_version(
        "https://a.example/1",
        T,
        _article("https://a.example/1", "Harbour bridge reopens", "The bridge reopened on Monday."),
        compare=compare_articles,
    )
    store.store_version(
        "https://www.b.example/2",
        T + timedelta(days=2),
        _article(
            "https://www.b.example/2",
            "Council budget approved",
            "Jeppe Kofod welcomed the budget.",
            "The harbour fund grows.",
        ),
        compare=compare_articles,
    )
    return store


def test_search_finds_the_current_text_and_follows_new_versions(tmp_path):
    with _store(tmp_path) as store:
        assert [h["title"] for h in search_data(store, "bridge")["items"]] == [
            "Harbour bridge reopens"
        ]
        first = _article("https://a.example/1", "Harbour bridge reopens", "The bridge reopened.")
        store.store_version(
            "https://a.example/1",
            T + timedelta(hours=5),
            replace(
                first,
                title="Ferry replaces the bridge",
                sections=[
                    Section("body", [Paragraph("A ferry runs while engineers inspect the span.")])
                ],
            ),
            compare=compare_articles,
        )
        found = search_data(store, "ferry")["items"]
        assert [h["url"] for h in found] == ["https://a.example/1"]
        assert search_data(store, "reopened")["items"] == []  # old text is not current


def test_headline_matches_rank_first_and_snippets_mark_the_words(tmp_path):
    with _store(tmp_path) as store:
        items = search_data(store, "harbour")["items"]
        assert [h["title"] for h in items] == ["Harbour bridge reopens", "Council budget approved"]
        marked = [p["text"] for p in items[1]["snippet"] if p["match"]]
        assert marked == ["harbour"]


def test_filters_by_site_date_and_entity(tmp_path):
    with _store(tmp_path) as store:
        assert [h["site"] for h in search_data(store, "harbour", source="b.example")["items"]] == [
            "b.example"
        ]
        since = (T + timedelta(days=1)).date().isoformat()
        assert [h["site"] for h in search_data(store, "harbour", since=since)["items"]] == [
            "b.example"
        ]
        until = T.date().isoformat()
        assert [h["site"] for h in search_data(store, "harbour", until=until)["items"]] == [
            "a.example"
        ]


def test_entity_filter_uses_the_threaded_pages_entities(tmp_path):
    with _store(tmp_path) as store:
        assert search_data(store, "", entity="Jeppe Kofod")["items"] == []  # not threaded yet
        rethread(store)
        by_entity = search_data(store, "", entity="Jeppe Kofod")["items"]
        assert [h["title"] for h in by_entity] == ["Council budget approved"]
        both = search_data(store, "harbour", entity="jeppe kofod")["items"]
        assert [h["id"] for h in both] == [h["id"] for h in by_entity]
        assert search_data(store, "bridge", entity="Jeppe Kofod")["items"] == []
        assert search_data(store, "", entity="Kofod Jeppe")["items"] == []


def test_filters_alone_list_the_newest_articles(tmp_path):
    with _store(tmp_path) as store:
        result = search_data(store, "", source="a.example")
        assert result["engine"] == "like"
        assert [h["site"] for h in result["items"]] == ["a.example"]


def test_paging_with_a_cursor(tmp_path):
    with _store(tmp_path) as store:
        first = search_data(store, "harbour", limit=1)
        assert len(first["items"]) == 1 and first["next_cursor"] == "o1"
        second = search_data(store, "harbour", limit=1, cursor=first["next_cursor"])
        assert second["next_cursor"] is None
        assert first["items"][0]["id"] != second["items"][0]["id"]


def test_query_syntax_cannot_break_the_fts_expression(tmp_path):
    with _store(tmp_path) as store:
        for nasty in ('"', "harbour OR", "NEAR(", "a* AND -b", "'; DROP TABLE pages; --", "*"):
            search_data(store, nasty)  # no error
        assert fts_expression(["harbour", "fund"]) == '"harbour" AND "fund"*'
        with store.engine.connect() as conn:
            found = search_articles(conn, SearchQuery(words="harb"))
        assert len(found.hits) == 2  # the last word is a prefix


def test_snippet_parts():
    assert snippet_parts("a \x02b\x03 c") == [
        {"text": "a ", "match": False},
        {"text": "b", "match": True},
        {"text": " c", "match": False},
    ]


def test_search_page_escapes_and_pages(client):
    page = client.get("/search?q=Mali")
    assert page.status_code == 200 and "<mark>" in page.text
    assert "Danish troops" in page.text


def test_only_bodies_that_hold_a_word_get_marks(tmp_path):
    # "harbour" is in the headline of one page and the body of the other; "bridge" only in
    # the first page's headline and body: each snippet marks just what its body holds.
    with _store(tmp_path) as store:
        items = {h["url"]: h for h in search_data(store, "harbour")["items"]}
        first = items["https://a.example/1"]["snippet"]
        assert not any(p["match"] for p in first)  # a headline-only match
        second = items["https://www.b.example/2"]["snippet"]
        assert [p["text"] for p in second if p["match"]] == ["harbour"]
        (both,) = search_data(store, "harbour bridge")["items"]
        assert [p["text"] for p in both["snippet"] if p["match"]] == ["bridge"]


WIRE = (
    "Divers searching the harbour found the wreck of a wooden ferry on Tuesday, more than a "
    "century after it sank in a winter storm with forty passengers and a cargo of grain on "
    "board. The harbour master said the hull lies upright in twelve metres of water and "
    "that the museum will decide next month whether to raise it or leave it where it is."
)


def test_a_syndicated_copy_counts_once_in_search_with_also_in(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.config import load_settings
    from storyline.pipeline import store_version
    from storyline.pipeline.copies import CopyIndexer
    from storyline.web.app import create_app

    settings = load_settings(environ={})
    copies = CopyIndexer.from_settings(settings)
    pages = [
        ("https://agency.example/wreck", "Ferry wreck found", WIRE),
        ("https://paper.example/wreck", "Wreck of ferry found in harbour", WIRE + " Sign up."),
        ("https://other.example/ferry", "New ferry ordered", "The ferry company ordered a boat."),
    ]
    with Store.open(tmp_path / "copies.db") as store:
        for n, (url, title, text) in enumerate(pages):
            store_version(
                store, url, T + timedelta(hours=n), _article(url, title, text), copies=copies
            )
        assert copies.copies == 1
        items = search_data(store, "ferry")["items"]
        store_ids = {url: store.page(url).id for url, _, _ in pages}
        with TestClient(create_app(store, settings)) as client:
            html = client.get("/search?q=ferry").text
    assert html.count("Ferry wreck found") == 1 and "Wreck of ferry found" not in html
    assert 'Also in <a href="/articles/' in html and ">paper.example</a>" in html
    urls = [item["url"] for item in items]
    assert sorted(urls) == ["https://agency.example/wreck", "https://other.example/ferry"]
    wreck = items[urls.index("https://agency.example/wreck")]  # ranked above its copy
    assert wreck["also_in"] == [
        {
            "id": store_ids["https://paper.example/wreck"],
            "url": "https://paper.example/wreck",
            "site": "paper.example",
            "href": f"/articles/{store_ids['https://paper.example/wreck']}",
        }
    ]
    assert items[urls.index("https://other.example/ferry")]["also_in"] == []
