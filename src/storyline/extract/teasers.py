"""Related-article cards among the blocks: which blocks are teasers, not the article.

Works on the flat ``Block`` list, so it serves plain text and HTML alike. The signs, in
the order they are tried:

* a card whose title is repeated (image alt text, then the heading; or a bullet, then the
  heading), followed by its summary: the shape of the seed page's rail;
* blocks the DOM scan (``rails.py``) marked as inside a related rail, or whose text is a
  card the DOM scan found;
* a rail heading ("Related articles", "Most read", "LÆS OGSÅ") and the headline-like
  blocks under it;
* a run of list items that are each one link with a headline-like text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyline.extract.blocks import Block
from storyline.extract.patterns import (
    READ_MORE_TAIL,
    ends_sentence,
    is_rail_heading,
    strip_bullet,
)
from storyline.model import Teaser

_WORD = re.compile(r"\w+")
TITLE_MAX_WORDS = 30
SUMMARY_MAX_WORDS = 120


def norm(text: str) -> str:
    """Lower-cased words only: how two renderings of the same title are compared.

    A leading bullet needs no stripping first: bullets are not word characters, so they
    never reach the words (the DOM scans call this for every short element of a page).
    """
    return " ".join(_WORD.findall(text.lower()))


def is_headline_like(block: Block) -> bool:
    """Short and not a finished sentence, or a single link: how card titles look."""
    words = len(block.text.split())
    if not 2 <= words <= TITLE_MAX_WORDS:
        return False
    return block.link_density >= 0.8 or not ends_sentence(block.text) or block.kind == "heading"


def find_teasers(
    blocks: list[Block], roles: list[str], known: Iterable[Teaser] = ()
) -> list[Teaser]:
    """Mark teaser blocks in ``roles`` (as ``"teaser"``) and return their cards."""
    cards: list[Teaser] = []
    cards += _repeated_title_cards(blocks, roles)
    cards += _known_cards(blocks, roles, list(known))
    cards += _hinted_rails(blocks, roles)
    cards += _headed_rails(blocks, roles)
    cards += _link_lists(blocks, roles)
    cards += _read_more_cards(blocks, roles)
    _rail_titles(blocks, roles)
    return dedupe(cards)


def dedupe(cards: Iterable[Teaser]) -> list[Teaser]:
    """One card per title, keeping the first summary and URL seen for it."""
    merged: dict[str, Teaser] = {}
    for card in cards:
        key = norm(card.title)
        if not key:
            continue
        if key not in merged:
            merged[key] = Teaser(card.title, card.summary, card.url)
            continue
        have = merged[key]
        have.summary = have.summary or card.summary
        have.url = have.url or card.url
    return list(merged.values())


def _free(roles: list[str], i: int) -> bool:
    return 0 <= i < len(roles) and roles[i] == "content"


def _repeated_title_cards(blocks: list[Block], roles: list[str]) -> list[Teaser]:
    """Cards whose title is repeated, forming a rail after the article's last words.

    Walked from the end: a card counts only when nothing but other cards, promos or
    navigation follows it, so a repeated table header inside the article is no card.
    """
    keys = [norm(b.text) for b in blocks]
    starts = [i for i in range(len(blocks) - 1) if _is_title_pair(blocks, keys, roles, i)]
    cards: list[Teaser] = []
    end = len(blocks)
    for i in reversed(starts):
        if i + 2 > end:
            continue
        has_summary = i + 2 < end and _summary_ok(blocks, keys, roles, i + 2)
        stop = i + 3 if has_summary else i + 2
        if any(roles[k] == "content" for k in range(stop, end)):
            break
        summary = blocks[i + 2].text if has_summary else None
        for k in range(i, stop):
            roles[k] = "teaser"
        title = blocks[i + 1]
        cards.insert(0, Teaser(strip_bullet(title.text), summary, blocks[i].url or title.url))
        end = i
    return cards


def _is_title_pair(blocks: list[Block], keys: list[str], roles: list[str], i: int) -> bool:
    title = blocks[i]
    return (
        _free(roles, i)
        and _free(roles, i + 1)
        and bool(keys[i])
        and keys[i] == keys[i + 1]
        and len(title.text.split()) <= TITLE_MAX_WORDS
        and not title.text.rstrip().endswith(".")
    )


def _summary_ok(blocks: list[Block], keys: list[str], roles: list[str], i: int) -> bool:
    """A card summary: a paragraph that does not itself open the next card."""
    if not _free(roles, i) or blocks[i].kind == "heading":
        return False
    if len(blocks[i].text.split()) > SUMMARY_MAX_WORDS:
        return False
    return not (i + 1 < len(blocks) and keys[i] == keys[i + 1])


def _known_cards(blocks: list[Block], roles: list[str], known: list[Teaser]) -> list[Teaser]:
    """Blocks that repeat a card the DOM scan found in a rail (title or summary)."""
    if not known:
        return []
    titles = {norm(t.title): t for t in known}
    summaries = {norm(t.summary): t for t in known if t.summary}
    found: list[Teaser] = []
    for i, block in enumerate(blocks):
        key = norm(block.text)
        if not _free(roles, i) or not key:
            continue
        if key in titles:
            roles[i] = "teaser"
            found.append(titles[key])
        elif key in summaries:
            roles[i] = "teaser"
            found.append(summaries[key])
    return found


def _hinted_rails(blocks: list[Block], roles: list[str]) -> list[Teaser]:
    """Blocks inside a rail the DOM scan recognised: headings are titles, the rest summaries."""
    cards: list[Teaser] = []
    for i, block in enumerate(blocks):
        if not _free(roles, i) or "rail" not in block.hints:
            continue
        roles[i] = "teaser"
        if is_rail_heading(block.text):
            continue
        if cards and not is_headline_like(block) and cards[-1].summary is None:
            cards[-1].summary = block.text
        else:
            cards.append(Teaser(strip_bullet(block.text), None, block.url))
    return cards


def _headed_rails(blocks: list[Block], roles: list[str]) -> list[Teaser]:
    """A rail heading, then headline-like cards (each with at most one summary)."""
    cards: list[Teaser] = []
    for i, block in enumerate(blocks):
        if not (_free(roles, i) and is_rail_heading(block.text)):
            continue
        if block.kind == "paragraph" and ends_sentence(block.text.rstrip(":")):
            continue
        run = _rail_run(blocks, roles, i + 1)
        if run or (block.kind == "heading" and is_rail_heading(block.text, alone=True)):
            roles[i] = "rail_heading"
        cards += run
    return cards


def _rail_titles(blocks: list[Block], roles: list[str]) -> None:
    """A heading right above two or more teasers is the rail's title, not a subheading."""
    for i, block in enumerate(blocks[:-2]):
        if _free(roles, i) and block.kind == "heading" and roles[i + 1] == roles[i + 2] == "teaser":
            roles[i] = "rail_heading"


