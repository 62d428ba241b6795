"""Threading takes the copy detector's signature stored with a page instead of computing
the same MinHash again, and only where it is the signature of the version threaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storyline import duplicates
from storyline.config import Settings
from storyline.duplicates import NUM_PERM, Fingerprinter, text_signature
from storyline.model import Article, Paragraph, Section
from storyline.pipeline.copies import CopyIndexer
from storyline.pipeline.stories import thread_new_versions
from storyline.pipeline.storing import store_version
from storyline.revisions import compare_articles
from storyline.store import Store, schema, story_log
from storyline.store.duplicates import single_version_signatures
from storyline.stories.entities import NullRecognizer

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def _body(topic: str, n: int = 12) -> str:
    return " ".join(
        f"Report {i} on the {topic} says figure {i * 7} was confirmed." for i in range(n)
    )


def _article(url: str, title: str, body: str) -> Article:
    return Article(url=url, title=title, sections=[Section("body", [Paragraph(body)])])


def test_a_known_signature_is_the_one_computed_and_a_short_body_still_uses_its_words():
    body = _body("harbour")
    stored = Fingerprinter().signature(body)
    assert stored is not None
    assert text_signature(body, "", stored) == text_signature(body)
    assert len(text_signature(body, "", stored)) == NUM_PERM
    # a body too short to have a signature never takes one (an older version's)
    assert text_signature("too short", "Headline\ntoo short", stored) == "headline too short"
    # a signature of another length is not taken
    assert text_signature(body, "", stored[:64]) == text_signature(body)


def _logged(store: Store) -> dict[int, Any]:
    with store.reading("test") as conn:
        return {row.page_id: json.loads(row.features_json)["s"] for row in story_log.after(conn, 0)}


def _page_ids(store: Store) -> dict[str, int]:
    with store.reading("test") as conn:
        rows = conn.execute(select(schema.pages.c.url, schema.pages.c.id)).all()
    return {row.url: row.id for row in rows}


def test_threading_reuses_only_the_signature_of_the_version_it_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = CopyIndexer.from_settings(Settings())
    pages = {
        "https://a.example/one": ("Harbour baths open", _body("harbour")),
        "https://b.example/two": ("Flooding in Aarhus", _body("flooding")),
    }
    with Store.open(tmp_path / "s.db") as store:
        for n, (url, (title, body)) in enumerate(pages.items()):
            store_version(
                store, url, T0 + timedelta(minutes=n), _article(url, title, body), copies=copies
            )
        # a second version stored without the copy index: the page's stored signature
        # is its first version's, and must not be taken for the second
        later = _article("https://b.example/two", "Flooding spreads", _body("storm surge"))
        store.store_version(
            "https://b.example/two",
            T0 + timedelta(hours=1),
            later,
            compare=compare_articles,
        )
        ids = _page_ids(store)
        assert set(single_version_signatures(store, list(ids.values()))) == {
            ids["https://a.example/one"]
        }
        computed: list[str] = []
        real = duplicates._fingerprinter()

        class Counting:
            def signature(self, text: str) -> bytes | None:
                computed.append(text)
                return real.signature(text)

        monkeypatch.setattr(duplicates, "_fingerprinter", lambda: Counting())
        thread_new_versions(store, recognizer=NullRecognizer())
        logged = _logged(store)
    assert computed == [later.body_text]  # the first page's signature was reused
    for url, article in (
        (
            "https://a.example/one",
            _article("https://a.example/one", *pages["https://a.example/one"]),
        ),
        ("https://b.example/two", later),
    ):
        expected = text_signature(article.body_text)
        assert tuple(logged[ids[url]]) == expected
