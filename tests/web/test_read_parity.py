"""The CLI's ``--json`` and the web's JSON are one read layer: the same objects for
stories, a story, articles, versions, diffs, sources and "what's new"; and every time in
any of them is ISO 8601 with a zone, in one form."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from fixtures.databases import copy_database

from storyline.cli import cli
from storyline.store import Store
from storyline.web.app import create_app

ONE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_KEYS = {"first_seen", "last_updated", "last_changed", "published", "modified", "updated"}
DATE_ONLY_KEYS = {"published", "modified"}  # a page may give only the day


@pytest.fixture(scope="module")
def db(news_db, tmp_path_factory):
    """A copy of the filled database, with one story and one article followed."""
    return copy_database(news_db.path, tmp_path_factory.mktemp("parity") / "news.db")


@pytest.fixture(scope="module")
def api(db):
    from fixtures.newsroom import newsroom_settings

    with Store.open(db) as store, TestClient(create_app(store, newsroom_settings())) as c:
        yield c


def cli_json(db, *args: str) -> object:
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "--json"], obj={})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def seed_story(api, news_db) -> int:
    return api.get(f"/api/articles/{news_db.seed_id}").json()["story"]["id"]


def _follow_some(db, api, news_db) -> None:
    story = str(seed_story(api, news_db))
    for args in (("story", story), ("article", str(news_db.seed_id))):
        result = CliRunner().invoke(cli, ["news", "--db", str(db), "follow", *args], obj={})
        assert result.exit_code == 0, result.output


def pairs(api, news_db) -> list[tuple[list[str], str]]:
    seed, url = news_db.seed_id, f"{news_db.room_base}/news/2022/01/danish-troops-leaving-mali"
    story = seed_story(api, news_db)
    return [
        (["stories"], "/api/stories"),
        (["stories", "--min-articles", "1", "--limit", "3"], "/api/stories?min_articles=1&limit=3"),
        (
            ["stories", "--sort", "size", "--min-articles", "1"],
            "/api/stories?sort=size&min_articles=1",
        ),
        (["story", str(story)], f"/api/stories/{story}"),
        (["articles", "--limit", "50"], "/api/articles?limit=50"),
        (["articles", "--changed"], "/api/articles?changed_only=true&limit=100"),
        (["articles", "--url", url], f"/api/articles?url={url}"),
        (["versions", str(seed)], f"/api/articles/{seed}/versions"),
        (["versions", url], f"/api/articles/{seed}/versions"),
        (["diff", str(seed)], f"/api/articles/{seed}/diff"),
        (["diff", url, "1", "2"], f"/api/articles/{seed}/diff?a=1&b=2"),
        (["sources"], "/api/sources"),
        (["news"], "/api/news"),
    ]


def test_cli_json_and_the_api_return_the_same_objects(db, api, news_db):
    _follow_some(db, api, news_db)
    for args, path in pairs(api, news_db):
        answer = api.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert cli_json(db, *args) == answer.json(), (args, path)


def _time_fields(data: object, path: str = "") -> list[tuple[str, object]]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key.endswith("_at") or key in TIME_KEYS:
                found.append((f"{path}.{key}", value))
            found += _time_fields(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _time_fields(value, f"{path}[{i}]")
    return found


def _check_times(data: object, where: str) -> int:
    checked = 0
    for name, value in _time_fields(data):
        if value is None:
            continue
        assert isinstance(value, str), (where, name, value)
        key = name.rsplit(".", 1)[-1]
        if key in DATE_ONLY_KEYS and DAY.match(value):
            continue
        parsed = datetime.fromisoformat(value)
        assert parsed.tzinfo is not None, (where, name, value)
        assert ONE_FORM.match(value), (where, name, value)
        checked += 1
    return checked


def test_every_json_time_is_iso_8601_with_a_zone_in_one_form(db, api, news_db):
    _follow_some(db, api, news_db)
    spec = api.get("/openapi.json").json()
    seed, story = news_db.seed_id, seed_story(api, news_db)
    checked = 0
    for path, item in spec["paths"].items():
        if "get" not in item:
            continue
        concrete = path.replace("{page_id}", str(seed)).replace("{story_id}", str(story))
        concrete = concrete.replace("{number}", "1")
        answer = api.get(concrete)
        assert answer.status_code == 200, (concrete, answer.text)
        checked += _check_times(answer.json(), concrete)
    twins = ["/index.json", "/stories.json", "/articles.json", "/news.json", "/sources.json"]
    twins += [f"/articles/{seed}.json", f"/stories/{story}.json", "/search.json?q=Mali"]
    twins += [f"/articles/{seed}/diff.json", f"/articles/{seed}/versions/1.json"]
    for twin in twins:
        checked += _check_times(api.get(twin).json(), twin)
    for args, _ in pairs(api, news_db):
        checked += _check_times(cli_json(db, *args), " ".join(args))
    checked += _check_times(cli_json(db, "timeline", str(story)), "timeline")
    assert checked > 200
