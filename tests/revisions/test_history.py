"""A page's versions from all its captures at once agree with the version writer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.model import Article, Paragraph, Section
from storyline.revisions import compare_articles
from storyline.revisions.history import Sighting, version_runs
from storyline.store import Store

START = datetime(2024, 1, 1, tzinfo=UTC)
URL = "https://news.example/a"


def _article(text: str) -> Article:
    return Article(url=URL, title=text, sections=[Section("body", [Paragraph(f"{text} body.")])])


captures = st.lists(st.tuples(st.integers(0, 5), st.sampled_from("ABC")), min_size=1, max_size=9)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(arrivals=captures)
def test_version_runs_match_the_store_for_any_arrival_order(tmp_path_factory, arrivals):
    articles = {text: _article(text) for text in "ABC"}
    with Store.open(tmp_path_factory.mktemp("h") / "h.db") as store:
        for hour, text in arrivals:
            store.store_version(
                URL, START + timedelta(hours=hour), articles[text], compare=compare_articles
            )
        stored = [(v.fetched_at, v.content_hash, v.article.title) for v in store.versions(URL)]
    sightings = [
        Sighting(START + timedelta(hours=hour), articles[text].content_hash(), (i,), text)
        for i, (hour, text) in enumerate(arrivals)
    ]
    runs = version_runs(sightings)
    assert [(r.first.fetched_at, r.first.content_hash, r.first.payload) for r in runs] == stored
    assert [r.number for r in runs] == list(range(1, len(runs) + 1))
