"""What changed between two versions of an article, in words an editor would use.

The rules, in the order they are applied:

- ``headline``: the title differs (whitespace aside); before/after are the two titles.
- Sentences are aligned across the whole article, standfirst and every section together,
  so text that moved from the body into an "Original story" section is unchanged.
- ``update_added``: sentences added inside an ``update`` or ``live_entry`` section, one
  change per section, with the added text (paragraphs joined by newlines) as ``after``.
  This covers a new update block and an update that grew. A new paragraph opening with
  "UPDATE:", "Update 2:" or "Updated at 14:00:" inside an ordinary section, with the new
  paragraphs right after it, is an update too (extraction may not have split it off).
- ``correction``: sentences added inside a ``correction`` or ``editors_note`` section, or
  a paragraph whose first sentence starts like a correction note ("Correction:", "An
  earlier version of this article ..."); one change per such section or paragraph.
- ``copy_edit``: an edited sentence whose edit is small: at most 3 words changed on
  either side, or a character-level similarity of at least 0.9. A sentence split in two,
  or two merged into one, is one copy edit when the joined text passes the same test.
- ``factual``: such a small edit that changes a number, a date or a name ("80 → 85
  millimetres", "2019 → 2017", "Monday → Tuesday"; ``factual.is_factual``): few letters,
  but news, so it is not called a copy edit.
- A larger edit is a rewrite: reported as ``removed`` (the old sentence) immediately
  followed by ``added`` (the new one), so each kind keeps one meaning: copy edits and
  factual changes are the only changes with both sides, besides ``headline`` and ``moved``.
- ``added`` / ``removed``: any other new or vanished sentence. A heading paragraph added
  at the top of an ``original`` section is its label, not news, and is not reported.
- ``moved``: a sentence found unchanged but out of order; before and after are the same.

``Change.section`` is the kind of the section the sentence is in (the new version's for
everything but ``removed``), or ``"standfirst"``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from storyline.model import Article, Change, ChangeKind
from storyline.revisions.align import Alignment, align_sentences
from storyline.revisions.diff import word_diff
from storyline.revisions.factual import is_factual
from storyline.revisions.sentences import SentenceRef, article_sentences
from storyline.revisions.wording import summarize_changes

__all__ = ["compare_articles", "edit_kind", "is_copy_edit", "summarize_changes"]

COPY_EDIT_MAX_WORDS = 3
COPY_EDIT_MIN_RATIO = 0.9

_UPDATE_SECTIONS = frozenset({"update", "live_entry"})
_CORRECTION_SECTIONS = frozenset({"correction", "editors_note"})
_CORRECTION_START = re.compile(
    r"^\W*(?:corrections?\b|clarifications?\b|editor[’']?s[’']? note\b|"
    r"(?:an|the) earlier version of this\b|a previous version of this\b|"
    r"this (?:article|story|report) (?:has been|was) (?:corrected|amended|updated to correct))",
    re.IGNORECASE,
)
_UPDATE_START = re.compile(r"^\W*update[ds]?\b(?:\s+\d+)?\s*(?:[:,(\-–—]|at\s+\d)", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def compare_articles(old: Article, new: Article) -> list[Change]:
    """Classified changes from ``old`` to ``new``: headline first, then in reading order."""
    changes: list[Change] = []
    if " ".join((old.title or "").split()) != " ".join((new.title or "").split()):
        changes.append(Change("headline", before=old.title, after=new.title))
    old_refs, new_refs = article_sentences(old), article_sentences(new)
    steps = align_sentences([r.text for r in old_refs], [r.text for r in new_refs])
    marked = _marked_paragraphs(steps, new_refs)
    small = {k for k, s in enumerate(steps) if s.op == "edited" and is_copy_edit(s.before, s.after)}
    rejoined, consumed = _splits_and_merges(steps, small, old_refs, new_refs)
    blocks: dict[tuple[str, int], tuple[Change, list[SentenceRef]]] = {}
    for position, step in enumerate(steps):
        if position in consumed:
            if position in rejoined:
                changes.append(rejoined[position])
            continue
        if step.op == "same":
            continue
        new_ref = new_refs[step.after_index] if step.after_index is not None else None
        old_ref = old_refs[step.before_index] if step.before_index is not None else None
        if step.op == "moved" and new_ref:
            changes.append(Change("moved", step.before, step.after, new_ref.section))
        elif position in small and new_ref:
            kind = edit_kind(step.before, step.after)
            changes.append(Change(kind, step.before, step.after, new_ref.section))
        else:  # removed, added, or edited beyond a copy edit (a rewrite)
            if old_ref is not None:
                changes.append(Change("removed", step.before, None, old_ref.section))
            if new_ref is not None:
                _add_sentence(changes, blocks, new_ref, marked)
    for change, refs in blocks.values():
        change.after = _join(refs)
    return changes


def edit_kind(before: str | None, after: str | None) -> ChangeKind:
    """``factual`` when a small edit changes a number, a date or a name, else ``copy_edit``."""
    return "factual" if is_factual(before or "", after or "") else "copy_edit"


def is_copy_edit(before: str | None, after: str | None) -> bool:
    """Whether editing ``before`` into ``after`` is a small fix rather than a rewrite."""
    if before is None or after is None:
        return False
    words_apart = abs(len(_WORD.findall(before)) - len(_WORD.findall(after)))
    longest_share = 2 * min(len(before), len(after)) / max(1, len(before) + len(after))
    if words_apart > COPY_EDIT_MAX_WORDS and longest_share < COPY_EDIT_MIN_RATIO:
        return False  # neither test can pass: skip the diffs
    deleted = inserted = 0
    for op, text in word_diff(before, after):
        if op == "delete":
            deleted += len(_WORD.findall(text))
        elif op == "insert":
            inserted += len(_WORD.findall(text))
    if max(deleted, inserted) <= COPY_EDIT_MAX_WORDS:
        return True
    return SequenceMatcher(None, before, after, autojunk=False).ratio() >= COPY_EDIT_MIN_RATIO


def _splits_and_merges(
    steps: list[Alignment],
    small: set[int],
    old_refs: list[SentenceRef],
    new_refs: list[SentenceRef],
) -> tuple[dict[int, Change], set[int]]:
    """Sentences split in two, or two merged into one, with the words barely changed.

    Sentence by sentence these look like a rewrite plus an added (or removed) sentence;
    read together they are a copy edit. Looks at runs of two or three neighbouring steps
    that are rewrites, additions or removals (not copy edits already: joining a new
    sentence to a typo fix would hide news). Returns each run's copy edit by the position
    of its first step, and the positions the runs cover.
    """
    open_ = [
        s.op in ("added", "removed") or (s.op == "edited" and k not in small)
        for k, s in enumerate(steps)
    ]
    rejoined: dict[int, Change] = {}
    consumed: set[int] = set()
    for position in range(len(steps) - 1):
        if position in consumed or not (open_[position] and open_[position + 1]):
            continue
        for size in (2, 3):
            window = steps[position : position + size]
            if len(window) < size or not all(open_[position : position + size]):
                break
            if len({s.op for s in window}) == 1:
                continue  # only additions or only removals: nothing was split or merged
            change = _rejoin(window, old_refs, new_refs)
            if change is not None:
                rejoined[position] = change
                consumed.update(range(position, position + size))
                break
    return rejoined, consumed


def _rejoin(
    window: list[Alignment], old_refs: list[SentenceRef], new_refs: list[SentenceRef]
) -> Change | None:
    """The copy edit a run of steps amounts to when read as one, or ``None``."""
    olds = sorted(s.before_index for s in window if s.before_index is not None)
    news = sorted(s.after_index for s in window if s.after_index is not None)
    if sorted((len(olds), len(news))) != [1, 2]:
        return None
    if olds[-1] - olds[0] != len(olds) - 1 or news[-1] - news[0] != len(news) - 1:
        return None
    if len({new_refs[j].section_index for j in news}) > 1:
        return None
    before = " ".join(old_refs[i].text for i in olds)
    after = " ".join(new_refs[j].text for j in news)
    if not is_copy_edit(before, after):
        return None
    return Change(edit_kind(before, after), before, after, new_refs[news[0]].section)


def _marked_paragraphs(
    steps: list[Alignment], new_refs: list[SentenceRef]
) -> dict[int, ChangeKind]:
    """New paragraphs that open an update or a correction inside an ordinary section.

    A paragraph counts when its first sentence is new and starts like a note ("UPDATE:",
    "Correction:"). An update goes on through the wholly new paragraphs right after it in
    the same section; a correction note is the one paragraph.
    """
    new_sentences = {s.after_index for s in steps if s.op in ("added", "edited")}
    paragraphs: dict[int, list[int]] = {}  # paragraph -> its sentence indexes
    for index, ref in enumerate(new_refs):
        paragraphs.setdefault(ref.paragraph_index, []).append(index)

    def opening(paragraph: int) -> ChangeKind | None:
        first = paragraphs[paragraph][0]
        if first not in new_sentences:
            return None
        if _CORRECTION_START.match(new_refs[first].text):
            return "correction"
        return "update_added" if _UPDATE_START.match(new_refs[first].text) else None

    marks: dict[int, ChangeKind] = {}
    for paragraph in paragraphs:
        kind = marks.get(paragraph) or opening(paragraph)
        if kind is None:
            continue
        marks[paragraph] = kind
        following = paragraph + 1
        if kind == "update_added" and following in paragraphs and opening(following) is None:
            section = new_refs[paragraphs[paragraph][0]].section_index
            sentences = paragraphs[following]
            if new_refs[sentences[0]].section_index == section and all(
                i in new_sentences for i in sentences
            ):
                marks[following] = kind
    return marks


def _add_sentence(
    changes: list[Change],
    blocks: dict[tuple[str, int], tuple[Change, list[SentenceRef]]],
    ref: SentenceRef,
    marked: dict[int, ChangeKind],
) -> None:
    """Record one added sentence: into an update or correction block, or on its own."""
    kind: ChangeKind
    if ref.section in _UPDATE_SECTIONS:
        key, kind = ("section", ref.section_index), "update_added"
    elif ref.section in _CORRECTION_SECTIONS:
        key, kind = ("section", ref.section_index), "correction"
    elif ref.paragraph_index in marked:
        kind = marked[ref.paragraph_index]
        first = ref.paragraph_index  # an update run is one change, keyed by where it opens
        while kind == "update_added" and marked.get(first - 1) == kind:
            first -= 1
        key = ("paragraph", first)
    elif (
        ref.section == "original"
        and ref.paragraph_kind == "heading"
        and ref.paragraph_in_section == 0
    ):
        return
    else:
        changes.append(Change("added", None, ref.text, ref.section))
        return
    if key not in blocks:
        change = Change(kind, None, None, ref.section)
        changes.append(change)
        blocks[key] = (change, [])
    blocks[key][1].append(ref)


def _join(refs: list[SentenceRef]) -> str:
    parts: list[str] = []
    previous: int | None = None
    for ref in refs:
        if previous is not None:
            parts.append("\n" if ref.paragraph_index != previous else " ")
        parts.append(ref.text)
        previous = ref.paragraph_index
    return "".join(parts)
