"""trafilatura's pruning expressions, evaluated as one Python scan each instead of XPath.

trafilatura finds the page furniture to prune (comment sections, share bars, menus,
hidden blocks) with XPath expressions that call a Python regular expression
(``re:test``) for every element and attribute: a callback from libxml2 into Python each
time. They were about 40 % of its precision run. The same selection, read as one pass
over the elements with the same regular expressions, takes about a third of the time.

Each scan here replaces exactly one of trafilatura 2.3's expressions, and only while the
expression's text is the one it was written for (a fingerprint of it is checked when
this module loads): after a trafilatura release that edits an expression, that
expression runs as XPath again. ``tests/extract/test_trafilatura_xpaths.py`` compares
both on real pages. Inside trafilatura's own functions the scans are used only within
``python_pruning()`` (a context variable), so other callers in the process, such as the
benchmark's trafilatura peer, run the library as shipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lxml import etree
from trafilatura import core, external, main_extractor, xpaths

Selector = Callable[[etree._Element], list[etree._Element]]

_IN_STORYLINE: ContextVar[bool] = ContextVar("storyline_python_pruning", default=False)
_RE_TEST = re.compile(r"re:test\([@\w|-]+, '([^']*)'\)")


def _patterns(expression: etree.XPath) -> list[re.Pattern[str]]:
    """The regular expressions of ``expression``'s ``re:test`` calls, in order."""
    return [re.compile(found) for found in _RE_TEST.findall(expression.path)]


def _first(element: etree._Element, one: str, other: str) -> str:
    """XPath's string value of ``@one|@other``: the first of the two in the source."""
    first, second = element.get(one), element.get(other)
    if first is None or second is None:
        return first or second or ""
    return first if next(k for k in element.attrib if k in (one, other)) == one else second


def _infinite_scroll(expression: etree.XPath) -> Selector:
    patterns = _patterns(expression)  # id and class, twice: any match, then its own
    either, own = patterns[0], patterns[2]

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants("div", "section", "aside"):
            ids, classes = element.get("id") or "", element.get("class") or ""
            if not (either.search(ids) or either.search(classes)):
                continue
            if element.find(".//h1") is None or own.search(ids) or own.search(classes):
                found.append(element)
        return found

    return select


def _elementor_share(expression: etree.XPath) -> Selector:
    def select(tree: etree._Element) -> list[etree._Element]:
        return [
            e
            for e in tree.iterdescendants("div", "section", "aside")
            if "elementor-share-buttons" in (e.get("class") or "")
        ]

    return select


def _comments(expression: etree.XPath, lists: bool) -> Selector:
    patterns = _patterns(expression)
    ids, classes = patterns[0], patterns[1]
    list_ids = patterns[2] if lists else ids
    tags = ("div", "list", "section", "details", *(("ol", "ul") if lists else ()))

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants(*tags):
            id_, class_ = element.get("id") or "", element.get("class") or ""
            if not (ids.search(id_) or classes.search(class_)):
                continue
            if element.tag not in ("ol", "ul") or list_ids.search(id_) or classes.search(class_):
                found.append(element)
        return found

    return select


def _boilerplate(expression: etree.XPath) -> Selector:
    consent, ids, classes = _patterns(expression)

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants("div", "item", "list", "p", "section", "span"):
            attrib = element.attrib
            if not attrib:
                continue
            if (
                attrib.get("data-lp-replacement-content") is not None
                or "nav" in (attrib.get("role") or "").replace("N", "n")
                or "MostPopularStories" in (attrib.get("data-component") or "")
                or consent.search(_first(element, "id", "class"))
                or ids.search(attrib.get("id") or "")
                or classes.search(attrib.get("class") or "")
            ):
                found.append(element)
        return found

    return select


def _hidden(expression: etree.XPath) -> Selector:
    hidden, ids, classes = _patterns(expression)

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants(etree.Element):
            attrib = element.attrib
            if not attrib:
                continue
            style, class_ = attrib.get("style"), attrib.get("class")
            if (
                class_ == "comments-title"
                or _first(element, "id", "class").startswith("reply-")
                or hidden.search(_first(element, "id", "style"))
                or (style is not None and ("display:none" in style or "display: none" in style))
                or ids.search(attrib.get("id") or "")
                or (class_ is not None and classes.search(class_))
                or attrib.get("aria-hidden") == "true"
            ):
                found.append(element)
        return found

    return select


