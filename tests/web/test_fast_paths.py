"""The web app's shortcuts for speed give the same answers as the slow, obvious way."""

from __future__ import annotations

import inspect
import itertools
import json
from dataclasses import asdict
from datetime import UTC, datetime

from fixtures.shared_pages import SHARED, shared_pages

from storyline import extract_article, extract_text
from storyline.read import queries as q
from storyline.read import queries_stories as qs
from storyline.read.shapes import article_dict, plain, stored_article_dict
from storyline.store import Store, search_ranked
from storyline.store.stories import stories
from storyline.web import api, api_stories, pages, pages_stories
from storyline.web.responses import JSONResponse
from storyline.web.templating import make_templates


def test_article_dict_equals_to_dict_on_real_pages():
    seed = (SHARED / "seed" / "danish-troops-leaving-mali.txt").read_text(encoding="utf-8")
    articles = [extract_text(seed)] + [extract_article(html, url) for url, html in shared_pages(6)]
    for article in articles:
        fast = article_dict(article)
        assert fast == _with_times(article.to_dict())
        # a copy, not a view: changing it leaves the article alone
        fast["sections"][0]["paragraphs"].append({"text": "x", "kind": "paragraph"})
        assert fast != _with_times(article.to_dict())


def _with_times(data: dict) -> dict:
    """``to_dict`` with the article's dates in the one JSON form (``storyline.times``)."""
    from storyline import times

    for name in ("published", "modified"):
        if data.get(name):
            data[name] = times.iso_or_day(data[name])
    return data


def test_plain_equals_asdict_for_stored_stories(store: Store):
    found = stories(store)
    assert found
    for story in found:
        for entity in story.entities:
            assert plain(entity) == asdict(entity)
        for entry in story.timeline:
            assert plain(entry) == asdict(entry)


def test_changes_of_page_equals_changes_for_its_versions(store: Store, news_db):
    with store.engine.connect() as conn:
        checked = 0
        for page_id in [news_db.seed_id, *news_db.shared_ids]:
            ids = [line.id for line in q.version_lines(conn, page_id)]
            by_ids = q.changes_for(conn, ids)
            assert q.changes_of_page(conn, page_id) == by_ids
            checked += sum(len(v) for v in by_ids.values())
    assert checked > 0  # some of these pages have stored changes


def test_orjson_response_writes_what_the_json_module_reads():
    data = {"title": "Danske soldater forlader Mali – nu", 3: [1.5, None, True], "ø": {}}
    body = JSONResponse(data).body
    assert "–".encode() in body  # UTF-8, not \u escapes
    assert json.loads(body) == {"title": data["title"], "3": [1.5, None, True], "ø": {}}


def test_templates_find_dict_keys_and_methods():
    env = make_templates().env
    page = env.from_string(
        "{{ d.title }}|{{ d.get('missing', 'none') }}|{{ d.nothing }}|{{ o.real }}"
    )
    assert page.render(d={"title": "<b>x</b>"}, o=3) == "&lt;b&gt;x&lt;/b&gt;|none||3"


def test_when_renders_the_absolute_time_and_a_recent_age_beside_it():
    env = make_templates().env
    page = env.from_string("{{ when(t) }}")
    now = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)
    html = page.render(t="2026-01-10T09:18:00+00:00", now=now)
    assert html == (
        '<time datetime="2026-01-10T09:18:00Z">2026-01-10 09:18 UTC</time> '
        '<span class="ago" data-ago="2026-01-10T09:18:00Z">· 12 min ago</span>'
    )
    old = page.render(t="2023-04-12T09:18:00+02:00", now=now)
    assert old == '<time datetime="2023-04-12T07:18:00Z">2023-04-12 07:18 UTC</time>'
    assert page.render(t="2019-11-18", now=now) == "2019-11-18"
    assert page.render(t=None, now=now) == "never"
    assert "&lt;script&gt;" in page.render(t="<script>", now=now)


def test_quick_reads_run_on_the_event_loop_slow_work_on_threads(client):
    quick = (
        pages.article_page,
        pages_stories.story_page,
        pages_stories.stories_page,
        pages.search_json,
        api.api_article,
        api_stories.api_stories,
    )
    for endpoint in quick:
        assert inspect.iscoroutinefunction(endpoint), endpoint.__name__
    for endpoint in (pages.diff_page, pages.follow_form, api.api_diff, api.api_follow):
        assert not inspect.iscoroutinefunction(endpoint), endpoint.__name__
    for endpoint in (pages_stories.follow_form, api_stories.api_follow):
        assert not inspect.iscoroutinefunction(endpoint), endpoint.__name__
    missing = client.get("/api/articles/999999")
    assert missing.status_code == 404 and missing.json()["ok"] is False


def test_load_story_reads_what_the_stories_stage_stored(store: Store):
    from storyline.store.stories import story as stored_story

    found = stories(store)
    assert found
    with store.engine.connect() as conn:
        for expected in found:
            loaded = qs.load_story(conn, expected.id)
            assert loaded is not None
            story = stored_story(store, expected.id)
            assert (loaded.line.id, loaded.line.title) == (story.id, story.title)
            assert (loaded.line.first_seen, loaded.line.last_updated) == (
                story.first_seen,
                story.last_updated,
            )
            assert loaded.entities == [asdict(e) for e in story.entities]
            assert loaded.timeline == [asdict(t) for t in story.timeline]
            assert [url for _, url in loaded.members] == story.articles
        assert qs.load_story(conn, max(s.id for s in found) + 1) is None


