"""Revisions benchmark: how long aligning and classifying one version pair takes.

Builds realistic version pairs of about 2,000 words from the annotated article bodies in
``../shared/data/extraction/ground-truth.json`` (bodies joined until they reach the
target length), then makes a newer version of each with seeded random edits of the kinds
newsrooms make: copy edits (a typo fixed, a word replaced or swapped, a sentence split
in two at ", and"), sentences inserted and deleted, a paragraph moved, a sentence
rewritten, and an update block on top. A second workload pairs two unrelated 2,000-word
texts: the worst case for the similarity pass, where no sentence matches exactly.

Timings are CPU time per call (``time.process_time``, so that other work on a shared
machine does not count), median and 95th percentile over all pairs, each pair run
``--repeat`` times:

- ``split``: ``split_sentences`` on both versions;
- ``align``: ``align_sentences`` on the two sentence lists (the 10 ms target);
- ``compare_articles``: split, align and classify two ``Article``s;
- ``article_diff``: the word-level diff the CLI and web page render;
- peers: ``difflib.SequenceMatcher(...).get_opcodes()`` over the same sentence lists,
  and over the two bodies' words, the standard library's edit scripts. They are no
  drop-in replacement (no moves; an edited sentence is a "replace" block), but show
  what an alignment costs without the hashing and indexing.

Usage:
    .venv/bin/python benchmarks/revisions.py [--pairs N] [--words N] [--repeat N]
        [--seed N] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

from storyline.model import Article, Paragraph, Section
from storyline.revisions import (
    align_sentences,
    article_diff,
    compare_articles,
    split_sentences,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TRUTH = ROOT / ".." / "shared" / "data" / "extraction" / "ground-truth.json"
COMMAND = ".venv/bin/python benchmarks/revisions.py --write docs/benchmarks.md"
SECTION = "## Revisions"
START, END = "<!-- revisions-table:start -->", "<!-- revisions-table:end -->"
UPDATE = [
    "UPDATE: The ministry confirmed on Friday evening that the decision is final.",
    "A spokesperson said further details would be given at a press conference tomorrow.",
]


Expected = dict[str, Counter[tuple[str | None, str | None]]]


@dataclass
class Pair:
    """Two versions of one article, with the sentence changes that made the second."""

    old: Article
    new: Article
    expected: Expected


def load_bodies(path: Path) -> list[list[str]]:
    """Paragraph lists of every annotated article body, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    bodies = []
    for entry in data.values():
        paragraphs = [p.strip() for p in entry.get("articleBody", "").split("\n") if p.strip()]
        if paragraphs:
            bodies.append(paragraphs)
    return bodies


def long_body(bodies: list[list[str]], start: int, words: int) -> list[str]:
    """Paragraphs from consecutive bodies, starting at ``start``, until ``words`` words."""
    out: list[str] = []
    count, k = 0, start
    while count < words:
        for paragraph in bodies[k % len(bodies)]:
            out.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
        k += 1
    return out


def _copy_edit(sentence: str, rng: random.Random) -> str:
    """One small edit: a letter dropped, a word replaced, or two words swapped.

    Words are replaced and swapped only inside sentences of four words or more, and never
    at the start: replacing the one word of "Disclaimer" is a rewrite, and a lower-case
    word moved to the front would no longer start a sentence.
    """
    words = sentence.split()
    editable = [i for i, w in enumerate(words) if len(w) > 3 and w.isalpha()]
    if not editable:  # "...", "Q:": nothing to edit, left as it is
        return sentence
    how = rng.choice(("typo", "word", "swap")) if len(words) >= 4 else "typo"
    inner = [i for i in editable if i > 0]
    swappable = [i for i in inner if i + 1 < len(words) and words[i + 1].isalpha()]
    if how == "swap" and swappable:
        i = rng.choice(swappable)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif how != "typo" and inner:
        words[rng.choice(inner)] = rng.choice(("officials", "reportedly", "several"))
    else:
        i = rng.choice(editable)
        cut = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:cut] + words[i][cut + 1 :]
    return " ".join(words)


