"""The seed page as two versions: the published update, and the story before it.

The Article objects are built here from the seed's plain text, not through the
extractor, so these tests pin the revision rules on their own.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from storyline.model import Article, Paragraph, Section

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEED = SHARED / "seed" / "danish-troops-leaving-mali.txt"


def _seed_blocks() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def _paragraphs(block: str) -> list[Paragraph]:
    out = []
    for line in block.splitlines():
        line = " ".join(line.split())
        is_heading = len(line) < 60 and not line.endswith((".", "”", '"', "?", "!"))
        out.append(Paragraph(line, "heading" if is_heading else "paragraph"))
    return out


@pytest.fixture
def seed_updated() -> Article:
    """The seed as published: UPDATE headline, standfirst, update block, original story."""
    blocks = _seed_blocks()
    title, standfirst = blocks[0], " ".join(blocks[1].split())
    marker = next(i for i, b in enumerate(blocks) if b.lower() == "original story")
    end = next(i for i, b in enumerate(blocks) if b.startswith("•"))
    update = [p for b in blocks[2:marker] for p in _paragraphs(b)]
    original = [
        p for b in blocks[marker + 1 : end] if not b.startswith("READ ALSO") for p in _paragraphs(b)
    ]
    return Article(
        url="https://example.com/danish-troops",
        title=title,
        labels=["UPDATE"],
        standfirst=standfirst,
        sections=[Section("update", update), Section("original", original, "Original story")],
    )


@pytest.fixture
def seed_earlier(seed_updated: Article) -> Article:
    """The story before the update: plain headline, only the original story as the body."""
    original = seed_updated.section("original")
    assert original is not None
    return Article(
        url=seed_updated.url,
        title="Danish troops may be leaving Mali",
        sections=[Section("body", copy.deepcopy(original.paragraphs))],
    )
