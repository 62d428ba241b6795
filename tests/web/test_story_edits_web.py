"""Editing stories from the API, the story page's form and the CLI; kept across rethread."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from fixtures.newsroom import CORRECTION_PATH, TYPO_PATH, newsroom_settings

from storyline.cli import cli
from storyline.pipeline.stories import rethread
from storyline.store import Store
from storyline.stories.entities import NullRecognizer
from storyline.web.app import create_app


@pytest.fixture
def db(news_copy):
    return news_copy


def _ids(client, news_db) -> tuple[int, int, int]:
    """(seed article, bridge article, typo article) numbers."""
    found = []
    for path in (None, CORRECTION_PATH, TYPO_PATH):
        if path is None:
            found.append(news_db.seed_id)
            continue
        url = f"{news_db.room_base}{path}"
        found.append(client.get(f"/api/articles?url={url}").json()["items"][0]["id"])
    return found[0], found[1], found[2]


def _story(client, article: int) -> int:
    return client.get(f"/api/articles/{article}").json()["story"]["id"]


def test_edits_from_the_api_outlast_rethreading(db, news_db):
    with Store.open(db) as store, TestClient(create_app(store, newsroom_settings())) as client:
        seed, bridge, typo = _ids(client, news_db)
        target = _story(client, bridge)
        moved = client.post(f"/api/articles/{seed}/move", json={"story": target}).json()
        assert moved["story"] == target == _story(client, seed)
        merged = client.post(f"/api/stories/{_story(client, typo)}/merge", json={"into": target})
        assert merged.json()["story"] == target
        data = client.get(f"/api/stories/{target}").json()
        assert {a["id"] for a in data["articles"]} == {seed, bridge, typo}
        assert len(data["edits"]["pins"]) == 2
        renamed = client.post(f"/api/stories/{target}/rename", json={"title": "Local news"})
        assert renamed.status_code == 200
        split = client.post(f"/api/stories/{target}/split", json={"articles": [typo]}).json()
        assert split["story"] != target and _story(client, typo) == split["story"]
        rethread(store, recognizer=NullRecognizer())
        assert _story(client, seed) == _story(client, bridge) != _story(client, typo)
        assert client.get(f"/api/stories/{_story(client, seed)}").json()["title"] == "Local news"
        reset = client.post(f"/api/stories/{_story(client, seed)}/reset").json()
        assert reset["forgotten"] >= 2 and _story(client, seed) != _story(client, bridge)
        bad = client.post(f"/api/stories/{_story(client, bridge)}/split", json={"articles": [seed]})
        assert bad.status_code == 400 and bad.json()["ok"] is False


def test_edits_are_writes_read_only_refuses_them_and_a_token_guards_them(db, news_db):
    with Store.open(db) as store:
        with TestClient(create_app(store, newsroom_settings(), read_only=True)) as client:
            story = _story(client, news_db.seed_id)
            refused = client.post(f"/api/stories/{story}/rename", json={"title": "x"})
            assert refused.status_code == 403
            assert "Edit this story" not in client.get(f"/stories/{story}").text
        with TestClient(create_app(store, newsroom_settings(), token="s3cret")) as client:
            answer = client.post(f"/api/stories/{story}/rename", json={"title": "x"})
            assert answer.status_code == 401
            signed = {"Authorization": "Bearer s3cret"}
            answer = client.post(
                f"/api/stories/{story}/rename", json={"title": "x"}, headers=signed
            )
            assert answer.status_code == 200


def test_the_story_page_form_renames_and_splits(db, news_db):
    with Store.open(db) as store, TestClient(create_app(store, newsroom_settings())) as client:
        seed, bridge, _ = _ids(client, news_db)
        target = _story(client, bridge)
        client.post(f"/api/articles/{seed}/move", json={"story": target})
        page = client.get(f"/stories/{target}").text
        assert "Edit this story" in page and "Edited by hand" in page
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"csrf_token": csrf, "action": "rename", "title": "Two local stories"}
        done = client.post(f"/stories/{target}/edit", data=form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/stories/{target}"
        assert "<h1>Two local stories</h1>" in client.get(f"/stories/{target}").text
        form = {"csrf_token": csrf, "action": "split", "articles": str(seed)}
        done = client.post(f"/stories/{target}/edit", data=form, follow_redirects=False)
        assert (
            done.headers["location"] == f"/stories/{_story(client, seed)}" != f"/stories/{target}"
        )
        nothing = client.post(f"/stories/{target}/edit", data={"csrf_token": csrf, "action": "x"})
        assert nothing.status_code == 400


def test_storyline_edit_in_the_terminal(db, news_db):
    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, ["edit", *args, "--db", str(db)], obj={})
        assert result.exit_code == code, result.output
        return result.output

    with Store.open(db) as store, TestClient(create_app(store, newsroom_settings())) as client:
        seed, bridge, typo = _ids(client, news_db)
        target = _story(client, bridge)
    url = f"{news_db.room_base}/news/2022/01/danish-troops-leaving-mali"
    assert f"is now in story {target}" in run("move", url, "--to", str(target))
    assert "called 'Harbour and Mali'" in run("rename", str(target), "Harbour and Mali")
    assert "split off into story" in run("split", str(target), str(seed))
    assert "give --to STORY or --new" in run("move", str(typo), code=2)
    assert "no story 999" in run("merge", "999", str(target), code=1)
    with Store.open(db) as store, TestClient(create_app(store, newsroom_settings())) as client:
        assert _story(client, seed) != target
        assert client.get(f"/api/stories/{target}").json()["title"] == "Harbour and Mali"
