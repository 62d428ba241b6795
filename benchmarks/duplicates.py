"""Near-duplicate detectors side by side: which one finds syndicated copies best, and how fast.

storyline had two detectors (#13): ``storyline.duplicates`` (MinHash, 128 values,
4-word shingles, LSH bands, threshold 0.5 on the body text; every storing path's) and
threading's own bottom-64 CRC-32 sketch of 5-word shingles at 0.8 on headline + body.
This benchmark chose the first (its earlier figures are in docs/benchmarks.md), and
threading now uses it too, through ``duplicates.CopyIndex`` (the same policy online and
in memory). The rows: the store's index as the pipeline runs it, the threader's
``CopyIndex`` on the text threading gives it, and MinHash at 0.8 (the old sketch's
threshold), so that the method and its setting can still be told apart.

The sets (every document set we have, each one its own run):

- **Constructed wire copies.** The originals are the real article texts of a set: the 82
  shared extraction pages and the 683 dragnet pages (annotated bodies, headline from the
  page's ``<title>``) and the 496 ECB+ articles (first line the headline). Each original
  of 80 words or more gets two syndicated variants made the way wire copy is republished
  (seeded, so every run builds the same set): a dateline ("LONDON (Reuters) —"), a local
  intro sentence, the republisher's boilerplate (copyright, "Reporting by …", newsletter
  and follow lines), the last paragraph or two trimmed, a shortened version (the first
  60 % of the paragraphs), a rewritten headline, and a few copy edits (spelling, "said" →
  "says", per cent). Each variant draws a few of these; the table breaks recall down by
  each one.
- **Real copies.** ECB+ was collected from news sites, and some of its articles are the
  same agency story on several sites (an AP boxing report on five sites, an earthquake
  report republished with edits). Candidate pairs come from an exact comparison of word
  4-shingles (Jaccard ≥ 0.2 or the shorter text ≥ 50 % contained); a pair is a copy when
  at least 60 % of the sentences of each text (or 80 % of the shorter one's: a trimmed
  copy) have a near-verbatim counterpart in the other (difflib ratio ≥ 0.8), a pair that
  shares 50 % or more of one side's sentences otherwise is *ambiguous* (two editions of
  one wire story: an update with new figures) and is left out of the scores, and pairs of
  one site (same host; the dragnet's blog posts sharing their comment guidelines, weekly
  lists sharing a template: read by hand) are never copies. Copies are closed
  transitively into groups, which count in the constructed sets too.

Scores are over pairs of documents: a pair the detector puts in one group is a true
positive when the truth has them in one group; precision and recall over all pairs
(ambiguous ones left out). Speed is CPU time (``time.process_time``: other jobs share
the machine) per 1,000 documents for the signature and the index together, in memory;
the store's side (``pipeline/copies.py``'s ``index_copies`` in a SQLite transaction) is
timed separately for the chosen detector.

Usage:
    .venv/bin/python benchmarks/duplicates.py [--variants 2] [--seed 13]
        [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import urlsplit

from markdown_sections import replace_block  # noqa: E402  (benchmarks/ is on sys.path)

from storyline.duplicates import (
    CopyIndex,
    Fingerprinter,
    LshParams,
    band_keys,
    similarities,
    text_signature,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
SECTION = "## Near-duplicates"
_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass
class Doc:
    """One text as a detector sees it: key, headline, body, and what it was made from."""

    key: str
    title: str
    body: str
    origin: str  # the original's key (itself for an original)
    host: str = ""
    edits: tuple[str, ...] = ()


# -- the sets -------------------------------------------------------------------------------


def _page_title(path: Path) -> str:
    try:
        found = _TITLE.search(gzip.decompress(path.read_bytes())[:200_000])
    except (OSError, EOFError):
        return ""
    return re.sub(r"\s+", " ", found.group(1).decode("utf-8", "replace")).strip() if found else ""


def annotated_set(folder: Path, prefix: str) -> list[Doc]:
    """The annotated bodies of a shared page set, each with its page's title."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for page_id, item in sorted(truth.items()):
        title = _page_title(folder / "html" / f"{page_id}.html.gz")
        host = urlsplit(item.get("url") or "").hostname or ""
        key = f"{prefix}:{page_id}"
        docs.append(Doc(key, title, item["articleBody"].strip(), key, host))
    return docs


def ecb_set() -> list[Doc]:
    """The ECB+ articles: first line the headline, the rest the body."""
    docs = []
    for line in (SHARED / "stories" / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        title, _, body = row["text"].partition("\n")
        key = f"ecb:{row['id']}"
        docs.append(Doc(key, title.strip(), body.strip(), key))
    return docs


# -- real copies among the originals --------------------------------------------------------


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}


