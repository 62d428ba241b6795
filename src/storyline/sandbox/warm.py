"""Loaded by the forkserver only: import the extractor's lazily loaded libraries and
extract one small page, so every worker forked afterwards starts warm.

Without it a new worker spends its first page's budget importing trafilatura, htmldate
and dateparser and reading their data (about a second), and a worker that replaces one
stopped over budget would start the next page already late.
"""

from __future__ import annotations

from justext.core import define_stoplist  # type: ignore[import-untyped]  # no stubs
from trafilatura import external

from storyline.sandbox.work import extract_page_bytes

_PAGE = (
    b"<html><head><title>Warm-up</title><meta name='author' content='A. Writer'>"
    b"<meta property='article:published_time' content='2024-03-01T09:00:00Z'></head>"
    b"<body><article><h1>Warm-up</h1><p>Updated 1 March 2024. "
    + b"This short page loads the extraction libraries once, before any worker is forked. " * 4
    + b"</p></article></body></html>"
)


def _warm_stoplist() -> None:
    define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())


extract_page_bytes(_PAGE, "https://example.org/warm-up")

# jusText's all-languages stoplist (trafilatura's fallback for pages of no known language)
# is built on first use and lower-cased into a frozenset on the first classification: about
# 0.45 CPU-s that would otherwise land on one real page's budget in every worker.
_warm_stoplist()
