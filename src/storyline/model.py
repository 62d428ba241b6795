"""The data model: plain dataclasses that every stage takes and returns.

Dates inside an ``Article`` (``published``, ``modified``, a live entry's ``timestamp``) are
ISO 8601 strings as the page states them: a page may give a date without a time, and
turning that into midnight UTC would invent precision. Times that storyline itself
records (``Version.fetched_at``, ``Story.first_seen``) are timezone-aware ``datetime``s.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, get_args

SectionKind = Literal["body", "update", "original", "correction", "editors_note", "live_entry"]
ParagraphKind = Literal["paragraph", "heading", "quote", "list_item"]
ChangeKind = Literal[
    "headline",
    "update_added",
    "correction",
    "factual",
    "copy_edit",
    "added",
    "removed",
    "moved",
]
# A story's timeline: a publication, an update or correction block, a dated statement
# (``background``: one dated well before the article that states it).
TimelineKind = Literal["published", "update", "correction", "statement", "background"]

# The same kinds as tuples, for code that lists or checks them at run time.
SECTION_KINDS: tuple[SectionKind, ...] = get_args(SectionKind)
PARAGRAPH_KINDS: tuple[ParagraphKind, ...] = get_args(ParagraphKind)
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
TIMELINE_KINDS: tuple[TimelineKind, ...] = get_args(TimelineKind)


@dataclass
class Paragraph:
    """One block of an article's text; subheadings are paragraphs of kind ``heading``."""

    text: str
    kind: ParagraphKind = "paragraph"

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str) -> Paragraph:
        if isinstance(data, str):
            return cls(text=data)
        return cls(text=data["text"], kind=data.get("kind", "paragraph"))


@dataclass
class Section:
    """A run of the article's own text: the body, an update block, the original story..."""

    kind: SectionKind = "body"
    paragraphs: list[Paragraph] = field(default_factory=list)
    heading: str | None = None
    timestamp: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(
            kind=data.get("kind", "body"),
            paragraphs=[Paragraph.from_dict(p) for p in data.get("paragraphs", [])],
            heading=data.get("heading"),
            timestamp=data.get("timestamp"),
        )


@dataclass
class Promo:
    """An in-body promotion taken out of the text (``READ ALSO: ...``, a sign-up box)."""

    text: str
    url: str | None = None
    kind: str = "read_also"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Promo:
        return cls(text=data["text"], url=data.get("url"), kind=data.get("kind", "read_also"))


@dataclass
class Teaser:
    """A related-article card from a rail after the article."""

    title: str
    summary: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Teaser:
        return cls(title=data["title"], summary=data.get("summary"), url=data.get("url"))


@dataclass
class Article:
    """One page's article: metadata, its own words in sections, and what was taken out."""

    url: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    labels: list[str] = field(default_factory=list)
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    sections: list[Section] = field(default_factory=list)
    promos: list[Promo] = field(default_factory=list)
    related: list[Teaser] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)
    no_article: bool = False

    @property
    def body_text(self) -> str:
        """The article's own words, every section, without promos, teasers or navigation."""
        parts: list[str] = []
        for section in self.sections:
            if section.heading:
                parts.append(section.heading)
            parts.extend(p.text for p in section.paragraphs)
        return "\n".join(parts)

    def section(self, kind: SectionKind) -> Section | None:
        """The first section of ``kind``, or ``None`` when the article has none."""
        return next((s for s in self.sections if s.kind == kind), None)

    def content_hash(self) -> str:
        """Hash of what the publisher wrote: title, standfirst, authors, sections.

        Promos, related rails and navigation are left out: they change on every visit
        without the article changing.
        """
        payload = {
            "title": self.title,
            "standfirst": self.standfirst,
            "authors": self.authors,
            "sections": [asdict(s) for s in self.sections],
        }
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(data).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``body_text`` is included for readers, ignored on the way back."""
        data = asdict(self)
        data["body_text"] = self.body_text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["sections"] = [Section.from_dict(s) for s in data.get("sections", [])]
        kwargs["promos"] = [Promo.from_dict(p) for p in data.get("promos", [])]
        kwargs["related"] = [Teaser.from_dict(t) for t in data.get("related", [])]
        kwargs["labels"] = list(data.get("labels", []))
        kwargs["authors"] = list(data.get("authors", []))
        kwargs["navigation"] = list(data.get("navigation", []))
        return cls(**kwargs)


@dataclass
class Version:
    """One distinct state of the article at a URL."""

    url: str
    fetched_at: datetime
    content_hash: str
    article: Article
    id: int | None = None
    number: int | None = None


@dataclass
class Change:
    """One difference between two consecutive versions."""

    kind: ChangeKind
    before: str | None = None
    after: str | None = None
    section: str | None = None


@dataclass
class Entity:
    """A person, organisation, place or party, under one canonical name."""

    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class TimelineEntry:
    """A dated event in a story: a publication, an update, or a dated statement."""

    date: str
    kind: TimelineKind
    text: str
    url: str | None = None
    end: str | None = None


@dataclass
class Story:
    """A developing story: articles from any source about the same events."""

    id: int | None
    title: str
    articles: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    first_seen: datetime | None = None
    last_updated: datetime | None = None
