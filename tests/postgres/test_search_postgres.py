"""Search on PostgreSQL: no FTS5 there; its own full-text index answers word queries.

It should behave like the SQLite search where it can: case folded (non-ASCII too), the
article's text searched (not its JSON keys), headline matches first, snippets with the
words marked, and the same filters (the entity filter case-insensitive). The LIKE
fallback (for databases with neither index) runs the same tests on PostgreSQL too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storyline.model import Article, Paragraph, Section
from storyline.pipeline.stories import rethread
from storyline.revisions import compare_articles
from storyline.store import Store, search
from storyline.store.search import MARK_END, MARK_START, SearchQuery, search_articles

T = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _article(url: str, title: str, *texts: str, standfirst: str | None = None) -> Article:
    sections = [Section("body", [Paragraph(t) for t in texts])]
    return Article(url=url, title=title, standfirst=standfirst, sections=sections)


@pytest.fixture(scope="module")
def store(postgres_server):
    with Store.open(postgres_server.new_database()) as opened:
        pages = [
            ("https://a.example/1", "Harbour bridge reopens", ["The bridge reopened."], None),
            (
                "https://www.b.example/2",
                "Council budget approved",
                ["Jeppe Kofod welcomed the budget.", "The harbour fund grows."],
                None,
            ),
            (
                "https://c.example/3",
                "Øresund traffic",
                ["Trains cross the ØRESUND bridge again; snake_case stays literal."],
                "Commuters in Malmö are relieved.",
            ),
        ]
        for day, (url, title, texts, standfirst) in enumerate(pages):
            article = _article(url, title, *texts, standfirst=standfirst)
            opened.store_version(url, T + timedelta(days=day), article, compare=compare_articles)
        yield opened


@pytest.fixture(autouse=True, params=["tsvector", "like"])
def engine(request, monkeypatch) -> str:
    """Which word search to test: PostgreSQL's index, or the LIKE fallback."""
    if request.param == "like":
        generic = search._word_match
        monkeypatch.setattr(search, "_word_match", lambda _d, v, w: generic("other", v, w))
    return request.param


def _search(store: Store, words: str = "", **filters) -> list:
    with store.engine.connect() as conn:
        result = search_articles(conn, SearchQuery(words=words, **filters))
    assert result.engine in (("tsvector", "like") if words.strip() else ("like",))
    return result.hits


def _titles(hits) -> list[str]:
    return [h.title for h in hits]


def test_words_fold_case_including_non_ascii_letters(store):
    assert _titles(_search(store, "øresund")) == ["Øresund traffic"]
    assert _titles(_search(store, "HARBOUR Fund")) == ["Council budget approved"]
    assert _titles(_search(store, "malmö")) == ["Øresund traffic"]  # the standfirst is searched


def test_the_articles_text_is_searched_not_its_json(store):
    for word in ("paragraph", "sections", "kind", "standfirst", "url"):
        assert _search(store, word) == [], word
    assert _titles(_search(store, "snake_case")) == ["Øresund traffic"]
    assert _search(store, "snake_cases") == []


def test_headline_matches_rank_first_and_snippets_mark_the_words(store):
    hits = _search(store, "harbour")
    assert _titles(hits) == ["Harbour bridge reopens", "Council budget approved"]
    assert f"{MARK_START}harbour{MARK_END}" in hits[1].snippet
    bridge = _search(store, "bridge")
    assert _titles(bridge) == ["Harbour bridge reopens", "Øresund traffic"]
    assert f"{MARK_START}bridge{MARK_END}" in bridge[1].snippet


def test_filters_and_paging(store):
    assert [h.url for h in _search(store, "harbour", site="B.example")] == [
        "https://www.b.example/2"
    ]
    assert _titles(_search(store, "bridge", since=T + timedelta(days=1))) == ["Øresund traffic"]
    first = _search(store, "bridge", limit=1)
    second = _search(store, "bridge", limit=1, offset=1)
    assert _titles(first + second) == _titles(_search(store, "bridge"))


def test_the_entity_filter_folds_case(store):
    rethread(store)
    for name in ("Jeppe Kofod", "jeppe kofod", "JEPPE KOFOD"):
        assert _titles(_search(store, "", entity=name)) == ["Council budget approved"], name
    assert _titles(_search(store, "harbour", entity="jeppe kofod")) == ["Council budget approved"]
    assert _search(store, "", entity="Kofod Jeppe") == []


@pytest.mark.parametrize("engine", ["tsvector"], indirect=True)  # LIKE has no index
def test_word_queries_read_the_full_text_index(store, engine):
    """The query spells the indexed expression, so the planner reads the index (a table
    without statistics yet included) instead of tokenizing every article again."""
    from sqlalchemy import select, text

    from storyline.store import schema
    from storyline.store.pg_search import INDEX, text_match

    matches, _ = text_match(schema.versions, ["harbour", "fund"])
    stmt = select(schema.versions.c.id).where(matches)
    sql = stmt.compile(store.engine, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as conn:
        plan = "\n".join(conn.execute(text(f"EXPLAIN {sql}")).scalars())
    assert INDEX in plan, plan
