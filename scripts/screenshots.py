"""Screenshots of the web app for docs/screenshots/: home, stories, story, article, diff
and "new since last visit", at 1280 and 390 px wide, over a demonstration database.

The database is filled the way storyline fills one: the local newsroom (tests/fixtures)
is followed and polled through the real pipeline (the seed story and its UPDATE), and an
invented story told by three invented outlets over three days is stored version by
version (an update, a correction that changes a figure, an opinion piece); everything is
threaded by the stories stage. The reader follows the invented story, then a day of news
arrives, so the "what's new" page has something to show. No real outlet's text is in it
but the seed page's, which the repository already carries.

Usage: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
Needs Debian's chromium and chromedriver, and selenium (the test extra).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "web")]

from browsing import chrome, serving, set_width, shot  # noqa: E402
from fixtures.newsroom import SEED_PATH, Newsroom, newsroom_settings  # noqa: E402

from storyline import pipeline  # noqa: E402
from storyline.model import Article, Paragraph, Section  # noqa: E402
from storyline.pipeline.stories import rethread, thread_new_versions  # noqa: E402
from storyline.revisions import compare_articles  # noqa: E402
from storyline.sources.fetch import Fetcher  # noqa: E402
from storyline.store import Store, readers  # noqa: E402

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
DAY1 = NOW - timedelta(days=2, hours=6)
WEEKDAY = f"{DAY1:%A}"  # "on Thursday" must be the day it happened
NEXT_DAY = f"{DAY1 + timedelta(days=1):%A}"
OUTLETS = {
    "herald": ("https://harbourherald.example", "Harbour Herald"),
    "post": ("https://citypost.example", "City Post"),
    "radio": ("https://radionorth.example", "Radio North"),
}
BRIDGE = (
    "The bridge, which opened in 1972, carries about 40,000 cars a day between the old "
    "town and the northern districts."
)


def _article(outlet: str, slug: str, title: str, hours: float, paragraphs: list[str]) -> Article:
    base, name = OUTLETS[outlet]
    return Article(
        url=f"{base}/news/{slug}",
        title=title,
        site_name=name,
        language="en",
        authors=[f"{name} staff"],
        published=(DAY1 + timedelta(hours=hours)).isoformat(),
        sections=[Section("body", [Paragraph(p) for p in paragraphs])],
    )


def first_days() -> list[tuple[Article, float]]:
    """The story's first two days: (article, hours after the first report it was seen)."""
    return [
        (
            _article(
                "herald",
                "bridge-crack",
                "Harbour bridge closed after crack found in deck",
                0,
                [
                    f"The harbour bridge was closed to all traffic on {WEEKDAY} morning after "
                    "inspectors found a crack in its concrete deck.",
                    "Police diverted cars through the tunnel, and buses were rerouted.",
                    BRIDGE,
                    "The city's chief engineer, Maria Holm, said it was too early to say how "
                    "long repairs would take.",
                ],
            ),
            0.2,
        ),
        (
            _article(
                "post",
                "bridge-traffic",
                "Crack in harbour bridge: traffic diverted for weeks",
                1.5,
                [
                    "Drivers face weeks of detours after a crack was found in the harbour "
                    f"bridge on {WEEKDAY}, the city council said.",
                    "Ferries will run every 40 minutes between the two quays until it reopens.",
                    "Mayor Lars Berg asked commuters to work from home where they can.",
                    BRIDGE,
                ],
            ),
            1.8,
        ),
        (
            _article(
                "radio",
                "commuters-detours",
                "Commuters face long detours as harbour bridge shuts",
                5,
                [
                    f"Commuters spent up to an hour longer on the road on {WEEKDAY} evening "
                    "after the harbour bridge was closed.",
                    "The tunnel, the only other crossing, was jammed from four o'clock.",
                ],
            ),
            5.1,
        ),
        (
            _article(
                "herald",
                "repairs-six-weeks",
                "Engineers: harbour bridge repairs to take at least six weeks",
                24,
                [
                    "Repairing the cracked deck of the harbour bridge will take at least six "
                    f"weeks, the city's chief engineer, Maria Holm, said on {NEXT_DAY}.",
                    "The bridge will stay closed to cars while the work goes on; cyclists "
                    "may be let across on one lane.",
                ],
            ),
            24.3,
        ),
    ]


