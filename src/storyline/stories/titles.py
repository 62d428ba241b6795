"""A story's title: the most central of its headlines, cleaned; no text is generated.

"Central" means sharing the most words with the other headlines (summed Jaccard
similarity), so the title is the headline that best says what the articles have in
common, not the first or the loudest. Labels ("UPDATE:", "BREAKING:") and a trailing
site name (" - BBC News", " | Reuters") are taken off first. ``neutral_story_title``
leaves opinion pieces out (``opinion.is_opinion``): a story is named by its news.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.stories.features import tokenize
from storyline.stories.opinion import is_opinion

_LABEL = re.compile(
    r"^\s*(?:(?:update[sd]?|breaking(?: news)?|live|watch|exclusive|opinion|analysis|"
    r"video|photos?|explainer|just in)\s*[:|–—-]\s*)+",
    re.IGNORECASE,
)
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def clean_headline(title: str) -> str:
    """The headline without leading labels or a trailing " | Site name"."""
    text = " ".join(title.split())
    text = _LABEL.sub("", text)
    stripped = _SITE_SUFFIX.sub("", text)
    if len(stripped.split()) >= 3:
        text = stripped
    return text.strip()


def story_title(headlines: Sequence[str]) -> str:
    """The most central headline of a story, cleaned (ties: the earliest); "" if none."""
    cleaned = [clean_headline(h) for h in headlines if h and h.strip()]
    if not cleaned:
        return ""
    words = [set(tokenize(h)) for h in cleaned]
    best, best_score = 0, -1.0
    for index, row in enumerate(_jaccard_matrix(words)):
        score = sum(row)  # the diagonal and pairs of empty headlines are 0.0: no change
        if score > best_score:
            best, best_score = index, score
    return cleaned[best]


def _jaccard_matrix(words: list[set[str]]) -> list[list[float]]:
    """The Jaccard similarity of every pair of headlines (0.0 on the diagonal and for
    two empty ones), each pair computed once: the matrix is symmetric."""
    sizes = [len(w) for w in words]
    matrix = [[0.0] * len(words) for _ in words]
    for index, mine in enumerate(words):
        row = matrix[index]
        for other in range(index + 1, len(words)):
            theirs = words[other]
            if mine or theirs:
                shared = len(mine & theirs)
                row[other] = matrix[other][index] = shared / (sizes[index] + sizes[other] - shared)
    return matrix


def neutral_story_title(pages: Sequence[tuple[str, str]]) -> str:
    """``story_title`` of the (headline, URL) pages that are news, not opinion; of all of
    them when every one is opinion."""
    news = [title for title, url in pages if not is_opinion(title, url)]
    return story_title(news or [title for title, _ in pages])
