"""Migration 10: what readers sort and filter stories by, kept per page; factual changes.

Frozen like the others. ``storyline.store.page_facts`` builds its table from
``build_tables`` and keeps the rows current as versions are stored.

- ``page_facts``: for each page, facts of its latest version that lists need without
  reading the article JSON: when it was published (parsed, UTC), the outlet's own name
  (``site_name``), its language, and whether it is opinion rather than news. Filled here
  for the pages stored before this migration.
- Stored ``copy_edit`` changes that change a number, a date or a name become
  ``factual`` changes, as ``compare_articles`` named them from this migration on.

The factual rule is the revisions stage's (``revisions/factual.py``) and the opinion rule
the stories stage's (``stories/opinion.py``) as they stood when this migration was
written, frozen below with it: a migration must do the same on every database it ever
runs on, whatever the stage's rule becomes, and the store imports no stage.
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from storyline.model import Article
from storyline.store.coltypes import UTCDateTime
from storyline.store.fact_values import OpinionRule, facts_of

NAME = "page facts, factual changes"


def build_tables(metadata: MetaData) -> dict[str, Table]:
    """The table of migration 10, built on ``metadata`` (which must also hold ``pages``)."""
    facts = Table(
        "page_facts",
        metadata,
        Column(
            "page_id",
            Integer,
            ForeignKey("pages.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("version_id", Integer, nullable=False),
        Column("published_at", UTCDateTime),
        Column("site_name", Text),
        Column("language", String(32)),
        Column("opinion", Boolean, nullable=False, default=False),
    )
    return {facts.name: facts}


def upgrade(conn: Connection) -> None:
    """Create ``page_facts``, fill it for the stored pages, and name factual changes."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    tables = initial(metadata)
    metadata.create_all(conn, tables=list(build_tables(metadata).values()))
    fill(conn, _is_opinion)
    changes = tables["changes"]
    rows = conn.execute(
        select(changes.c.id, changes.c.before, changes.c.after).where(changes.c.kind == "copy_edit")
    ).all()
    factual = [r.id for r in rows if _is_factual(r.before or "", r.after or "")]
    for start in range(0, len(factual), 500):
        chunk = factual[start : start + 500]
        conn.execute(update(changes).where(changes.c.id.in_(chunk)).values(kind="factual"))


def fill(conn: Connection, opinion: OpinionRule) -> int:
    """Facts for every page whose latest version has none (or older ones); returns how
    many pages were filled. Articles are read 500 at a time."""
    from storyline.store.migrations.m0001_initial import build_tables as initial

    metadata = MetaData()
    tables = initial(metadata)
    facts = build_tables(metadata)["page_facts"]
    pages, versions = tables["pages"], tables["versions"]
    query = (
        select(pages.c.id, pages.c.url, pages.c.latest_version_id, versions.c.article_json)
        .join(versions, versions.c.id == pages.c.latest_version_id)
        .outerjoin(facts, facts.c.page_id == pages.c.id)
        .where((facts.c.version_id.is_(None)) | (facts.c.version_id != pages.c.latest_version_id))
        .order_by(pages.c.id)
    )
    filled = 0
    last = 0
    while True:
        rows = conn.execute(query.where(pages.c.id > last).limit(500)).all()
        if not rows:
            return filled
        conn.execute(delete(facts).where(facts.c.page_id.in_([r.id for r in rows])))
        values = [
            {"page_id": r.id, "version_id": r.latest_version_id, **_facts_of_json(r, opinion)}
            for r in rows
        ]
        conn.execute(insert(facts), values)
        filled += len(rows)
        last = rows[-1].id


def _facts_of_json(row: Any, opinion: OpinionRule) -> dict[str, Any]:
    try:
        article = Article.from_dict(json.loads(row.article_json))
    except (ValueError, TypeError, KeyError):
        article = Article(url=row.url)
    return facts_of(article, row.url, opinion)


# -- the factual rule of migration 10 (frozen) ---------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DIGIT = re.compile(r"\d")
_SENTENCE_OPENERS = frozenset(".!?:;\"“”‘’'«»()[]–—-")
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
    seventy eighty ninety hundred hundreds thousand thousands million millions billion
    billions trillion dozen dozens half quarter first second third fourth fifth sixth
    seventh eighth ninth tenth once twice""".split()
)
_DATE_WORDS = frozenset(
    """january february april june july august september october november december jan
    feb apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday yesterday today tomorrow tonight
    januar februar marts maj juni juli oktober mandag tirsdag onsdag torsdag fredag
    lørdag søndag
    märz mai dezember montag dienstag mittwoch donnerstag freitag samstag sonntag
    gestern heute""".split()
)


def _is_factual(before: str, after: str) -> bool:
    """Whether editing ``before`` into ``after`` changes a number, a date or a name."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if _folded(old[i1:i2]) == _folded(new[j1:j2]):
            continue  # case, punctuation or spacing only
        if i2 - i1 == j2 - j1 and all(
            _is_typo(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
        ):
            continue  # "fist" → "first": a misspelt word, not a new figure
        if any(_is_fact(old, k) for k in range(i1, i2)):
            return True
        if any(_is_fact(new, k) for k in range(j1, j2)):
            return True
    return False


def _is_typo(old: str, new: str) -> bool:
    """A lower-case word fixed by a letter or two (names and figures never count)."""
    if not (old[:1].islower() and new[:1].islower()) or _DIGIT.search(old + new):
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.75


def _folded(tokens: list[str]) -> str:
    return "".join(t for t in tokens if t[0].isalnum() or t[0] == "_").casefold()


def _is_fact(tokens: list[str], index: int) -> bool:
    word = tokens[index]
    if _DIGIT.search(word):
        return True
    lowered = word.casefold()
    if lowered in _NUMBER_WORDS or lowered in _DATE_WORDS:
        return True
    return word[0].isupper() and not _opens_sentence(tokens, index)


def _opens_sentence(tokens: list[str], index: int) -> bool:
    """Whether the word at ``index`` starts the sentence (so its capital says nothing)."""
    k = index - 1
    while k >= 0 and tokens[k] in _SENTENCE_OPENERS and tokens[k] not in ".!?:;":
        k -= 1  # an opening quote or bracket before the word
    return k < 0 or tokens[k] in (".", "!", "?", ":", ";")


# -- the opinion rule of migration 10 (frozen) ---------------------------------

_OPINION_PATH = re.compile(
    r"/(?:opinion|opinions|comment|commentisfree|editorial|editorials|op-?ed|columns?|"
    r"columnists?|debat|kommentar|kommentarer|leder|ledere|meinung|kommentare)(?:/|$|-)",
    re.IGNORECASE,
)
_OPINION_TITLE = re.compile(
    r"^\s*(?:opinion|comment|editorial|op-ed|column|leder|debat|kommentar|meinung)\s*[:|–—-]",
    re.IGNORECASE,
)
_OPINION_LABELS = frozenset({"opinion", "comment", "editorial", "op-ed", "column", "leder"})


def _is_opinion(article: Article, url: str) -> bool:
    """Whether the page is opinion rather than news: by its labels, headline or URL path."""
    if any(label.strip().lower() in _OPINION_LABELS for label in article.labels):
        return True
    if _OPINION_TITLE.match(article.title or ""):
        return True
    return bool(_OPINION_PATH.search(urlsplit(url or "").path or ""))