def _sentences(text: str) -> list[str]:
    return [s.strip().lower() for s in _SENTENCE.split(text) if len(s.split()) >= 5]


def _matched(mine: list[str], theirs: list[str]) -> float:
    if not mine:
        return 0.0
    hits = sum(
        any(SequenceMatcher(None, s, t, autojunk=False).ratio() >= 0.8 for t in theirs)
        for s in mine
    )
    return hits / len(mine)


@dataclass
class Truth:
    """Groups of copies (by key) and the pairs left out of the scores."""

    group: dict[str, str] = field(default_factory=dict)
    ambiguous: set[tuple[str, str]] = field(default_factory=set)
    real_pairs: int = 0

    def root(self, key: str) -> str:
        while self.group.get(key, key) != key:
            key = self.group[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.group[max(ra, rb)] = min(ra, rb)


def real_copies(docs: list[Doc]) -> Truth:
    """The copies among real texts (see the module docstring for the rule)."""
    truth = Truth()
    sets = {d.key: _shingles(d.body) for d in docs if len(_WORD.findall(d.body)) >= 40}
    index: defaultdict[str, list[str]] = defaultdict(list)
    for key, shingles in sets.items():
        for s in shingles:
            index[s].append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for keys in index.values():
        if len(keys) <= 50:  # a boilerplate line on many pages says nothing about a pair
            shared.update(itertools.combinations(sorted(keys), 2))
    by_key = {d.key: d for d in docs}
    for (a, b), n in shared.items():
        jaccard = n / len(sets[a] | sets[b])
        if jaccard < 0.2 and n / min(len(sets[a]), len(sets[b])) < 0.5:
            continue
        first, second = by_key[a], by_key[b]
        if first.host and first.host == second.host:
            continue  # one site's pages: a template, not syndication
        sa, sb = _sentences(first.body), _sentences(second.body)
        ma, mb = _matched(sa, sb), _matched(sb, sa)
        shorter = ma if len(sa) <= len(sb) else mb
        if min(ma, mb) >= 0.6 or shorter >= 0.8:
            truth.join(a, b)
            truth.real_pairs += 1
        elif max(ma, mb) >= 0.5:
            truth.ambiguous.add((a, b))
    return truth


# -- constructed wire copies ---------------------------------------------------------------

_AGENCIES = ("Reuters", "AP", "AFP", "dpa", "Ritzau", "PA")
_CITIES = ("LONDON", "WASHINGTON", "COPENHAGEN", "BERLIN", "PARIS", "NAIROBI", "SYDNEY")
_INTROS = (
    "Here is the latest on this developing story from our wire service partners.",
    "This story was first published by {agency} and is republished here with permission.",
    "The following report was filed by {agency} correspondents on the ground.",
    "Our newsroom is following this story and will update it as we learn more.",
)
_TAILS = (
    "Copyright {year} {agency}. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "Reporting by {agency} staff; Editing by the world desk.",
    "Sign up for our morning newsletter to get the day's top stories in your inbox.",
    "Follow us on Facebook and Twitter for more news from around the world.",
    "Photo: {agency}",
)
_EDITS = (
    (r"\bsaid\b", "says"),
    (r"\bpercent\b", "per cent"),
    (r"\borganization\b", "organisation"),
    (r"\bcenter\b", "centre"),
    (r"\bMr\. ", "Mr "),
    (r"\bon Monday\b", "on Monday morning"),
    (r"\balso\b", ""),
)


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def make_variant(doc: Doc, rng: random.Random, number: int) -> Doc:
    """A syndicated copy of ``doc``: a few of the republishing edits, drawn at random."""
    paras = _paragraphs(doc.body)
    agency = rng.choice(_AGENCIES)
    edits: list[str] = []
    if len(paras) >= 5 and rng.random() < 0.15:
        paras = paras[: max(2, round(len(paras) * 0.6))]
        edits.append("shortened")
    elif len(paras) >= 3 and rng.random() < 0.55:
        paras = paras[: -2 if len(paras) >= 6 and rng.random() < 0.3 else -1]
        edits.append("trimmed")
    if rng.random() < 0.5:
        paras[0] = f"{rng.choice(_CITIES)} ({agency}) — {paras[0]}"
        edits.append("dateline")
    if rng.random() < 0.4:
        paras.insert(0, rng.choice(_INTROS).format(agency=agency))
        edits.append("local intro")
    if rng.random() < 0.5:
        for pattern, repl in rng.sample(_EDITS, 3):
            paras = [re.sub(pattern, repl, p, count=1) for p in paras]
        edits.append("copy edits")
    if rng.random() < 0.6:
        tails = rng.sample(_TAILS, rng.choice((1, 2)))
        paras += [t.format(agency=agency, year=2020 + number) for t in tails]
        edits.append("boilerplate")
    title = doc.title
    if rng.random() < 0.7:
        title = _rewrite_headline(title, rng)
        edits.append("headline")
    if not edits:
        edits.append("verbatim")
    host = f"site{number}.example"
    return Doc(f"{doc.key}#v{number}", title, "\n".join(paras), doc.origin, host, tuple(edits))


def _rewrite_headline(title: str, rng: random.Random) -> str:
    words = title.split(" - ")[0].split(" | ")[0].split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    prefix = rng.choice(("", "UPDATE: ", "Wire: ", "Breaking: "))
    return prefix + " ".join(words).capitalize()


def constructed(originals: list[Doc], variants: int, seed: int) -> list[Doc]:
    """The originals and their variants, in a shuffled order (a copy may come first)."""
    rng = random.Random(seed)
    docs = list(originals)
    for doc in originals:
        if len(_WORD.findall(doc.body)) >= 80:
            docs += [make_variant(doc, rng, n) for n in range(1, variants + 1)]
    rng.shuffle(docs)
    return docs


# -- the detectors ------------------------------------------------------------------------


class MinHashDetector:
    """storyline.duplicates as the pipeline runs it (``pipeline/copies.py``), in memory."""

    def __init__(self, threshold: float) -> None:
        self.name = f"MinHash LSH, 4-word shingles, {threshold}"
        self.params = LshParams.for_threshold(threshold)
        self.fingerprints = Fingerprinter()
        self.bands: defaultdict[int, list[str]] = defaultdict(list)
        self.signatures: dict[str, bytes] = {}

    def add(self, doc: Doc) -> list[str]:
        signature = self.fingerprints.signature(doc.body)
        if signature is None:
            return []
        keys = band_keys(signature, self.params)
        hits: Counter[str] = Counter(k for key in keys for k in self.bands.get(key, ()))
        nearest = [k for k, _ in hits.most_common(50)]
        scores = similarities(signature, [self.signatures[k] for k in nearest])
        self.signatures[doc.key] = signature
        if 1.0 not in scores:
            for key in keys:
                self.bands[key].append(doc.key)
        return [k for k, s in zip(nearest, scores, strict=True) if s >= self.params.threshold]


class ThreaderDetector:
    """duplicates.CopyIndex as the story threader runs it: the body's MinHash, a short
    text's words (headline and body) word for word; the earliest copy."""

    def __init__(self, threshold: float) -> None:
        self.name = f"threader's CopyIndex (MinHash LSH, in memory), {threshold}"
        self.index = CopyIndex(threshold)

    def add(self, doc: Doc) -> list[str]:
        signature = text_signature(doc.body, f"{doc.title}\n{doc.body}")
        found = self.index.match_signature(doc.key, signature)
        return [found] if found else []


@dataclass
class Score:
    """One detector on one set."""

    detector: str
    tp: int
    fp: int
    fn: int
    cpu_ms_per_1000: float
    recall_by_edit: dict[str, float]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def run(detector: MinHashDetector | ThreaderDetector, docs: list[Doc], truth: Truth) -> Score:
    """Feed ``docs`` in order, group with what each matches, score the pairs."""
    found = Truth()
    started = time.process_time()
    for doc in docs:
        for other in detector.add(doc):
            found.join(doc.key, other)
    cpu = time.process_time() - started
    truth_of = {d.key: truth.root(d.origin) for d in docs}
    ambiguous = {(min(a, b), max(a, b)) for a, b in truth.ambiguous}
    tp = fp = fn = 0
    by_group: defaultdict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_group[found.root(d.key)].append(d.key)
    predicted = set()
    for members in by_group.values():
        for a, b in itertools.combinations(sorted(members), 2):
            predicted.add((a, b))
    origin = {d.key: d.origin for d in docs}
    for a, b in predicted:
        if (min(origin[a], origin[b]), max(origin[a], origin[b])) in ambiguous:
            continue
        if truth_of[a] == truth_of[b]:
            tp += 1
        else:
            fp += 1
    true_groups: defaultdict[str, list[str]] = defaultdict(list)
    for d in docs:
        true_groups[truth_of[d.key]].append(d.key)
    for members in true_groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            if (a, b) not in predicted:
                fn += 1
    return Score(detector.name, tp, fp, fn, cpu / len(docs) * 1e6, _by_edit(docs, found))


def _by_edit(docs: list[Doc], found: Truth) -> dict[str, float]:
    """For each republishing edit, the share of variants made with it found with their original."""
    hits: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for d in docs:
        for edit in d.edits:
            seen[edit] += 1
            hits[edit] += found.root(d.key) == found.root(d.origin)
    return {edit: hits[edit] / seen[edit] for edit in sorted(seen)}


DETECTORS: tuple[Callable[[], MinHashDetector | ThreaderDetector], ...] = (
    lambda: MinHashDetector(0.5),
    lambda: ThreaderDetector(0.5),
    lambda: MinHashDetector(0.8),
)


def store_side(docs: list[Doc]) -> float:
    """CPU ms a page of ``index_copies`` in a real SQLite store (the pipeline's write)."""
    from storyline.model import Article, Paragraph, Section
    from storyline.pipeline.copies import index_copies
    from storyline.revisions import compare_articles
    from storyline.store import Store

    params = LshParams.for_threshold(0.5)
    fingerprints = Fingerprinter()
    at = datetime(2024, 1, 1, tzinfo=UTC)
    spent = 0.0
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "d.db") as store:
        for n, doc in enumerate(docs):
            url = f"https://{doc.host or 'origin.example'}/{n}"
            article = Article(
                url=url, title=doc.title, sections=[Section("body", [Paragraph(doc.body)])]
            )
            stored = store.store_version(
                url, at + timedelta(seconds=n), article, compare=compare_articles
            )
            signature = fingerprints.signature(article.body_text)
            if signature is None:
                continue
            started = time.process_time()
            with store.writing("indexing") as conn:
                index_copies(conn, store.page(url).id, signature, params)
            spent += time.process_time() - started
            assert stored.created
    return spent / len(docs) * 1000


