"""Word-level differences between two versions, for the CLI and the web page.

One data function (``article_diff``) and two renderers (``ArticleDiff.to_dict`` for JSON,
``render_terminal`` for people). The article is aligned by sentence first
(``align.py``), so word diffs run only inside edited sentences: cheap, and a moved
paragraph shows as moved rather than as a deletion plus an insertion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from storyline.model import Article
from storyline.revisions.align import Alignment, align_sentences
from storyline.revisions.sentences import SentenceRef, article_sentences
from storyline.revisions.wording import SECTION_LABELS

Segment = tuple[str, str]  # (op, text), op in "equal", "insert", "delete"

_TOKEN = re.compile(r"(\s*)(\w+|[^\w\s])")  # whitespace before, then a word or one mark
_RED, _GREEN, _DIM, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"
_STRIKE = "\x1b[9m"
_TERMINAL_LABELS = {k: v for k, v in SECTION_LABELS.items() if k != "body"}


def word_diff(before: str, after: str) -> list[Segment]:
    """Word-level diff: joining equal+delete gives ``before``, equal+insert gives ``after``.

    Words and punctuation marks are compared; the whitespace before each travels with
    it, so matching stays fast on long texts (whitespace as tokens of its own would make
    every gap a match candidate) and a change of spacing alone is still shown.
    """
    a, seps_a, tail_a = _tokens(before)
    b, seps_b, tail_b = _tokens(after)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if seps_a[i] != seps_b[j]:
                    raw += [("delete", seps_a[i]), ("insert", seps_b[j])]
                raw.append(("equal", seps_b[j] + a[i] if seps_a[i] == seps_b[j] else a[i]))
            continue
        if tag == "replace" and seps_a[i1] == seps_b[j1]:  # "The goverment": keep the space
            raw.append(("equal", seps_a[i1]))
            seps_a[i1] = seps_b[j1] = ""
        raw.append(("delete", "".join(seps_a[i] + a[i] for i in range(i1, i2))))
        raw.append(("insert", "".join(seps_b[j] + b[j] for j in range(j1, j2))))
    raw += [("equal", tail_a)] if tail_a == tail_b else [("delete", tail_a), ("insert", tail_b)]
    return _slide_spaces(_coalesce([seg for seg in raw if seg[1]]))


def _tokens(text: str) -> tuple[list[str], list[str], str]:
    """Words and marks, the whitespace before each, and the whitespace at the end."""
    words: list[str] = []
    seps: list[str] = []
    end = 0
    for match in _TOKEN.finditer(text):
        seps.append(match.group(1))
        words.append(match.group(2))
        end = match.end()
    return words, seps, text[end:]


def _slide_spaces(segments: list[Segment]) -> list[Segment]:
    """Move a lone change's leading space to its end: "troops [-may be -]leaving"."""
    out = list(segments)
    for k in range(1, len(out) - 1):
        (op0, left), (op, text), (op2, right) = out[k - 1], out[k], out[k + 1]
        if op0 == op2 == "equal" and op != "equal" and text[:1].isspace():
            space = text[0]
            if right.startswith(space):
                out[k - 1] = (op0, left + space)
                out[k] = (op, text[1:] + space)
                out[k + 1] = (op2, right[1:])
    return [seg for seg in out if seg[1]]


def _coalesce(segments: list[Segment]) -> list[Segment]:
    """Merge each run of changes into one deletion followed by one insertion."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(("delete", "".join(deleted)))
        if inserted:
            out.append(("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in segments:
        if op == "delete":
            deleted.append(text)
        elif op == "insert":
            inserted.append(text)
        elif text:
            flush()
            if out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + text)
            else:
                out.append(("equal", text))
    flush()
    return out


@dataclass
class DiffLine:
    """One sentence in the diff: its alignment op and its word segments."""

    op: str  # same, edited, moved, added, removed
    segments: list[Segment]
    new_paragraph: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``{"op", "new_paragraph", "segments": [{"op", "text"}, ...]}``."""
        return {
            "op": self.op,
            "new_paragraph": self.new_paragraph,
            "segments": [{"op": op, "text": text} for op, text in self.segments],
        }


@dataclass
class SectionDiff:
    """The diff lines of one section, in the new version's order."""

    kind: str
    heading: str | None = None
    lines: list[DiffLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "heading", "lines": [...]}``."""
        return {
            "kind": self.kind,
            "heading": self.heading,
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass
class ArticleDiff:
    """Headline first, then the standfirst and the body, section by section."""

    headline: list[Segment]
    sections: list[SectionDiff]

    @property
    def changed(self) -> bool:
        """Whether anything differs between the two versions."""
        if any(op != "equal" for op, _ in self.headline):
            return True
        return any(line.op != "same" for s in self.sections for line in s.lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"headline": [...], "changed": bool, "sections": [...]}``."""
        return {
            "headline": [{"op": op, "text": text} for op, text in self.headline],
            "changed": self.changed,
            "sections": [s.to_dict() for s in self.sections],
        }


def diff_from_dict(data: dict[str, Any]) -> ArticleDiff:
    """An ``ArticleDiff`` back from ``ArticleDiff.to_dict``'s JSON (for rendering it)."""
    sections = [
        SectionDiff(
            s["kind"],
            s.get("heading"),
            [
                DiffLine(
                    line["op"],
                    [(seg["op"], seg["text"]) for seg in line["segments"]],
                    line.get("new_paragraph", False),
                )
                for line in s["lines"]
            ],
        )
        for s in data.get("sections", [])
    ]
    return ArticleDiff([(seg["op"], seg["text"]) for seg in data.get("headline", [])], sections)


