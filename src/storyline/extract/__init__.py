"""Page → Article: HTML pages and pages that are already plain text."""

from storyline.extract.html import extract_article
from storyline.extract.text import extract_text

__all__ = ["extract_article", "extract_text"]