_SECTIONS = ("div", "item", "list", "p", "section", "span")


def _named(word: str, capital: bool) -> Selector:
    """``contains(@id, word) or contains(@class, word)`` on block-like elements; with
    ``capital``, after ``translate(..., 'T', 't')`` (trafilatura's "teaser" test)."""

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants(*_SECTIONS):
            ids, classes = element.get("id") or "", element.get("class") or ""
            if capital:
                ids, classes = ids.replace("T", "t"), classes.replace("T", "t")
            if word in ids or word in classes:
                found.append(element)
        return found

    return select


def _bottom_links(expression: etree.XPath) -> Selector:
    bottom, link = _patterns(expression)

    def select(tree: etree._Element) -> list[etree._Element]:
        found = []
        for element in tree.iterdescendants(*_SECTIONS):
            if not element.attrib:
                continue
            names = _first(element, "id", "class")
            if bottom.search(names) or link.search(names) or "border" in element.get("style", ""):
                found.append(element)
        return found

    return select


_FRAMES = ("article", "div", "main", "section")


def _first_frame(
    test: Callable[[etree._Element], bool], tags: tuple[str, ...] = _FRAMES
) -> Selector:
    """The first element (document order, below the root) of ``tags`` that passes ``test``.

    trafilatura's main extractor reads only the first result of each content expression
    (``BODY_XPATH``), so the scan stops there: ``[]`` or a list of that one element.
    """

    def select(tree: etree._Element) -> list[etree._Element]:
        return next(([e] for e in tree.iterdescendants(*tags) if test(e)), [])

    return select


def _any(element: etree._Element) -> bool:
    return True


def _article_body(expression: etree.XPath) -> Selector:
    ids, classes = _patterns(expression)

    def test(e: etree._Element) -> bool:
        class_, id_ = e.get("class"), e.get("id")
        return (
            class_ in ("post", "entry")
            or e.get("itemprop") == "articleBody"
            or id_ == "articleContent"
            or ids.search(id_ or "") is not None
            or classes.search(class_ or "") is not None
        )

    return _first_frame(test)


def _story(expression: etree.XPath) -> Selector:
    ids, classes = _patterns(expression)  # and 'fulltext', case-insensitive, between them
    fulltext = re.compile("fulltext", re.IGNORECASE)
    exact = ("postarea", "art-postcontent", "text", "cell", "story")

    def test(e: etree._Element) -> bool:
        class_, id_ = e.get("class"), e.get("id")
        return (
            e.get("role") == "article"
            or id_ in ("article", "story")
            or class_ in exact
            or ids.search(id_ or "") is not None
            or fulltext.search(class_ or "") is not None
            or classes.search(class_ or "") is not None
        )

    return _first_frame(test)


def _main_content(expression: etree.XPath) -> Selector:
    ids, classes = _patterns(expression)

    def test(e: etree._Element) -> bool:
        class_, id_ = e.get("class") or "", e.get("id") or ""
        return (
            id_ == "content"
            or class_ == "content"
            or ids.search(id_) is not None
            or classes.search(class_) is not None
            or "main-content" in id_.replace("C", "c").replace("M", "m")
            or "main-content" in class_.replace("C", "c").replace("M", "m")
            or "page-content" in class_.replace("C", "c").replace("P", "p")
        )

    return _first_frame(test)


def _main(expression: etree.XPath) -> Selector:
    def test(e: etree._Element) -> bool:  # the first main-named frame, or <main>: either first
        return e.tag == "main" or any(
            (e.get(attr) or "").startswith("main") for attr in ("class", "id", "role")
        )

    return _first_frame(test, ("article", "div", "section", "main"))


