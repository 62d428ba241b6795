"""The Python scans select exactly what trafilatura's pruning expressions select, on
real pages (raw and as trafilatura converts them) and on pages written to hit each rule."""

from __future__ import annotations

from copy import copy

import pytest
from trafilatura import xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

from storyline.extract.decode import decode_html
from storyline.extract.html import parse_html
from storyline.extract.trafilatura_xpaths import SCANS, python_pruning
from tests.fixtures.shared_pages import shared_pages

_TRICKY = (
    "<html><body>"
    "<div id='comments'><p>c</p></div><ul class='comment-list'><li>x</li></ul>"
    "<ol id='commentary'><li>kept</li></ol><section class='post-comments'>p</section>"
    "<div class='infinite-scroll'><h1>Main</h1></div><aside id='infinitescroll'>x</aside>"
    "<div class='mvp-post-add-box'><h1>t</h1></div><div class='elementor-share-buttons'>s</div>"
    "<span class='Share-bar' id='shareX'>s</span><p role='Navigation'>n</p>"
    "<div data-lp-replacement-content=''>d</div><div data-component='MostPopularStories'>m</div>"
    "<div class='cookie-x' id='main'>first attribute is class</div>"
    "<div id='main' class='cookie-x'>first attribute is id</div>"
    "<p class='x ad y'>ad</p><div class='comments-title'>t</div>"
    "<div class='reply-to' id='a'>r</div><div id='reply-1' class='b'>r</div>"
    "<div style='display:none'>h</div><b id='hidden-1'>h</b><i style='x' id='shown'>v</i>"
    "<em class='noprint'>n</em><span aria-hidden='true'>a</span><p>Plain text.</p>"
    "<div class='Teaser'>t</div><p id='x-teaser'>t</p><span class='caption'>c</span>"
    "<div id='page-bottom' class='z'>b</div><div class='bottom-bar'>b</div>"
    "<div class='Padding-bottom-lg'>kept</div><p class='a link'>l</p><p class='permalink'>k</p>"
    "<div style='border:1px'>b</div><header>h</header>"
    "</body></html>"
)


# Content frames (BODY_XPATH, of which only the first match counts): one page per rule,
# with decoys before the frame each expression should find.
_FRAMES = [
    "<p class='post'>no frame</p><div class='posts'>x</div><section class='entry'>e</section>",
    "<div id='x-article-body'>a</div>",
    "<span itemprop='articleBody'>no</span><main itemprop='articleBody'>m</main>",
    "<div class='xArticleContent'>c</div><article>a</article>",
    "<div role='Article'>no</div><section role='article'>r</section>",
    "<div class='cell story'>no</div><div class='cell'>c</div>",
    "<div id='primary-x'>p</div><div id='x-primary'>no</div>",
    "<div class='FullText'>f</div>",
    "<div class='main-column'>m</div>",
    "<div id='Content'>no</div><div class='contentBody'>no</div><div id='contentBody'>c</div>",
    "<div id='Main-Content'>c</div><div class='Page-Content'>p</div>",
    "<div class='page-Content'>p</div><section class='x PAGE-content'>later</section>",
    "<div class='xmain'>no</div><main>m</main><div role='mainly'>r</div>",
    "<section id='main-x'>s</section><main>m</main>",
]


def _pages() -> list[tuple[str, str]]:
    pages = [(url, decode_html(html)) for url, html in shared_pages(82)]
    frames = [
        (f"https://example.org/frame-{i}", f"<html><body><div>{body}</div></body></html>")
        for i, body in enumerate(_FRAMES)
    ]
    return [*pages, ("https://example.org/tricky", _TRICKY), *frames]


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scans_select_what_trafilaturas_expressions_select(name):
    scans = SCANS[name]
    assert scans is not None, f"trafilatura changed {name}: the scans no longer apply"
    options = Extractor(output_format="python", precision=True, comments=False)
    for url, html in _pages():
        raw = parse_html(html)
        converted = convert_tags(tree_cleaning(copy(raw), options), options, url)
        for tree in (raw, converted):
            for expression, scan in zip(getattr(xpaths, name), scans, strict=True):
                expected = expression(tree)
                if name == "BODY_XPATH":
                    expected = expected[:1]  # the main extractor reads only the first
                assert scan(tree) == expected, (name, url)


def test_trafilaturas_own_callers_keep_its_expressions_outside_storyline(monkeypatch):
    from trafilatura import main_extractor

    with python_pruning():
        gated = main_extractor.OVERALL_DISCARD_XPATH
    tree = parse_html(_TRICKY)
    for gate, expression in zip(gated, xpaths.OVERALL_DISCARD_XPATH, strict=True):
        monkeypatch.setattr(gate, "scan", lambda tree: ["scan"])
        assert gate(tree) == expression(tree) != ["scan"]
        with python_pruning():
            assert gate(tree) == ["scan"]
