"""The stories commands: stories, story, timeline, rethread."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.model import Article, Paragraph, Section
from storyline.pipeline import stories as story_pipeline
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.stories.entities import NullRecognizer

T0 = datetime(2022, 1, 27, 8, tzinfo=UTC)
HEADLINES = {
    "https://a.example/1": "latvia prime minister dombrovskis resigns over supermarket collapse",
    "https://b.example/2": "latvian prime minister dombrovskis resigns after riga collapse",
    "https://c.example/3": "nasa confirms water plumes on europa",
}


@pytest.fixture
def run(tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("STORYLINE_DB", str(db))
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "absent.toml"))
    with Store.open(db) as store:
        for offset, (url, title) in enumerate(HEADLINES.items()):
            article = Article(
                url=url,
                title=title,
                published="2022-01-27",
                sections=[Section("body", [Paragraph(title + " last night.")])],
            )
            store.store_version(
                url, T0 + timedelta(minutes=offset), article, compare=compare_articles
            )
        story_pipeline.thread_new_versions(store, list(HEADLINES), recognizer=NullRecognizer())
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, list(args), obj={}, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_stories_lists_each_story_with_its_outlets(run):
    listed = json.loads(run("stories", "--min-articles", "1", "--json"))["items"]
    assert sorted(s["article_count"] for s in listed) == [1, 2]
    latvia = next(s for s in listed if s["article_count"] == 2)
    assert latvia["sites"] == ["a.example", "b.example"]
    assert latvia["title"].startswith("lat")
    default = json.loads(run("stories", "--json"))  # one-article stories left out
    assert [s["id"] for s in default["items"]] == [latvia["id"]] and default["all"] == 2
    text = run("stories")
    assert f"#{latvia['id']}" in text and "2 articles from 2 outlets: a.example, b.example" in text
    assert json.loads(run("stories", "--since", "2030-01-01", "--json"))["items"] == []


def test_story_and_timeline(run):
    listed = json.loads(run("stories", "--json"))["items"]
    story_id = next(s["id"] for s in listed if s["article_count"] == 2)
    shown = json.loads(run("story", str(story_id), "--json"))
    assert shown["urls"] == list(HEADLINES)[:2]
    assert {e["date"] for e in shown["timeline"]} >= {"2022-01-26", "2022-01-27"}
    text = run("timeline", str(story_id))
    assert "2022-01-26" in text and "Mentioned" in text
    assert "Timeline:" in run("story", str(story_id))


def test_unknown_story_is_one_line_error(run):
    output = run("story", "999", code=1)
    assert "there is no story 999" in output


def test_rethread(run):
    report = json.loads(run("rethread", "--json"))
    assert report["stories"] == 2 and report["pages_threaded"] == 3