def article_diff(old: Article, new: Article) -> ArticleDiff:
    """Word-level diff of two versions of an article, aligned sentence by sentence.

    Sections follow the new version. A removed sentence stays in the section of its old
    neighbours (the sentence before it, else after it, in the same old section); a whole
    removed section keeps its own place under its old kind.
    """
    old_refs, new_refs = article_sentences(old), article_sentences(new)
    steps = align_sentences([r.text for r in old_refs], [r.text for r in new_refs])
    keys = _section_keys(steps, old_refs, new_refs)
    sections: dict[tuple[str, int], SectionDiff] = {}
    place: dict[tuple[str, int], float] = {}  # where each section goes in the new order
    last_new: dict[tuple[str, int], int] = {}
    last_old: dict[tuple[str, int], int] = {}
    position = -0.5
    for step, key in zip(steps, keys, strict=True):
        if key not in sections:
            sections[key] = _section_diff(new if key[0] == "new" else old, key[1])
        if step.after_index is not None:
            position = step.after_index
            place.setdefault(key, position)  # steps come in the new order: the first is least
            paragraph = new_refs[step.after_index].paragraph_index
            starts = last_new.get(key) != paragraph
            last_new[key] = paragraph
        else:
            if key[0] == "old":  # a section only the old version had: after its neighbour
                place.setdefault(key, position + 0.5)
            paragraph = old_refs[step.before_index or 0].paragraph_index
            starts = last_old.get(key) != paragraph
        if step.before_index is not None:
            last_old[key] = old_refs[step.before_index].paragraph_index
        segments = _segments(step.op, step.before, step.after)
        sections[key].lines.append(DiffLine(step.op, segments, starts))
    ordered = [sections[key] for key in sorted(sections, key=place.__getitem__)]
    return ArticleDiff(word_diff(old.title or "", new.title or ""), ordered)


def _section_diff(article: Article, index: int) -> SectionDiff:
    if index < 0:
        return SectionDiff("standfirst")
    section = article.sections[index]
    return SectionDiff(section.kind, section.heading)


def _section_keys(
    steps: list[Alignment], old_refs: list[SentenceRef], new_refs: list[SentenceRef]
) -> list[tuple[str, int]]:
    """Which output section each step goes to: ("new", index) or ("old", index)."""
    key_of_old: dict[int, tuple[str, int]] = {}
    for step in steps:
        if step.op in ("same", "edited"):  # as in align: a moved sentence is no anchor
            assert step.before_index is not None and step.after_index is not None
            key_of_old[step.before_index] = ("new", new_refs[step.after_index].section_index)
    # For each old sentence: the key of the nearest kept sentence of its own old section,
    # looking back first, then forward.
    home: list[tuple[str, int] | None] = [None] * len(old_refs)
    for order in (range(len(old_refs) - 1, -1, -1), range(len(old_refs))):
        nearest: tuple[str, int] | None = None
        section: int | None = None
        for k in order:
            if old_refs[k].section_index != section:
                nearest, section = None, old_refs[k].section_index
            nearest = key_of_old.get(k, nearest)
            home[k] = nearest or home[k]
    keys = []
    for step in steps:
        if step.after_index is not None:
            keys.append(("new", new_refs[step.after_index].section_index))
        else:
            i = step.before_index or 0
            keys.append(home[i] or ("old", old_refs[i].section_index))
    return keys


def _segments(op: str, before: str | None, after: str | None) -> list[Segment]:
    if op == "edited":
        return word_diff(before or "", after or "")
    if op == "added":
        return [("insert", after or "")]
    if op == "removed":
        return [("delete", before or "")]
    return [("equal", after or "")]


def render_terminal(diff: ArticleDiff, color: bool) -> str:
    """The diff as terminal text: red deletions, green insertions when ``color``.

    Without colour, deletions read ``[-like this-]`` and insertions ``{+like this+}``, as in
    ``git diff --word-diff=plain``, so the output still says what changed when piped.
    """
    lines = [_render_segments(diff.headline, color, bold=True), ""]
    for section in diff.sections:
        label = section.heading or _TERMINAL_LABELS.get(section.kind, "")
        if label:
            lines += [f"{_BOLD}## {label}{_RESET}" if color else f"## {label}", ""]
        paragraph: list[str] = []
        for line in section.lines:
            if line.new_paragraph and paragraph:
                lines += [" ".join(paragraph), ""]
                paragraph = []
            text = _render_segments(line.segments, color)
            if line.op == "moved":
                text = f"{_DIM}(moved){_RESET} {text}" if color else f"(moved) {text}"
            paragraph.append(text)
        if paragraph:
            lines += [" ".join(paragraph), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def touching(left: str, right: str) -> bool:
    """Whether two texts shown side by side would run together ("defeat" + "lock")."""
    return bool(left) and bool(right) and not left[-1].isspace() and not right[0].isspace()


def _render_segments(segments: list[Segment], color: bool, bold: bool = False) -> str:
    """Segments as text; in colour a deletion and the insertion right after it are kept
    a space apart when they would touch word to word ("defeat" struck, then "lock")."""
    parts = []
    previous = ("", "")
    for op, text in segments:
        if color and previous[0] == "delete" and op == "insert" and touching(previous[1], text):
            parts.append(" ")
        previous = (op, text)
        if op == "equal":
            parts.append(f"{_BOLD}{text}{_RESET}" if color and bold else text)
        elif op == "delete":
            parts.append(f"{_RED}{_STRIKE}{text}{_RESET}" if color else f"[-{text}-]")
        else:
            parts.append(f"{_GREEN}{text}{_RESET}" if color else f"{{+{text}+}}")
    return "".join(parts)