def edit_version(paragraphs: list[str], rng: random.Random) -> tuple[list[str], Expected]:
    """A newer version of ``paragraphs`` with a realistic mix of edits, and their truth.

    Each sentence is tracked as ``[origin, text]`` (origin ``None`` for a new sentence), so
    the changes a perfect classifier reports can be read off the result.
    """
    doc = [[[s, s] for s in split_sentences(p)] for p in paragraphs]
    expected: Expected = {"copy_edit": Counter(), "added": Counter(), "removed": Counter()}
    for _ in range(rng.randint(2, 5)):  # copy edits
        p = rng.randrange(len(doc))
        if doc[p]:
            sentence = doc[p][rng.randrange(len(doc[p]))]
            sentence[1] = _copy_edit(sentence[1], rng)
    for _ in range(rng.randint(0, 2)):  # a sentence split in two, as copy desks do
        p = rng.randrange(len(doc))
        long_ones = [s for s in doc[p] if s[0] is not None and ", and " in s[1]]
        if long_ones:
            sentence = rng.choice(long_ones)
            head, tail = sentence[1].split(", and ", 1)
            sentence[1] = f"{head}. And {tail}"
    for _ in range(rng.randint(1, 3)):  # deletions
        p = rng.randrange(len(doc))
        if len(doc[p]) > 1:
            origin, _ = doc[p].pop(rng.randrange(len(doc[p])))
            expected["removed"][(origin, None)] += 1
    for _ in range(rng.randint(1, 3)):  # insertions
        p = rng.randrange(len(doc))
        doc[p].insert(0, [None, f"Officials added on day {rng.randint(2, 28)} that talks go on."])
    p = rng.randrange(len(doc))  # a rewrite of a paragraph's last sentence
    if doc[p] and doc[p][-1][0] is not None:
        expected["removed"][(doc[p][-1][0], None)] += 1
        doc[p][-1] = [None, "The rest of this paragraph was rewritten by the desk entirely."]
    a, b = rng.randrange(len(doc)), rng.randrange(len(doc))  # a paragraph moved
    doc.insert(b, doc.pop(a))
    for origin, text in (s for paragraph in doc for s in paragraph):
        if origin is None:
            expected["added"][(None, text)] += 1
        elif origin != text:
            expected["copy_edit"][(origin, text)] += 1
    return [" ".join(s[1] for s in p) for p in doc if p], expected


def make_pairs(bodies: list[list[str]], n: int, words: int, seed: int) -> list[Pair]:
    """``n`` realistic version pairs of about ``words`` words each."""
    rng = random.Random(seed)
    pairs = []
    for k in range(n):
        paragraphs = long_body(bodies, k * 3, words)
        new_paragraphs, expected = edit_version(paragraphs, rng)
        old = Article(title=f"Story {k}", sections=[Section("body", _paras(paragraphs))])
        new = Article(
            title=f"UPDATE: Story {k}",
            sections=[
                Section("update", _paras(UPDATE)),
                Section("original", _paras(new_paragraphs)),
            ],
        )
        pairs.append(Pair(old, new, expected))
    return pairs


