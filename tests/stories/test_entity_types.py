"""Entity types (issue #16): a Danish district, a US diplomat, a company and a news
outlet, each in an article of its own, get the right kind; a capital is a place.

The articles are written for the test in the shape of news copy; the kinds come from the
spaCy model plus storyline's rules (GeoNames capitals and large cities, a one-word
"person" in a place's company, a quoted person) and one kind per canonical entity.
"""

from __future__ import annotations

import pytest

from storyline.model import Article, Paragraph, Section
from storyline.stories.entities import extract_entities


def _article(title: str, paragraphs: list[str]) -> Article:
    return Article(
        url="https://news.example/a",
        title=title,
        sections=[Section("body", [Paragraph(p) for p in paragraphs])],
    )


ARTICLES = {
    "district": _article(
        "Harbour bath closes in Sydhavnen after sewage spill",
        [
            "The harbour bath in Sydhavnen was closed on Monday after heavy rain flushed "
            "sewage into the water, the City of Copenhagen said.",
            "Swimmers in Sydhavnen and Nordhavn were told to stay out of the water until "
            "Wednesday.",
            "Sydhavnen, a former industrial area in the south-west of the city, has become "
            "popular with young families.",
        ],
    ),
    "diplomat": _article(
        "Former envoy Kurt Volker to testify before Congress",
        [
            "Kurt Volker, the former US special envoy to Ukraine, will testify before House "
            "committees on Thursday.",
            "Volker resigned last week after his name appeared in a whistleblower complaint.",
            "Lawmakers want to ask Volker about his contacts with Rudy Giuliani.",
        ],
    ),
    "company": _article(
        "Alibaba shares jump in Hong Kong debut",
        [
            "Alibaba Group said on Tuesday that it had raised $11 billion in its Hong Kong "
            "listing, the biggest of the year.",
            "Shares of Alibaba rose 6 per cent on their first day of trading.",
            "The listing gives Alibaba a second home closer to its customers in China.",
        ],
    ),
    "outlet": _article(
        "Markets slide as trade talks stall",
        [
            "Asian markets fell on Tuesday as trade talks between Washington and Beijing "
            "stalled, CNN reported.",
            "Investors told CNN that they expected more volatility.",
            "A CNN analysis found that tariffs had cost importers billions.",
        ],
    ),
}
EXPECTED = [
    ("district", "Sydhavnen", "place"),
    ("district", "Nordhavn", "place"),
    ("district", "Copenhagen", "place"),
    ("diplomat", "Kurt Volker", "person"),
    ("diplomat", "Ukraine", "place"),
    ("company", "Alibaba Group", "organisation"),
    ("company", "Hong Kong", "place"),
    ("outlet", "CNN", "organisation"),
]


@pytest.mark.parametrize(("article", "name", "kind"), EXPECTED)
def test_entity_kinds(recognizer, article, name, kind):
    entities = extract_entities(ARTICLES[article], recognizer)
    by_name = {}
    for entity in entities:
        for form in (entity.name, *entity.aliases):
            by_name.setdefault(form, entity)
    assert name in by_name, f"{name} not found in {[e.name for e in entities]}"
    assert by_name[name].kind == kind, f"{name}: {by_name[name].kind}"
    assert all(e.name != "Volker" for e in entities), "the surname joins the full name"


def _kinds(recognizer, title: str, paragraphs: list[str]) -> dict[str, str]:
    entities = extract_entities(_article(title, paragraphs), recognizer)
    return {form: e.kind for e in entities for form in (e.name, *e.aliases)}


def test_tagged_spans_are_split_and_trimmed(recognizer):
    """Lists, possessives of a named owner, scores and trailing roles are not part of a
    name; a name another name owns stays whole ("the People's Daily")."""
    kinds = _kinds(
        recognizer,
        "Space companies chosen for moon deliveries",
        [
            "NASA said the five companies — Blue Origin, Ceres Robotics, Sierra Nevada "
            "Corporation, SpaceX and Tyvak — would bid for deliveries.",
            "Apple CEO Tim Cook met Scooter Braun on Monday. The drama began when Braun's "
            "Ithaca Holdings bought the label.",
            "Argentina defeated Chile 2-0 in Madrid on Tuesday, the People's Daily reported.",
        ],
    )
    assert "Blue Origin, Ceres Robotics" not in kinds
    assert kinds.get("Blue Origin") == "organisation"
    assert "Apple CEO" not in kinds and kinds.get("Apple") == "organisation"
    assert "Braun's Ithaca Holdings" not in kinds
    assert kinds.get("Chile") == "place" and "Chile 2-0" not in kinds
    assert "Daily" not in kinds


def test_datelines_venues_events_and_common_words(recognizer):
    kinds = _kinds(
        recognizer,
        "Teachers rally for better pay",
        [
            "SIOUX FALLS, S.D. — Thousands of teachers packed the Indiana Statehouse on "
            "Tuesday, as the Davis Cup Finals opened in Madrid.",
            "The secretary of state said the rally was peaceful, the Secretary of State "
            "office said.",
        ],
    )
    assert kinds.get("SIOUX FALLS") == "place"
    assert kinds.get("Indiana Statehouse") == "place"
    assert "Davis Cup Finals" not in kinds  # an event, not an organisation
    assert "State" not in kinds


def test_a_one_word_name_without_a_full_name_is_no_person():
    """A one-word "person" that the text never writes with a given name is an
    organisation the model did not know; a surname of a named person stays out."""
    from storyline.stories.canonical import Candidate, resolve

    found = resolve(
        [
            Candidate("Gannett", "person", order=0),
            Candidate("Tim Cook", "person", order=1),
            Candidate("Cook", "person", order=2),
            Candidate("Hosting Cook", "person", order=3),
        ]
    )
    kinds = {e.name: e.kind for e in found}
    assert kinds["Gannett"] == "organisation"
    assert "Cook" not in kinds