def test_site_of_agrees_with_urlsplit():
    from urllib.parse import urlsplit

    from storyline.read.shapes import site_of

    truth = json.loads((SHARED / "data" / "extraction" / "ground-truth.json").read_text("utf-8"))
    urls = [page["url"] for page in truth.values()] + [
        "https://www.A.example/x",
        "http://a.example",
        "https://a.example?x=1",
        "https://a.example#f",
        "https://u:p@www.b.example:8080/x",
        "https://[::1]:80/x",
        "https://a.example%2F/x",
        "https://bücher.example/",
        "HTTPS://WWW.EXAMPLE.COM/",
        "https://www.example.com/path?q=http://other/",
        "ftp://x.example/y",
        "https:///x",
        "no-scheme",
    ]
    for url in urls:
        assert site_of(url) == (urlsplit(url).hostname or url).removeprefix("www."), url


def test_prepared_statements_read_what_sqlalchemy_reads(store: Store, news_db):
    found = stories(store)
    statements = [
        (q._PAGE, "page_id"),
        (q._HISTORY, "page_id"),
        (q._CHANGES_OF_PAGE, "page_id"),
        (qs._story_statements()[0], "page_id"),
        (qs._story_statements()[1], "story_id"),
        (qs._story_statements()[2], "story_id"),
        (qs._story_statements()[3], "story_id"),
        (qs._story_statements()[4], "story_id"),
    ]
    page_ids = [news_db.seed_id, *news_db.shared_ids, 10**9]
    with store.engine.connect() as conn:
        versions = [line.id for pid in page_ids[:-1] for line in q.version_lines(conn, pid)]
        rows = 0
        for prepared, name in [*statements, (q._ARTICLE, "version_id")]:
            ids = {"page_id": page_ids, "story_id": [s.id for s in found] + [10**9]}.get(
                name, versions
            )
            for value in ids:
                fast = prepared.all(conn, {name: value})
                slow = conn.execute(prepared.statement, {name: value}).all()
                assert [tuple(r) for r in fast] == [tuple(r) for r in slow]
                assert all(f._fields == tuple(s._fields) for f, s in zip(fast, slow, strict=True))
                rows += len(fast)
    assert rows > 50  # times, texts and JSON came back converted alike


def test_a_storys_lines_and_changes_equal_those_of_its_page_ids(store: Store):
    found = stories(store)
    checked = 0
    with store.engine.connect() as conn:
        for story in found:
            loaded = qs.load_story(conn, story.id)
            assert loaded is not None
            page_ids = sorted({pid for pid, _ in loaded.members})
            lines, _ = q.article_lines(conn, max(1, len(page_ids)), page_ids=page_ids)
            assert qs.story_article_lines(conn, story.id) == lines
            changed = [line.version_id for line in lines if line.version_count > 1]
            assert qs.story_latest_changes(conn, story.id) == q.changes_for(conn, changed)
            checked += len(changed)
    assert checked > 0  # some stories have articles with stored changes


def test_stored_article_dict_equals_the_long_way():
    from storyline.model import Article

    seed = (SHARED / "seed" / "danish-troops-leaving-mali.txt").read_text(encoding="utf-8")
    articles = [extract_text(seed)] + [extract_article(html, url) for url, html in shared_pages(6)]
    assert any(a.promos or a.related for a in articles)
    for article in articles:
        written = article.to_dict()
        assert stored_article_dict(json.dumps(written)) == _with_times(article.to_dict())
        # not as to_dict writes it: an older row, a hand edit, a stale body_text
        variants = [
            {k: v for k, v in written.items() if k != "navigation"},
            {**written, "extra": 1},
            {**written, "body_text": "stale"},
            {**written, "sections": [{"kind": "body", "paragraphs": ["plain string"]}]},
            {**written, "labels": "UPDATE"},
        ]
        for variant in variants:
            expected = Article.from_dict(json.loads(json.dumps(variant))).to_dict()
            assert stored_article_dict(json.dumps(variant)) == _with_times(expected)


def test_the_prepared_search_reads_what_sqlalchemy_reads(store: Store, news_db):
    """Every filter combination's and tier's ranked statement, run on SQLite's cursor,
    returns the rows (order, types, the in-body flag) that ``Connection.execute`` returns,
    with or without a transaction of its own."""
    words = ["troops", "mali", "the", "danish", "withdraw", "zzzznotaword"]
    params = {
        "site1": "http://127.0.0.1%",
        "site2": "https://127.0.0.1%",
        "site3": "%",
        "site4": "%",
        "entity": "%Mali%",
        "since": datetime(2000, 1, 1, tzinfo=UTC),
        "until": datetime(2100, 1, 1, tzinfo=UTC),
        "boundary": news_db.seed_id,
    }
    rows = 0
    with store.engine.connect() as conn:
        for flags in itertools.product([False, True], repeat=4):
            for tier in ("all", "recent", "older"):
                prepared = search_ranked._ranked(flags, tier)
                for word in words:
                    given = {**params, "match": f'"{word}"*', "limit": 21, "offset": 0}
                    with store.engine.connect() as other:
                        own = prepared.all(other, given, begin=False)
                        assert not other.in_transaction()
                    fast = prepared.all(conn, given)
                    slow = conn.execute(prepared.statement, given).all()
                    assert [tuple(r) for r in fast] == [tuple(r) for r in slow] == own
                    assert all(isinstance(r.fetched_at, datetime) for r in fast)
                    rows += len(fast)
    assert rows > 20