def _later(
    article: Article, at: datetime, title: str | None, top: list[str], edit: tuple[str, str]
) -> Article:
    """A later version modified at ``at``: maybe a new headline, an update block on top,
    one sentence edited."""
    old, new = edit
    body = [Paragraph(p.text.replace(old, new)) for p in article.sections[0].paragraphs]
    sections = [Section("body", body)]
    if top:
        sections.insert(0, Section("update", [Paragraph(t) for t in top]))
    return replace(
        article, title=title or article.title, sections=sections, modified=at.isoformat()
    )


def fill(store: Store) -> None:
    """The invented story, its first days, and the herald's update on day one."""
    for article, seen in first_days():
        store.store_version(
            article.url, DAY1 + timedelta(hours=seen), article, compare=compare_articles
        )
    first = first_days()[0][0]
    at = DAY1 + timedelta(hours=7)
    update = _later(
        first,
        at,
        "UPDATE: Harbour bridge closed after crack found in deck",
        ["UPDATE: Police say the bridge will stay shut at least through the weekend."],
        ("", ""),
    )
    store.store_version(first.url, at, update, compare=compare_articles)


def next_day(store: Store) -> None:
    """A day of news after the reader last looked: a correction that changes a figure, a
    new article, an opinion piece."""
    post = first_days()[1][0]
    at = NOW - timedelta(hours=20)
    corrected = _later(post, at, None, [], ("every 40 minutes", "every 20 minutes"))
    corrected.sections[0].paragraphs.append(
        Paragraph(
            "Correction: An earlier version of this article said the ferries run every 40 "
            "minutes. They run every 20 minutes."
        )
    )
    store.store_version(post.url, at, corrected, compare=compare_articles)
    review = _article(
        "radio",
        "inspections-review",
        "Council to review bridge inspections after harbour crack",
        44,
        [
            "The city council will review how its bridges are inspected after the crack in "
            "the harbour bridge went unnoticed at the last inspection in March.",
            "The review is to report before the summer.",
        ],
    )
    store.store_version(review.url, NOW - timedelta(hours=9), review, compare=compare_articles)
    opinion = _article(
        "post",
        "opinion/bridge-neglect",
        "Opinion: The harbour bridge crack was years in the making",
        47,
        ["Every budget since 2015 has put off the deck repairs the engineers asked for."],
    )
    store.store_version(opinion.url, NOW - timedelta(hours=5), opinion, compare=compare_articles)


def build(path: Path) -> tuple[Store, Newsroom, dict[str, int]]:
    """The demonstration database at ``path``; the newsroom keeps running (the caller
    stops it)."""
    settings = newsroom_settings()
    room = Newsroom().start()
    store = Store.open(path)
    with Fetcher(settings) as fetcher:
        pipeline.follow(store, fetcher, room.url("/feeds/rss.xml"))
        pipeline.poll(store, fetcher, settings, visit_all=True)
        pipeline.poll(store, fetcher, settings, visit_all=True)
    fill(store)
    rethread(store)
    herald = store.page(first_days()[0][0].url).id
    reader = readers.reader_id(store, None, NOW - timedelta(days=1))
    readers.follow(store, reader, "story", herald, NOW - timedelta(days=1))
    next_day(store)
    thread_new_versions(store)
    ids = {
        "seed": store.page(room.url(SEED_PATH)).id,
        "corrected": store.page(first_days()[1][0].url).id,
        "herald": herald,
    }
    return store, room, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, room, ids = build(Path(tmp) / "demo.db")
        try:
            with serving(store, newsroom_settings()) as url, chrome(Path(tmp) / "p") as driver:
                story = _story_href(driver, url, ids["herald"])
                pages = {
                    "news": "/news",  # first: opening the story marks it seen
                    "home": "/",
                    "stories": "/stories?min_articles=1",
                    "story": story,
                    "article": f"/articles/{ids['seed']}",
                    "diff": f"/articles/{ids['corrected']}/diff",
                }
                for name, path in pages.items():
                    for width in (1280, 390):
                        set_width(driver, width)
                        driver.get(url + path)
                        print(shot(driver, f"{name}-{width}", args.out))
        finally:
            store.close()
            room.close()


def _story_href(driver: object, url: str, page_id: int) -> str:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{url}/api/articles/{page_id}") as answer:  # noqa: S310
        return str(json.loads(answer.read())["story"]["href"])


if __name__ == "__main__":
    main()
