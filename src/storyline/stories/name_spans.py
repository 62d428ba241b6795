"""The names inside a span a model tagged: split, trimmed, debris left out.

A small model tags whatever a run of capitalised words looks like, and scraped news
text glues and strings things together. A tagged span is cut where a name cannot go on:

- at a list separator or bracket ("Blue Origin, Ceres Robotics" is two companies);
- after a possessive whose owner is a name of its own, keeping the thing owned
  ("Braun's Ithaca Holdings" is the holding company; "the People's Daily" stays whole);
- at a lower-case word that never joins a name ("Hipcricket to Augme Technologies";
  "of", "and", "de", "van"... do join names: "Bank of America");
- at a hyphen between two names that the text also writes apart ("Browns-Steelers
  game"; "Rolls-Royce" stays whole);

and each part loses the words at its edges that no name starts or ends with: scores
and trailing numbers ("Chile 2-0"; a leading one stays, "737 Max"), lower-case words
("Thibaut Courtois to"), and a trailing role ("Apple CEO"). A part with a word glued
from two words the text also writes apart ("NoemKristi", "NoemSouth Dakota": page
elements joined by a scraper) is debris.

A dateline ("BUFFALO, N.Y. —", "New York, NY –") names places, whatever the model says.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_SEPARATORS = frozenset(",;()[]/|•·")
_POSSESSIVES = frozenset(("'s", "’s", "'", "’"))
# Lower-case words that join the words of one name.
_JOINERS = frozenset(
    """of and for the on de du des la le les el al bin ibn van von der den da di do dos y
    & und et on-the""".split()
)
# Roles written after an organisation's name ("Apple CEO", "Indiana House Speaker").
_TRAILING_ROLES = frozenset(
    """ceo cfo coo cto chairman chairwoman chair president speaker spokesman spokeswoman
    spokesperson founder director chief""".split()
)
_DASHES = frozenset(("—", "–", "-", "--", "―"))
_GLUED = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")


def name_parts(span: Span, kind: str, words: frozenset[str] | None = None) -> list[Span]:
    """The names inside ``span`` (tagged as ``kind``), in order; none when all is debris.
    ``words``: ``standalone_words`` of the span's text, when the caller has them (read
    once per text, not once per name)."""
    doc = span.doc
    if words is None:
        words = standalone_words(doc)
    parts: list[Span] = []
    start = span.start
    for index in range(span.start, span.end):
        token = doc[index]
        cut = (
            token.text in _SEPARATORS
            or token.text in _POSSESSIVES
            or (token.is_lower and token.is_alpha and token.lower_ not in _JOINERS)
            or (token.text in _DASHES and _names_apart(doc, index, words))
        )
        if not cut:
            continue
        if token.text in _POSSESSIVES:
            if index + 1 < span.end and _owner(doc, start, index):
                start = index + 1  # the owner goes; the thing owned stays
            continue
        parts.append(doc[start:index])
        start = index + 1
    parts.append(doc[start : span.end])
    trimmed = [_trim(part, kind) for part in parts]
    return [part for part in trimmed if part is not None and not _glued(part, words)]


def _owner(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]``, before a possessive, is a name of its own: a full name
    ("Darren Rowse's Problogger") or a word the text also writes elsewhere ("Braun's
    Ithaca Holdings" after "Scooter Braun"); not "the People's Daily"."""
    words = [t for t in doc[start:end] if t.text[:1].isupper() and t.lower_ != "the"]
    if len(words) >= 2:
        return True
    return len(words) == 1 and any(t.text == words[0].text for t in doc if not start <= t.i < end)


def _trim(part: Span, kind: str) -> Span | None:
    """``part`` without the words at its edges that no name starts or ends with."""
    start, end = part.start, part.end
    doc = part.doc
    while start < end and not (_name_word(doc[start]) or doc[start].like_num):
        start += 1  # a leading number stays: "737 Max", "40 Under 40 Award"
    while end > start and (
        not _name_word(doc[end - 1])
        or (kind != "person" and end - start > 1 and doc[end - 1].lower_ in _TRAILING_ROLES)
    ):
        end -= 1
    if start == end:
        return None
    if end < part.end and doc[end].text in _POSSESSIVES:
        end += 1  # kept for the canonical rules, which read a possessive as evidence
    return doc[start:end]


def _name_word(token: Any) -> bool:
    """A word a name can start or end with: it has a capital letter (or is "the", which
    the canonical rules take off later) and is no comparative, adverb, verb or pronoun
    ("Better Android support")."""
    if token.tag_ in _NOT_NAME_TAGS:
        return False
    return any(ch.isupper() for ch in token.text) or token.lower_ == "the"


_NOT_NAME_TAGS = frozenset("JJR JJS RB RBR RBS UH MD PRP PRP$ VB VBD VBP VBZ WP WDT WRB".split())


def standalone_words(doc: Doc) -> frozenset[str]:
    """The capitalised words the text writes on their own (not glued by a hyphen)."""
    texts = [token.text for token in doc]
    last = len(texts) - 1
    return frozenset(
        text
        for i, text in enumerate(texts)
        if text[:1].isupper()
        and not (i > 0 and texts[i - 1] in _DASHES)
        and not (i < last and texts[i + 1] in _DASHES)
    )


def _names_apart(doc: Doc, index: int, words: frozenset[str]) -> bool:
    """A hyphen between two capitalised words that the text also writes on their own."""
    if index == 0 or index + 1 >= len(doc):
        return False
    before, after = doc[index - 1].text, doc[index + 1].text
    return before in words and after in words


def _glued(part: Span, words: frozenset[str]) -> bool:
    """A word of ``part`` is two words of the text run together ("NoemKristi")."""
    for token in part:
        pieces = _GLUED.split(token.text)
        if len(pieces) > 1 and all(piece in words for piece in pieces):
            return True
    return False


def dateline(doc: Doc) -> list[Span]:
    """The places of a dateline opening the text: "BUFFALO, N.Y. —", "MADRID —",
    "New York, NY –" (capitalised words and commas, then a dash); empty without one."""
    end = next((t.i for t in doc[:8] if t.text in _DASHES), None)
    if end is None or end == 0:
        return []
    head = doc[:end]
    if any(not (t.text == "," or t.text[:1].isupper()) for t in head):
        return []
    parts, start = [], 0
    for token in head:
        if token.text == ",":
            parts.append(doc[start : token.i])
            start = token.i + 1
    parts.append(doc[start:end])
    parts = [p for p in parts if len(p)]
    if not parts or not (len(parts) > 1 or parts[0].text.isupper()):
        return []
    return parts
