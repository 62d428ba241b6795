"""Revisions: how one version of an article differs from the one before it.

``align`` pairs sentences (same, edited, moved, added, removed), ``changes`` names the
changes an editor would name (headline, update added, correction, copy edit...), and
``diff`` gives the word-level view for the terminal and the web page. Pure functions on
model objects: no I/O.
"""

from storyline.revisions.align import Alignment, align_sentences, split_sentences
from storyline.revisions.changes import compare_articles, is_copy_edit, summarize_changes
from storyline.revisions.diff import ArticleDiff, article_diff, render_terminal, word_diff

__all__ = [
    "Alignment",
    "ArticleDiff",
    "align_sentences",
    "article_diff",
    "compare_articles",
    "is_copy_edit",
    "render_terminal",
    "split_sentences",
    "summarize_changes",
    "word_diff",
]
