"""Atom 1.0 (RFC 4287) rendering: a feed is plain data in, bytes out.

Built with ElementTree, so every title and summary is escaped by the serializer; the one
HTML field (``content_html``) is sanitised by the caller and sent as escaped ``type="html"``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class AtomEntry:
    """One entry: a new version of an article, or an event of a story."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str
    content_html: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class AtomFeed:
    """A feed with its own address (``self_url``) and the page it mirrors (``html_url``)."""

    id: str
    title: str
    self_url: str
    html_url: str
    updated: datetime
    entries: Sequence[AtomEntry] = field(default_factory=tuple)
    subtitle: str | None = None
    author: str = "storyline"


def render_atom(feed: AtomFeed) -> bytes:
    """Serialise ``feed`` as an Atom document (UTF-8, with XML declaration)."""
    ET.register_namespace("", ATOM_NS)
    root = ET.Element(_q("feed"))
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _date(feed.updated))
    author = ET.SubElement(root, _q("author"))
    _text(author, "name", feed.author)
    ET.SubElement(root, _q("link"), rel="self", type="application/atom+xml", href=feed.self_url)
    ET.SubElement(root, _q("link"), rel="alternate", type="text/html", href=feed.html_url)
    _text(root, "generator", "storyline")
    for entry in feed.entries:
        _entry(root, entry)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _entry(root: ET.Element, entry: AtomEntry) -> None:
    node = ET.SubElement(root, _q("entry"))
    _text(node, "id", entry.id)
    _text(node, "title", entry.title)
    _text(node, "updated", _date(entry.updated))
    ET.SubElement(node, _q("link"), rel="alternate", type="text/html", href=entry.link)
    for category in entry.categories:
        ET.SubElement(node, _q("category"), term=category)
    _text(node, "summary", entry.summary)
    if entry.content_html:
        _text(node, "content", entry.content_html).set("type", "html")


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, _q(name))
    child.text = _xml_safe(value)
    return child


def _q(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _date(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters from scraped pages)."""
    return "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