def unrelated_pairs(bodies: list[list[str]], n: int, words: int) -> list[Pair]:
    """``n`` pairs of two different texts: nothing matches exactly (the worst case)."""
    pairs = []
    for k in range(n):
        a, b = long_body(bodies, k * 3, words), long_body(bodies, k * 3 + len(bodies) // 2, words)
        old = Article(title="A", sections=[Section("body", _paras(a))])
        new = Article(title="B", sections=[Section("body", _paras(b))])
        pairs.append(Pair(old, new, {}))
    return pairs


def _paras(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(t) for t in texts]


def _split_all(texts: list[str]) -> list[list[str]]:
    return [split_sentences(t) for t in texts]


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    """CPU milliseconds per call: the machine is shared, so wall time would measure others."""
    out = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        out.append((time.process_time() - t0) * 1000)
    return out


def measure(pairs: list[Pair], repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call of each stage, over every pair and repeat."""
    times: dict[str, list[float]] = {
        "split": [],
        "align": [],
        "compare_articles": [],
        "article_diff": [],
        "peer: difflib over sentences": [],
        "peer: difflib over words": [],
    }
    for pair in pairs:
        texts = [pair.old.body_text, pair.new.body_text]
        before, after = split_sentences(texts[0]), split_sentences(texts[1])
        words = [texts[0].split(), texts[1].split()]
        times["split"] += _time(partial(_split_all, texts), repeat)
        times["align"] += _time(partial(align_sentences, before, after), repeat)
        times["compare_articles"] += _time(partial(compare_articles, pair.old, pair.new), repeat)
        times["article_diff"] += _time(partial(article_diff, pair.old, pair.new), repeat)
        times["peer: difflib over sentences"] += _time(partial(_opcodes, before, after), repeat)
        times["peer: difflib over words"] += _time(partial(_opcodes, *words), repeat)
    return times


def _opcodes(a: list[str], b: list[str]) -> object:
    """The standard library's answer: an edit script, with no moves and no edit pairing."""
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(workloads: dict[str, tuple[list[Pair], dict[str, list[float]]]]) -> str:
    """The markdown table: one row per workload and stage."""
    rows = [
        "| workload | words (old / new) | sentences (old / new) | stage | median ms | p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, (pairs, times) in workloads.items():
        words = (
            statistics.mean(len(p.old.body_text.split()) for p in pairs),
            statistics.mean(len(p.new.body_text.split()) for p in pairs),
        )
        sents = (
            statistics.mean(len(split_sentences(p.old.body_text)) for p in pairs),
            statistics.mean(len(split_sentences(p.new.body_text)) for p in pairs),
        )
        for stage, values in times.items():
            rows.append(
                f"| {name} | {words[0]:.0f} / {words[1]:.0f} | {sents[0]:.0f} / "
                f"{sents[1]:.0f} | {stage} | {statistics.median(values):.2f} | "
                f"{_p95(values):.2f} |"
            )
    return "\n".join(rows)


def classification(pairs: list[Pair]) -> str:
    """How well compare_articles names the edits that were made: a table per change kind.

    Headline and update changes are expected once per pair. Moved sentences have no
    single right answer (moving paragraph A below B equals moving B above A), so they
    are only counted.
    """
    found: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for pair in pairs:
        changes = compare_articles(pair.old, pair.new)
        found.update(c.kind for c in changes)
        for kind, truth in pair.expected.items():
            wanted[kind] += truth.total()
            reported = Counter((c.before, c.after) for c in changes if c.kind == kind)
            hits[kind] += (truth & reported).total()
        for kind in ("headline", "update_added"):
            wanted[kind] += 1
            hits[kind] += min(1, sum(c.kind == kind for c in changes))
    rows = [
        "| change kind | made | reported | correct | recall | precision |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ("headline", "update_added", "copy_edit", "added", "removed", "moved"):
        made = wanted.get(kind)
        recall = f"{hits[kind] / made:.3f}" if made else "–"
        precision = f"{hits[kind] / found[kind]:.3f}" if made and found[kind] else "–"
        rows.append(
            f"| {kind} | {made if made is not None else '–'} | {found[kind]} | "
            f"{hits[kind] if made else '–'} | {recall} | {precision} |"
        )
    return "\n".join(rows)


def write_section(doc: Path, body: str) -> None:
    """Put this benchmark's figures into its section of ``doc`` (markdown_sections)."""
    replace_block(doc, SECTION, "revisions-table", body)


def main(argv: list[str] | None = None) -> int:
    """Build the pairs, time every stage, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--write", type=Path, default=None, help="markdown file to update")
    args = parser.parse_args(argv)
    bodies = load_bodies(args.truth)
    edited = make_pairs(bodies, args.pairs, args.words, args.seed)
    unrelated = unrelated_pairs(bodies, max(1, args.pairs // 4), args.words)
    workloads = {
        "edited + update": (edited, measure(edited, args.repeat)),
        "unrelated texts": (unrelated, measure(unrelated, args.repeat)),
    }
    load = os.getloadavg()[0]
    output = (
        f"CPU ms per call, {args.pairs} edited pairs and {len(unrelated)} unrelated pairs, "
        f"each run {args.repeat} times; 1-minute load average at the end: {load:.1f} on "
        f"{os.cpu_count()} CPUs.\n\n"
        f"{table(workloads)}\n\nClassification over the {len(edited)} edited pairs "
        "(copy edits: a letter dropped, a word replaced, two words swapped, or a sentence "
        'split in two at ", and"; sometimes twice in one sentence):\n\n'
        f"{classification(edited)}"
    )
    print(output)
    if args.write:
        write_section(args.write, f"Command: `{COMMAND}`\n\n{output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