def _table(name: str, docs: list[Doc], truth: Truth) -> tuple[str, list[Score]]:
    scores = [run(make(), docs, truth) for make in DETECTORS]
    variants = sum(1 for d in docs if d.key != d.origin)
    lines = [
        f"**{name}**: {len(docs):,} texts ({variants:,} constructed copies), "
        f"{truth.real_pairs} real copy pairs, {len(truth.ambiguous)} ambiguous pairs left out.",
        "",
        "| detector | precision | recall | F1 | false pairs | missed pairs "
        "| CPU ms / 1,000 texts |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.detector} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
            f"{s.fp:,} | {s.fn:,} | {s.cpu_ms_per_1000:,.0f} |"
        )
    return "\n".join(lines), scores


def _edit_table(results: list[tuple[str, list[Score]]]) -> str:
    edits = sorted({e for _, scores in results for e in scores[0].recall_by_edit})
    head = "| set | detector | " + " | ".join(edits) + " |"
    rows = [head, "|---|---|" + "---:|" * len(edits)]
    for name, scores in results:
        for s in scores[:2]:
            cells = " | ".join(f"{s.recall_by_edit.get(e, 0):.2f}" for e in edits)
            rows.append(f"| {name} | {s.detector} | {cells} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    sets = {
        "extraction (82 pages)": annotated_set(SHARED / "extraction", "ext"),
        "dragnet (683 pages)": annotated_set(SHARED / "extraction-dragnet", "drag"),
        "ECB+ (496 articles)": ecb_set(),
    }
    results = []
    blocks = []
    for name, originals in sets.items():
        truth = real_copies(originals)
        docs = constructed(originals, args.variants, args.seed)
        table, scores = _table(name, docs, truth)
        results.append((name, scores))
        blocks.append(table)
        if truth.real_pairs:
            real_table, _ = _table(f"{name}, real copies only", originals, truth)
            blocks.append(real_table)
    everything = [d for docs in sets.values() for d in constructed(docs, args.variants, args.seed)]
    store_ms = store_side(everything[:2000])
    command = " ".join(["benchmarks/duplicates.py", *(argv or sys.argv[1:])])
    body = "\n\n".join(
        [
            f"Command: `.venv/bin/python {command}` (CPU time, `time.process_time`; "
            f"{datetime.now(UTC):%Y-%m-%d}).",
            *blocks,
            "Recall by republishing edit (share of the constructed copies made with the edit "
            "that end in their original's group):",
            _edit_table(results),
            f"The store's side for the MinHash detector (`index_copies` in a SQLite write "
            f"transaction: candidates by band key, similarity, group update): "
            f"{store_ms:.2f} ms CPU a page (first 2,000 texts of all sets).",
        ]
    )
    print(body)
    if args.write:
        replace_block(args.write, SECTION, "duplicates", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
