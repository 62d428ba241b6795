"""News structure: which blocks are the article's own words, and in which section.

Takes the flat ``Block`` list from ``html.py`` or ``text.py`` and returns sections plus
what was taken out (promos, related teasers, navigation). The same rules run for both
inputs, so a page copied as text and the same page as HTML come out alike.

Three passes over the blocks:

1. *roles*: each block is the article's text (``content``), a promo, navigation, a
   teaser, or a repeat of the headline or standfirst;
2. *teasers*: related-article cards and rails (``teasers.py``);
3. *sections*: the remaining text is cut into ``body``, ``update``, ``original``,
   ``correction``, ``editors_note`` and ``live_entry`` sections at the labels and markers
   the publisher wrote ("UPDATE:", "Original story", "Correction:", "14:32 GMT").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from storyline.extract import patterns
from storyline.extract.blocks import Block
from storyline.extract.teasers import find_teasers, norm
from storyline.extract.timestamps import iso_timestamp
from storyline.model import (
    PARAGRAPH_KINDS,
    Paragraph,
    ParagraphKind,
    Promo,
    Section,
    SectionKind,
    Teaser,
)

LINK_PROMO_DENSITY = 0.9
LINK_PROMO_MIN_WORDS = 6  # shorter links are names (products, bylines), not headlines
LINK_PROMO_MAX_WORDS = 25
LIVE_MIN_ENTRIES = 2
_ONE_BLOCK_KINDS: tuple[SectionKind, ...] = ("correction", "editors_note")


@dataclass
class StructuredBody:
    """The article's sections and the non-article pieces found among its blocks."""

    sections: list[Section] = field(default_factory=list)
    promos: list[Promo] = field(default_factory=list)
    related: list[Teaser] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)


def structure_blocks(blocks: list[Block], teasers: Iterable[Teaser] = ()) -> StructuredBody:
    """Sort blocks into the article's sections, promos, related teasers and navigation.

    ``teasers`` are cards a DOM scan (``rails.py``) already found in the page: blocks that
    repeat them are taken out of the text, and those no block repeats are kept too.
    """
    teasers = list(teasers)
    blocks = [b for b in blocks if b.text.strip()]
    roles = ["content"] * len(blocks)
    result = StructuredBody()
    for i, block in enumerate(blocks):
        if roles[i] == "content":
            roles[i] = _furniture_role(block, result)
    result.related = find_teasers(blocks, roles, teasers)
    dom_only = [t for t in teasers if norm(t.title) not in {norm(r.title) for r in result.related}]
    result.related += dom_only
    for i, block in enumerate(blocks):
        if roles[i] == "rail_heading":
            result.navigation.append(block.text)
    content = [
        (b, r) for b, r in zip(blocks, roles, strict=True) if r in ("content", "to_original")
    ]
    result.sections = _sections(content)
    return result


def _furniture_role(block: Block, result: StructuredBody) -> str:
    """``content`` for the article's words; else record the block as promo or navigation."""
    text = block.text.strip()
    if patterns.points_to_original(text):
        result.navigation.append(text)
        return "to_original"
    if patterns.is_navigation(text) and "timestamp" not in block.hints:
        result.navigation.append(text)
        return "navigation"
    if patterns.block_label(text) or patterns.sentence_kind(text):
        return "content"
    kind = patterns.promo_kind(text)
    if kind is None and patterns.is_credit(text) and not _is_link(block):
        kind = "credit"
    if kind is None and _is_link_promo(block):
        kind = "link"
    if kind is None:
        return "content"
    result.promos.append(Promo(text=text, url=block.url, kind=kind))
    return "promo"


def _is_link(block: Block) -> bool:
    """A list item or a mostly-linked block: a pointer somewhere, whatever its words."""
    return block.kind == "list_item" or block.link_density >= 0.5


def _is_link_promo(block: Block) -> bool:
    """A paragraph that is one link reading like a headline: a pointer to another article."""
    words = len(block.text.split())
    return (
        block.kind == "paragraph"
        and block.link_density >= LINK_PROMO_DENSITY
        and LINK_PROMO_MIN_WORDS <= words <= LINK_PROMO_MAX_WORDS
        and not patterns.ends_sentence(block.text)
    )


def _sections(content: list[tuple[Block, str]]) -> list[Section]:
    """Cut the article's own blocks into sections at labels, markers and live stamps."""
    stamps = [_live_stamp(b) for b, _ in content]
    live = sum(s is not None for s in stamps) >= LIVE_MIN_ENTRIES
    builder = _SectionBuilder()
    ahead = _original_ahead(content)
    for (block, role), stamp, original_ahead in zip(content, stamps, ahead, strict=True):
        if "timestamp" in block.hints and not live:
            continue  # a stamp from the page's markup, not words of the article
        if role == "to_original":
            builder.expect_original()
        elif live and stamp is not None:
            builder.start("live_entry", timestamp=stamp[0])
            builder.add(stamp[1], block.kind)
        else:
            builder.block(block, original_ahead)
    return builder.finish()


