"""storyline: follow developing news stories.

The public surface is deliberately small; everything else lives in sub-packages.
"""

from storyline.errors import StorylineError
from storyline.extract import extract_article, extract_text
from storyline.model import Article, Change, Paragraph, Promo, Section, Story, Teaser, Version

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
