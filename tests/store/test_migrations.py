"""Upgrading a database stored by an older storyline: migration 10 on a version-9 store."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert, select

from storyline.model import Article, Paragraph, Section
from storyline.revisions.factual import is_factual
from storyline.store import schema
from storyline.store.db import Store
from storyline.store.engine import create_store_engine, database_url
from storyline.store.migrations import MIGRATIONS, current_version, migrate
from storyline.store.page_facts import facts_table

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
EDITS = [
    ("The storm left 80 millimetres of rain.", "The storm left 85 millimetres of rain."),
    ("Talks resume on Monday.", "Talks resume on Tuesday."),
    ("The minister aproved the plan.", "The minister approved the plan."),
    ("Officials said the road was closed.", "Officials said the road is closed."),
]


def _version_nine(path):
    engine = create_store_engine(database_url(str(path), True), 30.0)
    assert migrate(engine, MIGRATIONS[:9]) == list(range(1, 10))
    article = Article(
        url="https://news.example/storm",
        title="Storm",
        site_name="The Example Times",
        published="2024-03-01",
        sections=[Section("body", [Paragraph("The storm left 85 millimetres of rain.")])],
    )
    with engine.begin() as conn:
        conn.execute(
            insert(schema.pages).values(
                id=1, url=article.url, first_seen=T0, latest_version_id=1, version_count=1
            )
        )
        conn.execute(
            insert(schema.versions).values(
                id=1,
                page_id=1,
                fetched_at=T0,
                content_hash="h1",
                title=article.title,
                article_json=json.dumps(article.to_dict()),
            )
        )
        conn.execute(
            insert(schema.changes),
            [
                {"version_id": 1, "position": i, "kind": "copy_edit", "before": b, "after": a}
                for i, (b, a) in enumerate(EDITS)
            ],
        )
    engine.dispose()


def test_migration_ten_names_factual_edits_and_fills_page_facts(tmp_path):
    path = tmp_path / "old.db"
    _version_nine(path)
    with Store.open(path) as store:
        with store.reading("checking") as conn:
            assert current_version(conn) == len(MIGRATIONS)
            kinds = (
                conn.execute(select(schema.changes.c.kind).order_by(schema.changes.c.position))
                .scalars()
                .all()
            )
            facts = conn.execute(select(facts_table)).one()
    assert kinds == ["factual", "factual", "copy_edit", "copy_edit"]
    # the frozen rule of the migration agrees with the stage's rule on these edits
    assert [is_factual(b, a) for b, a in EDITS] == [True, True, False, False]
    assert (facts.page_id, facts.version_id, facts.site_name) == (1, 1, "The Example Times")
    assert facts.published_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
