"""News structure: which blocks are the article's own words, and in which section.

Takes the flat ``Block`` list from ``html.py`` or ``text.py`` and returns sections plus
what was taken out (promos, related teasers, navigation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.extract.blocks import Block
from storyline.model import Paragraph, Promo, Section, Teaser


@dataclass
class StructuredBody:
    """The article's sections and the non-article pieces found among its blocks."""

    sections: list[Section] = field(default_factory=list)
    promos: list[Promo] = field(default_factory=list)
    related: list[Teaser] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)


def structure_blocks(blocks: list[Block]) -> StructuredBody:
    """Group blocks into sections of the article."""
    paragraphs = [Paragraph(b.text, b.kind) for b in blocks if b.text.strip()]
    sections = [Section(kind="body", paragraphs=paragraphs)] if paragraphs else []
    return StructuredBody(sections=sections)
