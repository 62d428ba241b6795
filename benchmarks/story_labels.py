"""Timeline dates and entity types against labels made by hand on the shared pages.

``data/timeline_dates.json``: 176 sentences of 41 pages of ``../shared/data/extraction``,
each with every date it states (judged by a person, against the page's publication
time). storyline's timeline (``article_events`` of the page as ``extract_article`` reads
it) gives each sentence zero or more dates; precision is the share of the dates it gives
that are right, recall the share of the labelled dates it gives.

``data/entity_types.json``: entity mentions of the same pages, each with its right kind
(person, organisation, place, party, other) or ``none`` when it is not a name at all
(tokenisation debris). A mention is scored by the kind of the entity storyline files it
under in that article (``extract_entities``, looked up by name or alias); storyline keeps
no entities of other kinds, so an ``other`` or ``none`` mention is right when it is not
filed as a person, organisation, place or party. Also counted: non-names kept.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from functools import cache
from pathlib import Path

from storyline.extract import extract_article
from storyline.model import Article
from storyline.stories.canonical import clean
from storyline.stories.entities import SpacyRecognizer, extract_entities
from storyline.stories.timeline import article_events

HERE = Path(__file__).resolve().parent
PAGES = HERE.parent / ".." / "shared" / "data" / "extraction"


@cache
def _article(page: str, url: str) -> Article:
    html = gzip.decompress((PAGES / "html" / f"{page}.html.gz").read_bytes())
    return extract_article(html, url=url)


def timeline_scores() -> tuple[float, float, int, int]:
    """(precision, recall, labelled dates, dates given) over the labelled sentences."""
    labelled = json.loads((HERE / "data" / "timeline_dates.json").read_text(encoding="utf-8"))
    right = given = wanted = 0
    for row in labelled["sentences"]:
        article = _article(row["page"], row["url"])
        text = " ".join(row["sentence"].split())
        dates = {
            e.date
            for e in article_events(article)
            if e.kind in ("statement", "background") and e.text == text
        }
        gold = set(row["dates"])
        right += len(dates & gold)
        given += len(dates)
        wanted += len(gold)
    return right / max(given, 1), right / max(wanted, 1), wanted, given


def entity_scores(
    errors: Counter[tuple[str, str]] | None = None,
) -> tuple[float, int, int, int]:
    """(type accuracy, mentions, kept debris, mentions scored) over the labelled sample;
    ``errors``, when given, counts the wrong ones by (labelled kind, kind given)."""
    labelled = json.loads((HERE / "data" / "entity_types.json").read_text(encoding="utf-8"))
    recognizer = SpacyRecognizer()
    found: dict[str, dict[str, str]] = {}
    right = debris = 0
    for row in labelled["mentions"]:
        if row["page"] not in found:
            entities = extract_entities(_article(row["page"], row["url"]), recognizer)
            found[row["page"]] = {
                name.casefold(): e.kind for e in entities for name in (e.name, *e.aliases)
            }
        kind = found[row["page"]].get(clean(row["mention"]).casefold(), "none")
        if row["kind"] == "none" and kind != "none":
            debris += 1
        # storyline keeps people, organisations, places and parties: a name of another
        # kind (an event, a product) is right when it is not filed as one of those.
        wanted = "none" if row["kind"] == "other" else row["kind"]
        right += kind == wanted
        if kind != wanted and errors is not None:
            errors[(row["kind"], kind)] += 1
    mentions = len(labelled["mentions"])
    return right / max(mentions, 1), mentions, debris, mentions


def label_section() -> str:
    """The labelled-set figures as markdown for the ``## Stories`` section."""
    precision, recall, wanted, given = timeline_scores()
    lines = [
        "Timeline dates against `benchmarks/data/timeline_dates.json` (176 sentences of 41 "
        f"shared pages, {wanted} labelled dates): storyline gives {given} dates, precision "
        f"**{precision:.3f}**, recall **{recall:.3f}**."
    ]
    if (HERE / "data" / "entity_types.json").exists():
        errors: Counter[tuple[str, str]] = Counter()
        accuracy, mentions, debris, _ = entity_scores(errors)
        by_kind = ", ".join(
            f"{wanted} as {given} {count}" for (wanted, given), count in errors.most_common()
        )
        lines.append(
            f"Entity types against `benchmarks/data/entity_types.json` ({mentions} mentions): "
            f"accuracy **{accuracy:.3f}**; {debris} labelled non-names kept as entities. "
            f"Errors (labelled kind as the kind given; `none`: no entity): {by_kind}."
        )
    return "\n\n".join(lines)


if __name__ == "__main__":
    print(label_section())
