"""The web benchmark's database: N pages and M versions of realistic news, by bulk insert.

Bodies are the shared extraction pages' real article texts, headlines the shared story
headlines; later versions get the edits news pages get (UPDATE headline and block, a copy
edit, an added paragraph), with the matching change rows, the full-text index, and
stories of 1-12 articles with entities. Building 10,000 pages takes a few minutes, so
``ensure_database`` keeps the result beside a marker file and reuses it.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from storyline.model import Article, Paragraph, Section
from storyline.pipeline.storing import article_is_opinion
from storyline.store import Store, page_facts, schema
from storyline.store.search import create_search_index

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
NOW = datetime.now(UTC).replace(microsecond=0)


def texts() -> tuple[list[list[str]], list[str]]:
    """The shared pages' article bodies (as paragraphs) and the shared headlines."""
    truth = json.loads((SHARED / "extraction" / "ground-truth.json").read_text("utf-8"))
    bodies = [
        [p.strip() for p in v["articleBody"].split("\n") if p.strip()]
        for _, v in sorted(truth.items())
    ]
    bodies = [b for b in bodies if len(b) >= 3]
    heads = []
    with (SHARED / "stories" / "googlenews-titles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["textCleaned"].strip()
            if text:
                heads.append(text[0].upper() + text[1:])
    return bodies, heads


def _edit(article: Article, step: int, rng: random.Random) -> tuple[Article, list[dict]]:
    """The next version of ``article`` and its change rows, by the kind of edit news gets."""
    sections = [Section(s.kind, list(s.paragraphs), s.heading) for s in article.sections]
    body = sections[-1]
    kind = ("headline", "update_added", "copy_edit", "added")[step % 4]
    title = article.title or ""
    if kind == "headline":
        new_title = f"UPDATE: {title}" if not title.startswith("UPDATE") else title + " (video)"
        change = {"kind": "headline", "before": title, "after": new_title}
        title = new_title
    elif kind == "update_added":
        text = f"Officials gave new figures on day {step}: {rng.randint(2, 90)} in all."
        sections.insert(0, Section("update", [Paragraph(text)]))
        change = {"kind": "update_added", "after": text, "section": "update"}
    elif kind == "copy_edit":
        i = rng.randrange(len(body.paragraphs))
        old = body.paragraphs[i].text
        new = old.replace(" the ", " a ", 1) if " the " in old else old + "."
        body.paragraphs[i] = Paragraph(new)
        change = {"kind": "copy_edit", "before": old, "after": new, "section": "body"}
    else:
        text = f"This paragraph was added in revision {step + 1} with more detail on the events."
        body.paragraphs.append(Paragraph(text))
        change = {"kind": "added", "after": text, "section": "body"}
    new = Article(
        url=article.url,
        title=title,
        sections=sections,
        authors=article.authors,
        published=article.published,
        site_name=article.site_name,
    )
    return new, [change]


@dataclass
class _Batch:
    """Rows waiting for one bulk insert; ids are given here so versions and changes link."""

    pages: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    version_id: int = 0
    change_id: int = 0

    def add_page(
        self,
        page: int,
        n_sites: int,
        count: int,
        heads: list[str],
        bodies: list[list[str]],
        rng: random.Random,
    ) -> None:
        """One page with ``count`` versions, each later one a realistic edit of the last."""
        site = page % n_sites
        url = f"https://site{site}.example/news/{page}"
        first_seen = NOW - timedelta(minutes=rng.randrange(30 * 24 * 60))
        article = Article(
            url=url,
            title=heads[page % len(heads)],
            site_name=f"Site {site}",
            sections=[Section("body", [Paragraph(t) for t in bodies[page % len(bodies)]])],
            published=first_seen.date().isoformat(),
        )
        at = first_seen
        for step in range(count):
            changes: list[dict] = []
            if step:
                article, changes = _edit(article, step, rng)
                at = min(NOW, at + timedelta(minutes=rng.randrange(10, 600)))
            self._add_version(page + 1, at, article, changes)
        self.pages.append(
            {
                "id": page + 1,
                "url": url,
                "source_id": site + 1,
                "first_seen": first_seen,
                "title": article.title,
                "next_visit_at": at + timedelta(hours=3),
                "last_visit_at": at,
                "failures": 0,
                "last_status": 200,
                "latest_version_id": self.version_id,
                "version_count": count,
            }
        )

    def _add_version(
        self, page_id: int, at: datetime, article: Article, changes: list[dict]
    ) -> None:
        """A version row for ``article`` and a row for each of its changes."""
        self.version_id += 1
        self.versions.append(
            {
                "id": self.version_id,
                "page_id": page_id,
                "fetched_at": at,
                "content_hash": article.content_hash(),
                "title": article.title,
                "text_length": len(article.body_text),
                "article_json": json.dumps(article.to_dict(), ensure_ascii=False),
            }
        )
        for pos, change in enumerate(changes):
            self.change_id += 1
            self.changes.append(
                {
                    "id": self.change_id,
                    "version_id": self.version_id,
                    "position": pos,
                    "kind": change["kind"],
                    "section": change.get("section"),
                    "before": change.get("before"),
                    "after": change.get("after"),
                }
            )


def build_database(path: Path, n_pages: int, n_versions: int, seed: int = 7) -> dict[str, int]:
    """Fill ``path`` with ``n_pages`` pages and about ``n_versions`` versions (bulk insert)."""
    rng = random.Random(seed)
    bodies, heads = texts()
    store = Store.open(path)
    n_sites = 40
    with store.engine.begin() as conn:
        conn.execute(
            insert(schema.sources),
            [
                {
                    "id": s + 1,
                    "url": f"https://site{s}.example/rss.xml",
                    "kind": "feed",
                    "title": f"Site {s}",
                    "interval_s": 900.0,
                    "added_at": NOW - timedelta(days=40),
                    "next_visit_at": NOW + timedelta(minutes=s),
                    "last_visit_at": NOW,
                    "failures": 0,
                    "last_status": 200,
                }
                for s in range(n_sites)
            ],
        )
    extra = n_versions - n_pages
    counts = [1] * n_pages
    for _ in range(max(0, extra)):
        counts[min(int(rng.paretovariate(1.2)) - 1 + rng.randrange(n_pages // 2), n_pages - 1)] += 1
    batch = _Batch()
    for page in range(n_pages):
        batch.add_page(page, n_sites, counts[page], heads, bodies, rng)
        if len(batch.versions) > 5000 or page == n_pages - 1:
            _flush(store, batch.pages, batch.versions, batch.changes)
    with store.engine.begin() as conn:
        conn.execute(
            insert(schema.captures).from_select(
                ["page_id", "fetched_at", "content_hash"],
                select(
                    schema.versions.c.page_id,
                    schema.versions.c.fetched_at,
                    schema.versions.c.content_hash,
                ),
            )
        )
        create_search_index(conn)
        # the version writer keeps them; bulk inserts do not
        page_facts.backfill(conn, article_is_opinion)
    _build_stories(store, n_pages, rng)
    counts_now = store.counts()
    with store.engine.connect() as conn:
        counts_now["stories"] = conn.execute(
            select(func.count()).select_from(_stories_table())
        ).scalar_one()
    store.close()
    return counts_now


def _stories_table():  # noqa: ANN202 (a SQLAlchemy Table)
    from storyline.store.stories import stories_table

    return stories_table


def _flush(store: Store, pages: list[dict], versions: list[dict], changes: list[dict]) -> None:
    with store.engine.begin() as conn:
        if pages:
            conn.execute(insert(schema.pages), pages)
        conn.execute(insert(schema.versions), versions)
        if changes:
            conn.execute(insert(schema.changes), changes)
    pages.clear(), versions.clear(), changes.clear()


def _build_stories(store: Store, n_pages: int, rng: random.Random) -> None:
    """Group the pages into stories of 1-12 articles, written as the stories stage does."""
    from storyline.store.stories import items, stories_table

    p, v = schema.pages, schema.versions
    with store.engine.connect() as conn:
        pages = conn.execute(
            select(p.c.id, p.c.first_seen, p.c.latest_version_id, v.c.fetched_at, v.c.title)
            .join(v, v.c.id == p.c.latest_version_id)
            .order_by(p.c.first_seen)
        ).all()
    story_rows, item_rows, index = [], [], 0
    while index < len(pages):
        size = min(len(pages) - index, rng.choice((1, 1, 2, 3, 4, 6, 8, 12)))
        members = pages[index : index + size]
        index += size
        story, story_items = _story(len(story_rows) + 1, members, len(item_rows), rng)
        story_rows.append(story)
        item_rows += story_items
    with store.engine.begin() as conn:
        conn.execute(insert(stories_table), story_rows)
        conn.execute(insert(items), item_rows)


_ENTITY_POOL = [
    "Denmark",
    "Mali",
    "France",
    "Jeppe Kofod",
    "European Union",
    "NATO",
    "United Nations",
    "Wagner Group",
    "Russia",
    "Germany",
]


def _story(
    story_id: int, members: list[Any], seq: int, rng: random.Random
) -> tuple[dict, list[dict]]:
    """The story row of ``members`` (three entities, a published event each) and its items
    (numbered on from ``seq``)."""
    entities = [
        {"name": n, "kind": "place", "aliases": [], "mentions": rng.randint(1, 9)}
        for n in rng.sample(_ENTITY_POOL, 3)
    ]
    timeline = [
        {
            "date": m.first_seen.isoformat(),
            "kind": "published",
            "text": m.title,
            "url": None,
            "end": None,
        }
        for m in members
    ]
    story = {
        "id": story_id,
        "title": members[0].title,
        "article_count": len(members),
        "first_seen": members[0].first_seen,
        "last_updated": max(m.fetched_at for m in members),
        "entities_json": json.dumps(entities),
        "timeline_json": json.dumps(timeline),
    }
    items = [
        {
            "page_id": member.id,
            "seq": seq + i,
            "version_id": member.latest_version_id,
            "thread_time": member.first_seen.timestamp(),
            "entities_json": json.dumps(entities),
            "story_id": story_id,
        }
        for i, member in enumerate(members, 1)
    ]
    return story, items


def marker_of(db: Path, n_pages: int, n_versions: int) -> Path:
    """The file that says ``db`` was built complete with these sizes (and holds its counts)."""
    return db.with_suffix(f".{n_pages}-{n_versions}-v2.ok")


def ensure_database(db: Path, n_pages: int, n_versions: int) -> dict[str, int]:
    """The row counts of ``db``, built first unless a complete build of that size is there."""
    marker = marker_of(db, n_pages, n_versions)
    if not marker.exists():
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
        db.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        counts = build_database(db, n_pages, n_versions)
        print(f"built {counts} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        marker.write_text(json.dumps(counts))
    return json.loads(marker.read_text())
