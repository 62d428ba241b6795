"""storyline: follow developing news stories.

The public surface is deliberately small; everything else lives in sub-packages.

The extraction functions are imported on first use (PEP 562): importing the package
itself, which every ``storyline.*`` import does, then costs no trafilatura, htmldate and
lxml loading (about 0.3 CPU-s) in processes that never extract: most CLI commands, and
the Spark backfill's Python workers for the stages after extraction.
"""

from typing import TYPE_CHECKING, Any

from storyline.errors import StorylineError
from storyline.model import Article, Change, Paragraph, Promo, Section, Story, Teaser, Version

if TYPE_CHECKING:
    from storyline.extract import extract_article, extract_text

_LAZY = ("extract_article", "extract_text")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from storyline import extract

        return getattr(extract, name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


__all__ = [
    "Article",
    "Change",
    "Paragraph",
    "Promo",
    "Section",
    "Story",
    "StorylineError",
    "Teaser",
    "Version",
    "extract_article",
    "extract_text",
]
