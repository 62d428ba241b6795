"""Entities with canonical names: the seed through spaCy, and the resolution rules alone."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from storyline.errors import ConfigError
from storyline.model import Entity
from storyline.stories.entities import (
    Mention,
    entities_of_texts,
    extract_entities,
    find_acronyms,
    load_pipeline,
    merge_entities,
)

SEED_ENTITIES = [
    "Denmark",
    "Mali",
    "Jeppe Kofod",
    "France",
    "Task Force Takuba",
    "Wagner Group",
    "Dansk Folkeparti",
    "Socialistisk Folkeparti",
    "Radikale",
    "Anne Valentina Berthelsen",
    "TV2 News",
]


class ListRecognizer:
    """An EntityRecognizer that returns fixed mentions: tests the rules without a model."""

    def __init__(self, *per_text: list[tuple[str, str]]):
        self.per_text = per_text

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        assert len(texts) == len(self.per_text)
        return [[Mention(text, kind) for text, kind in mentions] for mentions in self.per_text]


def _by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


@pytest.fixture(scope="module")
def seed_entities(seed, recognizer) -> dict[str, Entity]:
    return _by_name(extract_entities(seed, recognizer))


def test_seed_entities(seed_entities):
    missing = [name for name in SEED_ENTITIES if name not in seed_entities]
    assert not missing, f"missing {missing}; found {sorted(seed_entities)}"


def test_seed_entity_kinds_and_links(seed_entities):
    kinds = {name: seed_entities[name].kind for name in SEED_ENTITIES}
    assert kinds["Jeppe Kofod"] == kinds["Anne Valentina Berthelsen"] == "person"
    assert kinds["Denmark"] == kinds["Mali"] == kinds["France"] == "place"
    assert kinds["Dansk Folkeparti"] == kinds["Socialistisk Folkeparti"] == "party"
    assert kinds["Radikale"] == "party"
    assert kinds["TV2 News"] == kinds["Wagner Group"] == "organisation"
    assert "Kofod" in seed_entities["Jeppe Kofod"].aliases
    assert {"DF", "Dansk Folkeperti"} <= set(seed_entities["Dansk Folkeparti"].aliases)
    assert "SF" in seed_entities["Socialistisk Folkeparti"].aliases
    assert "Malian" in seed_entities["Mali"].aliases
    assert "Danish" in seed_entities["Denmark"].aliases
    assert "Takuba Task Force" in seed_entities["Task Force Takuba"].aliases
    assert seed_entities["Mali"].mentions >= 5


def test_seed_has_no_fragments_or_noise(seed_entities):
    for name in ("Kofod", "SF", "DF", "Malian", "Task Force", "Original", "Danish"):
        assert name not in seed_entities


def test_acronym_definitions():
    text = (
        "Dansk Folkeperti (DF) and Socialistisk Folkeparti (SF) met the World Health "
        "Organization (WHO) but not the (EU) or Mette Frederiksen (PM)."
    )
    assert find_acronyms(text) == {
        "DF": "Dansk Folkeperti",
        "SF": "Socialistisk Folkeparti",
        "WHO": "World Health Organization",
    }


def test_resolution_rules_without_a_model():
    recognizer = ListRecognizer(
        [
            ("Jeppe Kofod", "person"),
            ("the Malian", "nationality"),
            ("Takuba Task Force", "organisation"),
        ],
        [
            ("Kofod", "organisation"),
            ("Mali", "person"),
            ("Task Force Takuba", "organisation"),
            ("west African", "nationality"),
            ("Dansk Folkeperti", "person"),
            ("DF", "place"),
        ],
    )
    found = _by_name(
        entities_of_texts(
            ["Jeppe Kofod said the Malian junta...", "Kofod... Dansk Folkeperti (DF)"], recognizer
        )
    )
    assert found["Jeppe Kofod"].mentions == 2 and found["Jeppe Kofod"].kind == "person"
    assert found["Mali"].kind == "place" and found["Mali"].mentions == 2
    assert found["Dansk Folkeparti"].kind == "party" and found["Dansk Folkeparti"].mentions == 2
    assert "Task Force Takuba" in found or "Takuba Task Force" in found
    assert not any("African" in name for name in found)


def test_merge_across_articles():
    first = [Entity("Jeppe Kofod", "person", [], 3), Entity("SF", "party", [], 1)]
    second = [
        Entity("Kofod", "person", [], 2),
        Entity("Socialistisk Folkeparti", "party", ["SF"], 2),
        Entity("Radikale Venstre", "party", [], 1),
    ]
    third = [Entity("Radikale", "party", [], 4)]
    merged = _by_name(merge_entities([first, second, third]))
    assert merged["Jeppe Kofod"].mentions == 5
    assert merged["Socialistisk Folkeparti"].mentions == 3
    assert merged["Radikale Venstre"].mentions == 5
    assert set(merged) == {"Jeppe Kofod", "Socialistisk Folkeparti", "Radikale Venstre"}


def test_a_missing_model_is_a_config_error():
    with pytest.raises(ConfigError, match="not installed"):
        load_pipeline("xx_no_such_pipeline")


def test_country_aliases_become_the_country():
    from storyline.stories.canonical import Candidate, resolve

    found = resolve(
        [
            Candidate("U.S", "place"),
            Candidate("the United States", "organisation"),
            Candidate("Americans", "nationality"),
            Candidate("Jordan", "person"),
        ]
    )
    names = {e.name: e for e in found}
    assert names["United States"].mentions == 3 and names["United States"].kind == "place"
    assert {"U.S.", "Americans"} <= set(names["United States"].aliases)


def test_seed_through_the_text_extractor(recognizer):
    """The acceptance checks again, on the seed as ``extract_text`` reads it."""
    from pathlib import Path

    from storyline import extract_text
    from storyline.stories.timeline import build_timeline

    seed = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed"
    article = extract_text((seed / "danish-troops-leaving-mali.txt").read_text(encoding="utf-8"))
    article.published = "2022-01-27"
    names = {e.name for e in extract_entities(article, recognizer)}
    assert set(SEED_ENTITIES) <= names, sorted(set(SEED_ENTITIES) - names)
    timeline = build_timeline([article])
    assert {"2014", "2021", "2021-05", "2021-12", "2022-01-26"} <= {e.date for e in timeline}
    assert any("withdraw" in e.text and e.date == "2022-01-27" for e in timeline)


def test_the_full_name_decides_the_kind():
    from storyline.stories.canonical import Candidate, resolve

    found = resolve(
        [Candidate("Kurt Volker", "person", order=0)]
        + [Candidate("Volker", "organisation", order=i) for i in range(1, 4)]
    )
    assert [(e.name, e.kind, e.mentions) for e in found] == [("Kurt Volker", "person", 4)]


def test_texts_without_a_name_skip_the_tagger_and_the_mentions_stay_the_same(seed, recognizer):
    from storyline.stories.entities import UNNEEDED, article_texts

    texts = [t for t in article_texts(seed) if t.strip()]
    texts += [
        "The lock keeper opened it and left.",
        "Kurt Volker resigned on Friday, said Mr. Cook.",
    ]
    nlp = recognizer.nlp
    skip = [name for name in UNNEEDED if name in nlp.pipe_names]
    every_tool = [recognizer._doc_mentions(doc) for doc in nlp.pipe(texts, disable=skip)]
    assert recognizer.mentions(texts) == every_tool
    plain, named = recognizer._docs(texts[-2:])
    assert not plain.ents and not plain.has_annotation("TAG")
    assert named.ents and named.has_annotation("TAG")
