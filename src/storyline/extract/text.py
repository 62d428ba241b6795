"""Pages that are already plain text: scraped corpora, text copied from a browser, the seed.

A text page has no markup, so its shape is read from layout: blank lines separate
blocks, a bullet starts a list item, a short line without a full stop followed by a
paragraph is a subheading, the first block is the headline and a second block that is
not a finished sentence is the standfirst. The blocks then go through the same
``structure_blocks`` as HTML pages, so updates, promos and teasers come out the same way.
"""

from __future__ import annotations

import re

from storyline.errors import InputError
from storyline.extract.blocks import Block
from storyline.extract.patterns import (
    BULLET,
    block_label,
    ends_sentence,
    headline_labels,
    is_navigation,
    is_rail_heading,
    promo_kind,
)
from storyline.extract.structure import structure_blocks
from storyline.model import Article

MAX_TEXT_CHARS = 20 * 1024 * 1024
HEADING_MAX_WORDS = 14
TITLE_MAX_WORDS = 40
STANDFIRST_WORDS = (5, 80)
_BLANK_LINES = re.compile(r"\n[ \t\u00a0\u3000]*\n")
_BYLINE = re.compile(r"^(?:by|af|von|av|par)\s+(?P<names>[^\d.!?]{2,80})$", re.IGNORECASE)
# Starts only where a run of spaces starts, so a long run is not rescanned from each space.
_NAME_SPLIT = re.compile(r"(?<!\s)\s*+(?:,|\band\b|\bog\b|\bund\b|&)\s*+", re.IGNORECASE)


def extract_text(text: str, url: str | None = None) -> Article:
    """Turn a plain-text page into an ``Article``: headline, standfirst, sections, rails."""
    if not isinstance(text, str):
        raise InputError("extract_text needs str; decode bytes first (see extract.decode)")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} cap")
    blocks = text_blocks(text)
    furniture, blocks = _take_leading_furniture(blocks)
    if not blocks:
        return Article(url=url, navigation=furniture, no_article=True)
    title, blocks = _take_title(blocks)
    standfirst, blocks = _take_standfirst(blocks)
    authors, blocks = _take_byline(blocks)
    body = structure_blocks(blocks)
    return Article(
        url=url,
        title=title,
        labels=headline_labels(title),
        standfirst=standfirst,
        authors=authors,
        sections=body.sections,
        promos=body.promos,
        related=body.related,
        navigation=furniture + body.navigation,
        no_article=not body.sections,
    )


def text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text page in reading order, with list items and subheadings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    blocks: list[Block] = []
    for chunk in _BLANK_LINES.split(text):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        blocks += _chunk_blocks([line for line in lines if line])
    return blocks


def _chunk_blocks(lines: list[str]) -> list[Block]:
    """One blank-line chunk: bullets apart, a leading subheading apart, the rest joined."""
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(Block(" ".join(pending)))
            pending.clear()

    for i, line in enumerate(lines):
        if BULLET.match(line):
            flush()
            blocks.append(Block(line, kind="list_item"))
        elif not pending and i + 1 < len(lines) and _is_heading_line(line, lines[i + 1]):
            blocks.append(Block(line, kind="heading"))
        else:
            pending.append(line)
    flush()
    return _mark_headings(blocks)


def _is_heading_line(line: str, following: str) -> bool:
    """A short unfinished line over a longer one that starts a new sentence: a subheading.

    A hard-wrapped paragraph also has short unfinished lines, but its next line goes on
    with the sentence (lower case); a subheading is followed by a fresh sentence.
    """
    return (
        len(line.split()) <= HEADING_MAX_WORDS
        and not ends_sentence(line)
        and len(following) > len(line)
        and _starts_sentence(line)
        and _starts_sentence(following)
        and _plain(line)
    )


def _starts_sentence(line: str) -> bool:
    first = line.lstrip("\"'“‘«(")[:1]
    return first.isupper() or first.isdigit()


def _mark_headings(blocks: list[Block]) -> list[Block]:
    """A one-line chunk reads as a heading when it is short and unfinished."""
    if len(blocks) == 1 and blocks[0].kind == "paragraph":
        text = blocks[0].text
        if len(text.split()) <= HEADING_MAX_WORDS and not ends_sentence(text) and _plain(text):
            blocks[0].kind = "heading"
    return blocks


def _plain(line: str) -> bool:
    """Not a label, promo or navigation line, which have their own rules."""
    return not (
        block_label(line) or promo_kind(line) or is_navigation(line) or is_rail_heading(line)
    )


def _take_leading_furniture(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """'Skip to content', 'Advertisement' and the like above the headline of a copied page."""
    for i, block in enumerate(blocks):
        if not is_navigation(block.text):
            return [b.text for b in blocks[:i]], blocks[i:]
    return [b.text for b in blocks], []


def _take_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    first = blocks[0]
    if len(first.text.split()) <= TITLE_MAX_WORDS and first.kind != "list_item":
        return first.text, blocks[1:]
    return None, blocks


def _take_standfirst(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """A second block that is a phrase, not a finished sentence, with text after it."""
    if len(blocks) < 2:
        return None, blocks
    first = blocks[0]
    words = len(first.text.split())
    low, high = STANDFIRST_WORDS
    if (
        low <= words <= high
        and not ends_sentence(first.text)
        and first.kind != "list_item"
        and _plain(first.text)
        and not _BYLINE.match(first.text)
    ):
        return first.text, blocks[1:]
    return None, blocks


def _take_byline(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """'By A and B' near the top: the authors, not body text."""
    for i, block in enumerate(blocks[:2]):
        found = _BYLINE.match(block.text)
        if found and len(block.text.split()) <= 12:
            names = [n.strip() for n in _NAME_SPLIT.split(found.group("names")) if n.strip()]
            return names, blocks[:i] + blocks[i + 1 :]
    return [], blocks
