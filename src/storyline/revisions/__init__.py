"""Revisions: how one version of an article differs from the one before it.

``align`` pairs sentences (same, edited, moved, added, removed), ``changes`` names the
changes an editor would name (headline, update added, correction, factual change, wording...), and
``diff`` gives the word-level view for the terminal and the web page. Pure functions on
model objects: no I/O.
"""

from storyline.revisions.align import Alignment, align_sentences, split_sentences
from storyline.revisions.changes import compare_articles, edit_kind, is_copy_edit
from storyline.revisions.diff import ArticleDiff, article_diff, render_terminal, word_diff
from storyline.revisions.factual import is_factual
from storyline.revisions.wording import kind_label, summarize_changes

__all__ = [
    "Alignment",
    "ArticleDiff",
    "align_sentences",
    "article_diff",
    "compare_articles",
    "edit_kind",
    "is_copy_edit",
    "is_factual",
    "kind_label",
    "render_terminal",
    "split_sentences",
    "summarize_changes",
    "word_diff",
]