# (list name, fingerprints of its expressions, scans built from them)
_WRITTEN_FOR: dict[str, tuple[tuple[str, ...], Callable[[list[etree.XPath]], list[Selector]]]] = {
    "RAW_TREE_PRUNE_XPATH": (
        ("01e7c660fd6406f2", "3c7afe92279543d5"),
        lambda xs: [_infinite_scroll(xs[0]), _elementor_share(xs[1])],
    ),
    "REMOVE_COMMENTS_AND_LISTS_XPATH": (
        ("9cc18d34e6e2d258",),
        lambda xs: [_comments(xs[0], lists=True)],
    ),
    "REMOVE_COMMENTS_XPATH": (("5d97216ca15d0558",), lambda xs: [_comments(xs[0], lists=False)]),
    "OVERALL_DISCARD_XPATH": (
        ("a837e58a1b1ea116", "c1d5b70b8cd03783"),
        lambda xs: [_boilerplate(xs[0]), _hidden(xs[1])],
    ),
    "TEASER_DISCARD_XPATH": (("ebb02f066626551d",), lambda xs: [_named("teaser", True)]),
    "PRECISION_DISCARD_XPATH": (
        ("be67925fffa9fcb2", "53d31ea1df47920a"),
        lambda xs: [xs[0], _bottom_links(xs[1])],  # the first is ".//header": XPath is quick
    ),
    "DISCARD_IMAGE_ELEMENTS": (("cb1ab981e44913f7",), lambda xs: [_named("caption", False)]),
    "BODY_XPATH": (
        (
            "caaa561ceca17064",
            "dffd8931d1ae8060",
            "6c9b5e1fdc092943",
            "10a7ceacc0ff8cdf",
            "95f15d1c1b6d4052",
        ),
        lambda xs: (
            [_article_body(xs[0]), _first_frame(_any, ("article",))]
            + [_story(xs[2]), _main_content(xs[3]), _main(xs[4])]
        ),
    ),
}
# The lists trafilatura's extraction sequence and main extractor prune with, gated
# within ``python_pruning``.
_GATED = (
    (core, "RAW_TREE_PRUNE_XPATH"),
    (core, "REMOVE_COMMENTS_AND_LISTS_XPATH"),
    (core, "REMOVE_COMMENTS_XPATH"),
    (main_extractor, "OVERALL_DISCARD_XPATH"),
    (main_extractor, "TEASER_DISCARD_XPATH"),
    (main_extractor, "PRECISION_DISCARD_XPATH"),
    (main_extractor, "DISCARD_IMAGE_ELEMENTS"),
    (external, "OVERALL_DISCARD_XPATH"),
    (main_extractor, "BODY_XPATH"),
)


def _fingerprint(expression: etree.XPath) -> str:
    return hashlib.sha256(expression.path.encode()).hexdigest()[:16]


def _scans(name: str) -> list[Selector] | None:
    """Python scans for trafilatura's expression list ``name``, or ``None`` when its
    expressions are not the ones they were written for."""
    expressions = getattr(xpaths, name)
    fingerprints, build = _WRITTEN_FOR[name]
    if tuple(_fingerprint(e) for e in expressions) != fingerprints:
        return None
    return build(expressions)


SCANS: dict[str, list[Selector] | None] = {name: _scans(name) for name in _WRITTEN_FOR}


def selectors(name: str) -> list[Selector]:
    """What storyline's own calls to trafilatura's stages prune with: the scans for
    ``name``, or trafilatura's expressions when they have changed."""
    found = SCANS[name]
    return found if found is not None else list(getattr(xpaths, name))


class _Gated:
    """An expression of trafilatura's that is a Python scan within ``python_pruning``."""

    def __init__(self, expression: etree.XPath, scan: Selector) -> None:
        self.expression, self.scan = expression, scan

    def __call__(self, tree: etree._Element) -> list[etree._Element]:
        return self.scan(tree) if _IN_STORYLINE.get() else list(self.expression(tree))


@contextmanager
def python_pruning() -> Iterator[None]:
    """Within this block (this thread or task only), trafilatura's extraction prunes with
    the scans (``bare_extraction``, its main extractor and its full-mode comparison)."""
    for module, name in _GATED:
        scans = SCANS[name]
        current = getattr(module, name)
        if scans is not None and not any(isinstance(e, _Gated) for e in current):
            gated = [_Gated(e, s) for e, s in zip(current, scans, strict=True)]
            setattr(module, name, gated)
    token = _IN_STORYLINE.set(True)
    try:
        yield
    finally:
        _IN_STORYLINE.reset(token)
