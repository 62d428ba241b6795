"""Fixtures for the stories tests: the seed article built from the shared seed page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.model import Article, Paragraph, Promo, Section

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "seed" / "danish-troops-leaving-mali.txt"
SEED_URL = "https://www.thelocal.dk/20220127/danish-troops-leaving-mali"


def seed_article(updated: bool = True) -> Article:
    """The seed as an Article: its update block and its original story, rails left out.

    Built here from the page's visible structure (headline, standfirst, update, "Original
    story", a bulleted rail), so these tests do not depend on the text extractor's
    progress. ``updated=False`` gives the page as it was before the update was added.
    """
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title, standfirst, rest = lines[0], lines[1], lines[2:]
    split = rest.index("Original story")
    update = rest[:split]
    original: list[str] = []
    promos: list[Promo] = []
    for line in rest[split + 1 :]:
        if line.startswith("•"):
            break
        if line.startswith("READ ALSO:"):
            promos.append(Promo(line))
        else:
            original.append(line)
    original_section = Section("original", [Paragraph(text) for text in original])
    if not updated:
        return Article(
            url=SEED_URL,
            title=re.sub(r"^UPDATE:\s*", "", title),
            site_name="The Local Denmark",
            published="2022-01-25",
            language="en",
            sections=[Section("body", original_section.paragraphs)],
            promos=promos,
        )
    return Article(
        url=SEED_URL,
        title=title,
        labels=["UPDATE"],
        standfirst=standfirst,
        site_name="The Local Denmark",
        published="2022-01-27",
        language="en",
        sections=[Section("update", [Paragraph(text) for text in update]), original_section],
        promos=promos,
    )


@pytest.fixture(scope="session")
def seed() -> Article:
    return seed_article()


@pytest.fixture
def make_seed():
    """The builder itself, for tests that need fresh copies or the earlier version."""
    return seed_article


@pytest.fixture(scope="session")
def recognizer():
    from storyline.stories.entities import SpacyRecognizer

    return SpacyRecognizer()
