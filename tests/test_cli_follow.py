"""The follow/revision commands, run through click against the local newsroom."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from fixtures.newsroom import SEED_PATH, STABLE_PATH

from storyline.cli import cli
from storyline.durations import parse_duration, parse_time
from storyline.errors import ConfigError, InputError
from storyline.feedlist import load_feed_list


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke storyline with a fresh database, no throttle delay and no config file."""
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("STORYLINE_THROTTLE_DELAY", "0")
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(cli, list(args), obj={}, catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return invoke


def test_poll_says_why_nothing_was_due_and_when_the_next_visit_is(newsroom, run):
    assert "nothing is followed yet" in run("poll").output
    run("follow", newsroom.url("/feeds/rss.xml"), "--every", "1h", "--allow-private")
    run("poll", "--allow-private")
    again = run("poll", "--allow-private").output
    assert "0 source(s) read" in again and "nothing was due" in again
    assert " UTC (in " in again  # the next visit, absolute and relative
    due = json.loads(run("poll", "--json", "--allow-private").output)["next_due"]
    assert datetime.fromisoformat(due) > datetime.now(UTC)


def test_follow_poll_versions_diff_articles(newsroom, run):
    out = run("follow", newsroom.url("/feeds/rss.xml"), "--every", "10m", "--allow-private")
    assert "following feed" in out.output and "every 10m" in out.output
    sources = json.loads(run("sources", "--json").output)["items"]
    assert sources[0]["interval_s"] == 600 and sources[0]["kind"] == "feed"
    first = json.loads(run("poll", "--json", "--allow-private").output)
    assert first["new"] >= 4 and first["failures"][0]["url"].endswith("embargoed-report")
    run("poll", "--all", "--allow-private")
    seed = newsroom.url(SEED_PATH)
    versions = json.loads(run("versions", seed, "--json").output)["items"][::-1]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["summary"] == "first version"
    assert "headline changed" in versions[1]["summary"] and "update added" in versions[1]["summary"]
    assert "UPDATE: Danish troops leaving Mali" in run("versions", seed).output
    diff = json.loads(run("diff", seed, "--json").output)
    assert (diff["a"], diff["b"]) == (1, 2)
    assert {"op": "insert", "text": "UPDATE:"} in diff["diff"]["headline"] or any(
        s["op"] == "insert" and "UPDATE" in s["text"] for s in diff["diff"]["headline"]
    )
    plain = run("diff", seed, "1", "2", "--no-color").output
    assert "\x1b[" not in plain and "UPDATE" in plain
    assert "\x1b[" in run("diff", seed, "--color").output
    changed = json.loads(run("articles", "--changed", "--json").output)["items"]
    assert seed in {a["url"] for a in changed}
    assert newsroom.url(STABLE_PATH) not in {a["url"] for a in changed}
    assert "Danish troops" in run("articles", "--since", "1h").output
    assert run("articles", "--since", "2030-01-01").output == ""
    first_page = json.loads(run("articles", "--limit", "1", "--json").output)
    second_page = json.loads(
        run("articles", "--limit", "1", "--cursor", first_page["next_cursor"], "--json").output
    )
    assert first_page["items"][0]["url"] != second_page["items"][0]["url"]
    assert "more: --cursor" in run("articles", "--limit", "1").output
    assert "0 version(s) changed" in run("reextract").output
    assert "stopped following" in run("unfollow", newsroom.url("/feeds/rss.xml")).output
    assert json.loads(run("sources", "--json").output)["items"] == []


def test_user_errors_are_one_line_and_exit_1(newsroom, run, tmp_path):
    missing = run("versions", "https://nowhere.example/a", ok=False)  # no database yet
    assert missing.output.startswith("error: no database at") and "cli.db" in missing.output
    assert not (tmp_path / "cli.db").exists()  # a read command never creates one
    run("follow", newsroom.url("/feeds/rss.xml"), "--allow-private")
    result = run("versions", "https://nowhere.example/a", ok=False)
    assert result.output.strip().startswith("error:") and "storyline articles" in result.output
    assert "Traceback" not in result.output
    every = run("follow", "http://x.example/", "--every", "soon", ok=False).output
    assert "not a duration" in every
    assert "has no unit" in run("follow", "http://x.example/", "--every", "90", ok=False).output
    assert "under a minute" in run("follow", "http://x.example/", "--every", "30s", ok=False).output
    blocked = run("follow", newsroom.url("/feeds/rss.xml"), ok=False)  # no --allow-private
    assert "could not follow" in blocked.output
    assert "give both" in run("diff", "https://a.example/", "1", ok=False).output
    run("unfollow", "https://nowhere.example/feed", ok=False)


def test_follow_from_a_feed_list_works_offline(tmp_path, run):
    listing = tmp_path / "feeds.toml"
    listing.write_text(
        '[[feeds]]\nname = "Offline"\nurl = "https://offline.invalid/rss"\n'
        'kind = "feed"\nevery = "1h"\n'
    )
    assert (
        "following feed https://offline.invalid/rss every 1h"
        in run("follow", "--from", str(listing)).output
    )
    report = json.loads(run("poll", "--json").output)
    assert report["sources_polled"] == 1 and report["failures"][0]["url"].endswith("/rss")


def test_the_shipped_feed_list_loads_and_has_the_seed_publisher():
    from pathlib import Path

    entries = load_feed_list(Path(__file__).resolve().parents[1] / "config" / "feeds.toml")
    assert "https://www.thelocal.dk/feeds/rss.php" in {e.url for e in entries}
    assert len(entries) >= 5 and all(e.kind == "feed" and e.every_s for e in entries)


def test_feed_list_errors_name_the_entry(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[feeds]]\nurl = "https://a.example/rss"\nkind = "podcast"\n')
    with pytest.raises(ConfigError, match="feed #1: kind must be"):
        load_feed_list(bad)
    bad.write_text('[[feeds]]\nname = "no url"\n')
    with pytest.raises(ConfigError, match="needs a url"):
        load_feed_list(bad)


def test_durations_and_times():
    assert [parse_duration(t) for t in ("90", "90s", "15m", "1h", "2d", "1.5h")] == [
        90,
        90,
        900,
        3600,
        172800,
        5400,
    ]
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert parse_time("2h", now) == now - timedelta(hours=2)
    assert parse_time("2026-11-01", now) == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_time("2026-11-01T08:00+01:00", now).astimezone(UTC).hour == 7
    for bad in ("soon", "0m", "-5m"):
        with pytest.raises(InputError):
            parse_duration(bad)
    with pytest.raises(InputError, match="not a time"):
        parse_time("yesterday-ish", now)
