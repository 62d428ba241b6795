"""trafilatura's precision extraction on our parsed tree, with one copy of the page.

``trafilatura.bare_extraction`` on a tree copies it three times before extracting (the
caller's tree, the raw tree before cleaning, and a cleaned backup kept for the
readability and jusText comparison of its full mode), about 1.3 ms each on an average
page, and its full mode repeats the whole main extraction to add that comparison. Its
fast precision mode uses neither the raw tree nor the backup once the tree is cleaned.

So this module runs the same stages, in the same order and with the same options, as
``bare_extraction(fast=True, favor_precision=True, include_comments=False)`` (trafilatura
2.3), copying the page once; and when that result is short, it adds the full mode's
comparison (``compare_extraction``) to the result already in hand instead of starting
over. The stages are trafilatura's own functions; ``tests/extract/test_trafilatura_run.py``
checks the result against ``bare_extraction`` on real pages, so a trafilatura release
that changes the sequence fails a test instead of drifting silently.
"""

from __future__ import annotations

from copy import copy

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.core import _forum_thread_page, trafilatura_sequence
from trafilatura.external import compare_extraction
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor

from storyline.extract.trafilatura_xpaths import python_pruning, selectors

_MIN_OUTPUT_SIZE = Extractor().min_output_size


def _options(url: str | None, fast: bool, precision: bool = True) -> Extractor:
    """The options ``bare_extraction`` builds for storyline's calls.

    Building an ``Extractor`` reads nine settings through ``ConfigParser`` (about 0.1 ms,
    twice a page); they are read once per mode and the page's URL set on a copy.
    """
    options = copy(_TEMPLATES[fast, precision])
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


_TEMPLATES = {
    (fast, precision): Extractor(
        output_format="python",
        fast=fast,
        precision=precision,
        comments=False,
        links=False,
        tables=True,
    )
    for fast in (False, True)
    for precision in (False, True)
}


def _raw(tree: HtmlElement) -> tuple[HtmlElement, bool]:
    """A copy of ``tree`` with trafilatura's raw-tree prunes applied, and whether the page
    is a forum thread (then comment containers hold the posts and are kept later)."""
    raw = copy(tree)
    forum = _forum_thread_page(raw)
    raw = prune_unwanted_nodes(raw, selectors("RAW_TREE_PRUNE_XPATH"))  # type: ignore[arg-type]
    comments = selectors("REMOVE_COMMENTS_AND_LISTS_XPATH")  # comments are off
    raw = prune_unwanted_nodes(raw, comments)  # type: ignore[arg-type]
    return raw, forum


def precise_extraction(tree: HtmlElement, url: str | None) -> tuple[etree._Element, str]:
    """trafilatura's fast precision result: its XML body and text, before the output size
    check (``usable``), which ``full_comparison`` needs. ``tree`` is not modified."""
    options = _options(url, fast=True)
    raw, forum = _raw(tree)
    cleaned = convert_tags(tree_cleaning(raw, options), options, url)
    if not forum:
        cleaned = prune_unwanted_nodes(cleaned, selectors("REMOVE_COMMENTS_XPATH"))  # type: ignore[arg-type]
    with python_pruning():
        return extract_content(cleaned, options)


def default_extraction(tree: HtmlElement, url: str | None) -> tuple[etree._Element, str]:
    """trafilatura's fast mode without its precision filter: the body and text of
    ``bare_extraction(fast=True, favor_precision=False, include_comments=False)``, before
    its output size check (``usable``), without the text rendering it adds and that
    storyline does not read. ``tree`` is not modified (the sequence gets a copy)."""
    options = _options(url, fast=True, precision=False)
    with python_pruning():
        body, text, _, _ = trafilatura_sequence(copy(tree), options, url)
    return body, text


def full_comparison(
    tree: HtmlElement, url: str | None, body: etree._Element, text: str
) -> tuple[etree._Element, str]:
    """The full mode's second step on a result already extracted: readability's and
    jusText's readings of the page, taken when trafilatura's own is short or unclean."""
    options = _options(url, fast=False)
    raw, _ = _raw(tree)
    backup = tree_cleaning(copy(raw), options)
    with python_pruning():
        return compare_extraction(backup, raw, body, text, options)


def usable(text: str) -> bool:
    """``bare_extraction``'s output size check: less text than this is no result."""
    return len(text) >= _MIN_OUTPUT_SIZE
