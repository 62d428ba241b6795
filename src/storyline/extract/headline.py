"""The article's headline and standfirst as the page's header shows them.

The declared title (JSON-LD ``headline``, Open Graph, ``<title>``) often carries the
site's name (``Headline | Site``, ``Blog Name | Headline``); the visible ``<h1>`` is the
headline as published but many templates use ``<h1>`` for the site's name. So the
declared title is first stripped of the part that names the site (by the declared site
name, by the domain, or by elimination: the part the URL's slug spells out is the
headline), and a page heading that agrees with it wins.

The standfirst (the deck under the headline) is read from the header too: an element
right after the headline whose class names it (``standfirst``, ``excerpt``, ``dek``,
``subtitle``, ...), so it is the article's standfirst and not a paragraph of its body.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from storyline.extract.domtext import text_of

_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s*[|•»]\s*")
_WORD = re.compile(r"[^\W_]+")
_STANDFIRST_NAMES = re.compile(
    r"standfirst|excerpt|(?<![a-z])deck?(?![a-z])|sub-?title|sub-?head|summary|lede|"
    r"strapline|(?<![a-z])intro(?![a-z])|abstract|description",
    re.IGNORECASE,
)
_STANDFIRST_TAGS = {"p", "div", "h2", "h3", "span"}
STANDFIRST_CHARS = (30, 400)
_LOOKAHEAD = 12  # elements after the headline where a standfirst may sit
MAX_SITE_WORDS = 5
SLUG_SHARE = 0.5  # the headline part: at least this share of its words in the URL's slug
OTHER_SLUG_SHARE = 0.2  # ... and every other part at most this share


def headline(
    tree: HtmlElement, declared: str | None, site: str | None, url: str | None
) -> str | None:
    """The headline: a page heading that agrees with the declared title, else the declared
    one without the site's name; a page's only ``<h1>`` when nothing is declared alike."""
    if not declared:
        return None
    declared = strip_site(declared, site, url)
    scored = [(overlap(h, declared), h) for h in _headings(tree)]
    best = max(scored, default=(0.0, declared))
    if best[0] >= 0.5:
        return best[1]
    h1s = [h for h in _headings(tree, tags=("h1",)) if not site or overlap(h, site) < 0.5]
    return h1s[0] if len(h1s) == 1 else declared


def strip_site(title: str, site: str | None, url: str | None) -> str:
    """``Headline | Site Name`` → ``Headline``, when a part is recognisably the site's."""
    parts = [p for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    kept = [p for p in parts if not _names_site(p, site, url)]
    if kept and len(kept) < len(parts):
        return " - ".join(kept)
    return _slug_part(parts, url) or title


def _names_site(part: str, site: str | None, url: str | None) -> bool:
    """The part is the site's name: the declared one, or the domain's (``SymbianV3.com``,
    ``hypebot``, ``Hatch: The Design Public Blog`` on designpublic.com)."""
    words = loose(part)
    if not words or len(words.split()) > MAX_SITE_WORDS:
        return False
    if site and (words in loose(site) or loose(site) in words):
        return True
    host = urlsplit(url or "").hostname or ""
    squashed = words.replace(" ", "")
    labels = [label for label in host.split(".")[:-1] if len(label) >= 4 and label != "www"]
    if len(squashed) >= 4 and squashed in host.replace(".", ""):
        return True
    return any(label in squashed for label in labels)


def _slug_part(parts: list[str], url: str | None) -> str | None:
    """The one part whose words the URL's last path segment spells out, if any."""
    path = [s for s in urlsplit(url or "").path.split("/") if s]
    slug = {w for w in _WORD.findall(path[-1].lower()) if len(w) >= 3} if path else set()
    if not slug:
        return None
    shares = []
    for part in parts:
        words = [w for w in _WORD.findall(part.lower()) if len(w) >= 3]
        shares.append(sum(w in slug for w in words) / len(words) if words else 0.0)
    best = max(range(len(parts)), key=shares.__getitem__)
    others = [s for i, s in enumerate(shares) if i != best]
    if shares[best] >= SLUG_SHARE and all(s <= OTHER_SLUG_SHARE for s in others):
        return parts[best]
    return None


def structural_standfirst(tree: HtmlElement, title: str | None) -> str | None:
    """The deck right after the headline, when its class or id names it as one."""
    heading = _headline_element(tree, title)
    if heading is None:
        return None
    for element in heading.itersiblings():
        found = _standfirst_in(element)
        if found:
            return found
        if element.tag in ("p", "div", "section") and len(text_of(element)) > 600:
            break  # the body has begun
    for element in heading.xpath(f"following::*[position() <= {_LOOKAHEAD}]"):
        if (found := _standfirst_in(element)) is not None:
            return found
    return None


def _standfirst_in(element: HtmlElement) -> str | None:
    if element.tag not in _STANDFIRST_TAGS:
        return None
    names = f"{element.get('class', '')} {element.get('id', '')}"
    if not _STANDFIRST_NAMES.search(names):
        return None
    text = " ".join(text_of(element).split())
    if not STANDFIRST_CHARS[0] <= len(text) <= STANDFIRST_CHARS[1]:
        return None
    linked = sum(len(" ".join(text_of(a).split())) for a in element.iter("a"))
    return text if linked < 0.5 * len(text) else None


def _headline_element(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The ``<h1>`` (else ``<h2>``) that shows the headline."""
    if not title:
        return None
    for tags in (("h1",), ("h2",)):
        for element in tree.iter(*tags):
            if overlap(text_of(element), title) >= 0.5:
                return element
    return None


def _headings(tree: HtmlElement, limit: int = 8, tags: tuple[str, ...] = ("h1", "h2")) -> list[str]:
    found = []
    for element in tree.iter(*tags):
        text = " ".join(text_of(element).split())
        if 10 <= len(text) <= 300:
            found.append(text)
        if len(found) >= limit:
            break
    return found


def overlap(a: str, b: str) -> float:
    """Shared words over all words (Jaccard): 1.0 for the same headline, whatever the quotes."""
    words_a, words_b = set(loose(a).split()), set(loose(b).split())
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / len(words_a | words_b)


def loose(text: str) -> str:
    """Lower-cased words joined by single spaces: how names and titles are compared."""
    return re.sub(r"\W+", " ", text).strip().casefold()