def _original_ahead(content: list[tuple[Block, str]]) -> list[bool]:
    """For each block: does an 'Original story' marker (or navigation to it) come later?"""
    ahead: list[bool] = []
    seen = False
    for block, role in reversed(content):
        ahead.append(seen)
        label = patterns.block_label(block.text)
        seen = seen or role == "to_original" or (label is not None and label.kind == "original")
    return ahead[::-1]


def _live_stamp(block: Block) -> tuple[str, str] | None:
    """(ISO stamp, text after it) when ``block`` opens a live-blog entry."""
    if "timestamp" in block.hints:
        return iso_timestamp(block.text), ""
    found = patterns.LIVE_STAMP.match(block.text) or patterns.ISO_STAMP.match(block.text)
    if found is None:
        return None
    groups = found.groupdict()
    raw = groups.get("stamp") or block.text[: found.start("tail")]
    return iso_timestamp(raw), (groups.get("rest") or "").strip()


class _SectionBuilder:
    """Collects paragraphs into sections as markers arrive, in reading order."""

    def __init__(self) -> None:
        self.sections: list[Section] = [Section("body")]
        # after a one-block note: the kind to go back to
        self.resume_kind: SectionKind | None = None
        self.note_open = False  # a note label without text: its text is the next block
        self.in_update_box = False  # the current update section came from the page's markup

    @property
    def current(self) -> Section:
        return self.sections[-1]

    def start(
        self, kind: SectionKind, heading: str | None = None, timestamp: str | None = None
    ) -> None:
        if kind == "original":
            self._promote_update()
        if not self.current.paragraphs and self.current.heading is None:
            self.sections[-1] = Section(kind, heading=heading, timestamp=timestamp)
        else:
            self.sections.append(Section(kind, heading=heading, timestamp=timestamp))

    def expect_original(self) -> None:
        """'Read more about the story below': what follows is the earlier text."""
        if self.current.kind != "original":
            self.start("original")

    def add(self, text: str, kind: str = "paragraph") -> None:
        if text:
            self.current.paragraphs.append(Paragraph(text, _paragraph_kind(kind)))

    def block(self, block: Block, original_ahead: bool = False) -> None:
        """Add one block of the article's text, opening sections at its labels."""
        if self.resume_kind and not self.note_open:
            self.start(self.resume_kind)
            self.resume_kind = None
        if self.note_open:
            self.note_open = False
            self.add(block.text, block.kind)
            return
        label = patterns.block_label(block.text)
        note = patterns.sentence_kind(block.text)
        if label is None and note is None:
            self._follow_update_box(block)
        if label is not None:
            self._labelled(label, block, original_ahead)
        elif note is not None:
            self._one_block(note, None)
            self.add(block.text, block.kind)
        else:
            self.add(block.text, block.kind)

    def _follow_update_box(self, block: Block) -> None:
        """Open an update section at a marked-up update box, close it after the box."""
        boxed = "update" in block.hints
        if boxed and self.current.kind != "update":
            self.start("update")
            self.in_update_box = True
        elif not boxed and self.in_update_box:
            self.start("body")
            self.in_update_box = False

    def _labelled(self, label: patterns.Label, block: Block, original_ahead: bool) -> None:
        """A labelled block. An update above the article with no 'Original story' below
        is that one block (or the one after a bare label); elsewhere it runs on."""
        self.in_update_box = False
        stamp = iso_timestamp(label.when) if label.when else None
        top_update = (
            label.kind == "update"
            and not original_ahead
            and not any(s.paragraphs for s in self.sections)
        )
        if label.kind in _ONE_BLOCK_KINDS or top_update:
            self._one_block(label.kind, label.label, stamp)
            self.note_open = not label.rest
        else:
            if label.kind == self.current.kind == "original" and not self.current.heading:
                self.current.heading = label.label
            else:
                self.start(label.kind, heading=label.label, timestamp=stamp)
        self.add(label.rest, block.kind)

    def _one_block(
        self, kind: SectionKind, heading: str | None, timestamp: str | None = None
    ) -> None:
        previous = self.current.kind
        self.start(kind, heading=heading, timestamp=timestamp)
        self.resume_kind = previous if previous not in _ONE_BLOCK_KINDS else "body"

    def _promote_update(self) -> None:
        """Text before an 'Original story' marker is the newer text: an update."""
        if any(s.kind == "update" for s in self.sections):
            return
        body = [s for s in self.sections if s.kind == "body" and s.paragraphs]
        if len(body) == 1 and body[0] is self.current:
            body[0].kind = "update"

    def finish(self) -> list[Section]:
        return [s for s in self.sections if s.paragraphs or s.heading]


def _paragraph_kind(kind: str) -> ParagraphKind:
    """A block's kind as a paragraph's: a kind paragraphs do not have reads as a paragraph."""
    return next((k for k in PARAGRAPH_KINDS if k == kind), "paragraph")
