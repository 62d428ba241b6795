"""Pages that are already plain text: scraped corpora, text copied from a browser."""

from __future__ import annotations

import re

from storyline.extract.blocks import Block
from storyline.extract.structure import structure_blocks
from storyline.model import Article

_BLANK_LINES = re.compile(r"\n\s*\n")


def extract_text(text: str, url: str | None = None) -> Article:
    """Turn a plain-text page into an ``Article``: first block headline, the rest body."""
    chunks = [" ".join(c.split()) for c in _BLANK_LINES.split(text.strip())]
    chunks = [c for c in chunks if c]
    if not chunks:
        return Article(url=url, no_article=True)
    title, rest = chunks[0], chunks[1:]
    body = structure_blocks([Block(c) for c in rest])
    return Article(
        url=url,
        title=title,
        sections=body.sections,
        promos=body.promos,
        related=body.related,
        navigation=body.navigation,
        no_article=not body.sections,
    )
