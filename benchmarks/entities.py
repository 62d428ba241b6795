"""Entity extraction speed: milliseconds per article on the 82 saved news pages.

Each page of ``../shared/data/extraction/html`` is extracted (``extract_article``), then
its entities are found (``storyline.stories.entities.extract_entities``) two ways:

- ``before``: the pipeline as storyline loaded it until now, with its dependency parser,
  loaded again for every pass (what each ``watch`` pass did), texts through ``nlp.pipe``
  with its defaults.
- ``after``: ``shared_pipeline`` (loaded once per process; a later pass pays nothing),
  without the parser, ``nlp.pipe`` in batches of 128.

Time is CPU time (``time.process_time``), the best of ``--repeat`` passes; the load is
timed apart. The last column counts the pages whose entity names differ between the two.

Usage:
    .venv/bin/python benchmarks/entities.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from storyline.extract import extract_article
from storyline.model import Article, Entity
from storyline.stories.entities import (
    DEFAULT_MODEL,
    Mention,
    SpacyRecognizer,
    extract_entities,
    load_pipeline,
    shared_pipeline,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / ".." / "shared" / "data" / "extraction" / "html"


class FullPipeline(SpacyRecognizer):
    """The recognizer as it was: every component the pipeline loads, default batching."""

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [self._doc_mentions(doc) for doc in self.nlp.pipe(texts)]


def articles() -> list[Article]:
    """The saved pages, extracted."""
    found = []
    for path in sorted(PAGES.glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        found.append(extract_article(html, url=f"https://saved.example/{path.name}"))
    return found


def timed(recognizer: SpacyRecognizer, pages: list[Article], repeat: int) -> tuple[float, list]:
    """Best CPU seconds of ``repeat`` passes, and the entities of the last one."""
    best, result = float("inf"), []
    for _ in range(repeat):
        began = time.process_time()
        result = [extract_entities(a, recognizer) for a in pages]
        best = min(best, time.process_time() - began)
    return best, result


def names(entities: list[Entity]) -> set[str]:
    return {e.name for e in entities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    pages = articles()
    words = sum(len(a.body_text.split()) for a in pages) / len(pages)
    began = time.process_time()
    full = FullPipeline(nlp=load_pipeline(DEFAULT_MODEL, exclude=("lemmatizer",)))
    full_load = time.process_time() - began
    began = time.process_time()
    lean = SpacyRecognizer(nlp=shared_pipeline(DEFAULT_MODEL))
    lean_load = time.process_time() - began
    began = time.process_time()
    SpacyRecognizer(DEFAULT_MODEL)  # the next pass in the same process
    again = time.process_time() - began
    full_s, full_entities = timed(full, pages, args.repeat)
    lean_s, lean_entities = timed(lean, pages, args.repeat)
    differ = sum(names(a) != names(b) for a, b in zip(full_entities, lean_entities, strict=True))
    print(f"{len(pages)} pages, {words:,.0f} body words on average")
    print("| pipeline | load per pass (s) | ms per article | pages with other entities |")
    print("|---|---|---|---|")
    print(
        f"| before: with parser, loaded each pass | {full_load:.2f} "
        f"| {full_s / len(pages) * 1000:.0f} | |"
    )
    print(
        f"| after: shared, no parser | {lean_load:.2f} first, {again:.3f} after "
        f"| {lean_s / len(pages) * 1000:.0f} | {differ} of {len(pages)} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