def _rail_run(blocks: list[Block], roles: list[str], start: int) -> list[Teaser]:
    cards: list[Teaser] = []
    j = start
    while _free(roles, j):
        block = blocks[j]
        if is_headline_like(block) and (
            block.link_density >= 0.5
            or block.kind != "paragraph"
            or not cards
            or cards[-1].summary is not None
        ):
            cards.append(Teaser(strip_bullet(block.text), None, block.url))
        elif cards and cards[-1].summary is None and len(block.text.split()) <= 60:
            cards[-1].summary = block.text
        else:
            break
        roles[j] = "teaser"
        j += 1
    return cards


def _link_lists(blocks: list[Block], roles: list[str]) -> list[Teaser]:
    """Two or more list items in a row, each one link with a headline-like text."""
    cards: list[Teaser] = []
    i = 0
    while i < len(blocks):
        j = i
        while (
            _free(roles, j)
            and blocks[j].kind == "list_item"
            and blocks[j].link_density >= 0.8
            and is_headline_like(blocks[j])
            and len(blocks[j].text.split()) >= 3
        ):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                roles[k] = "teaser"
                cards.append(Teaser(strip_bullet(blocks[k].text), None, blocks[k].url))
        i = max(j, i + 1)
    return cards


def _read_more_cards(blocks: list[Block], roles: list[str]) -> list[Teaser]:
    """Two or more blocks in a row that each end in a "Read more" link: teaser cards
    (a title and summary pointing to another article), not the article's paragraphs."""
    cards: list[Teaser] = []
    i = 0
    while i < len(blocks):
        j = i
        while _free(roles, j) and READ_MORE_TAIL.search(blocks[j].text):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                roles[k] = "teaser"
                text = READ_MORE_TAIL.sub("", blocks[k].text).strip()
                cards.append(Teaser(strip_bullet(text), None, blocks[k].url))
        i = max(j, i + 1)
    return cards
