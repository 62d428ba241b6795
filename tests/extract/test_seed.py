"""Acceptance test of issue 3: the seed page, as plain text and as served HTML."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline import extract_article, extract_text
from storyline.cli import cli

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / ".." / "shared" / "seed" / "danish-troops-leaving-mali.txt"
SEED_HTML = REPO / "tests" / "fixtures" / "seed_page.html"

STANDFIRST = (
    "The drama surrounding Denmark’s presence in the west African country "
    "continues to reach new heights"
)
PROMO = "READ ALSO: Relations in deep freeze? Denmark thrice condemns Russian actions"
TEASER_TITLES = [
    "How internationals can benefit from joining trade unions",
    "Internationals in Denmark rarely join a trade union",
    "Novo Nordisk overtakes LEGO as the most desirable future workplace amongst "
    "university students",
]
TEASER_SUMMARY_STARTS = [
    "Being part of a trade union",
    "Internationals are overrepresented",
    "The numbers are especially striking",
]


@pytest.fixture(scope="module")
def seed_json() -> dict:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--json"], obj={})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _section(data: dict, kind: str) -> dict:
    found = [s for s in data["sections"] if s["kind"] == kind]
    assert len(found) == 1, [s["kind"] for s in data["sections"]]
    return found[0]


def test_headline_keeps_its_text_and_gets_the_label(seed_json):
    assert seed_json["title"] == "UPDATE: Danish troops leaving Mali"
    assert seed_json["labels"] == ["UPDATE"]
    assert seed_json["standfirst"] == STANDFIRST


def test_update_section_holds_the_four_new_paragraphs(seed_json):
    texts = [p["text"] for p in _section(seed_json, "update")["paragraphs"]]
    assert len(texts) == 4
    assert texts[0].startswith("The government has decided to withdraw")
    assert texts[-1].endswith("which aims to tackle terrorism in the country.")


def test_original_section_keeps_the_subheading(seed_json):
    paragraphs = _section(seed_json, "original")["paragraphs"]
    assert paragraphs[0]["text"].startswith("The group of Danish troops recently deployed")
    assert paragraphs[-1]["text"].endswith("in some shape or form since 2014.")
    headings = [p["text"] for p in paragraphs if p["kind"] == "heading"]
    assert headings == ["New leaders, new problems"]
    assert [s["kind"] for s in seed_json["sections"]] == ["update", "original"]


def test_promo_teasers_and_navigation_are_out_of_the_body(seed_json):
    assert [p["text"] for p in seed_json["promos"]] == [PROMO]
    assert [t["title"] for t in seed_json["related"]] == TEASER_TITLES
    for teaser, start in zip(seed_json["related"], TEASER_SUMMARY_STARTS, strict=True):
        assert teaser["summary"].startswith(start)
    assert seed_json["navigation"] == ["Read more about the story below."]
    body = seed_json["body_text"]
    assert "Read more about the story below" not in body
    assert "Relations in deep freeze" not in body
    for teaser in seed_json["related"]:
        assert teaser["title"] not in body
        assert teaser["summary"][:40] not in body
    assert "Wagner Group" in body and "Takuba Task Force" in body


def test_text_rendering_shows_sections_and_a_footer():
    result = CliRunner().invoke(cli, ["extract", str(SEED)], obj={})
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("## Update") < out.index("## Original story") < out.index("Removed promos")
    assert "### New leaders, new problems" in out
    assert out.index("Related articles") > out.index("Denmark has maintained")


def _shape(article) -> list:
    return [(s.kind, [(p.kind, p.text) for p in s.paragraphs]) for s in article.sections]


def test_html_rendering_of_the_seed_gives_the_same_structure():
    text_article = extract_text(SEED.read_text(encoding="utf-8"))
    html_article = extract_article(
        SEED_HTML.read_bytes(), url="https://www.thelocal.dk/danish-troops-leaving-mali"
    )
    assert html_article.title == text_article.title
    assert html_article.labels == ["UPDATE"]
    assert html_article.standfirst == text_article.standfirst
    assert _shape(html_article) == _shape(text_article)
    assert [p.text for p in html_article.promos] == [PROMO]
    assert html_article.promos[0].url and html_article.promos[0].url.startswith("https://")
    assert [t.title for t in html_article.related] == TEASER_TITLES
    assert [t.summary for t in html_article.related] == [t.summary for t in text_article.related]
    assert all(t.url for t in html_article.related)
    assert html_article.navigation == text_article.navigation
    assert html_article.body_text == text_article.body_text


def test_a_standfirst_in_a_p_excerpt_is_the_standfirst_not_a_body_section():
    """The seed's HTML with its deck in ``<p class="entry-excerpt">``, first in the
    article's body, and no description anywhere else: the deck is read from the page's
    structure and kept out of the sections."""
    html = SEED_HTML.read_text(encoding="utf-8")
    deck = f'<p class="article-standfirst">{STANDFIRST}</p>'
    assert deck in html
    html = html.replace(deck, "").replace(
        '<div class="article-body">',
        f'<div class="article-body"><p class="entry-excerpt">{STANDFIRST}</p>',
    )
    html = re.sub(r'\s*<meta (?:name|property)="(?:og:)?description"[^>]*>', "", html)
    html = html.replace(f'"description": "{STANDFIRST}",', "")
    assert html.count(STANDFIRST) == 1
    article = extract_article(html, url="https://www.thelocal.dk/danish-troops-leaving-mali")
    assert article.standfirst == STANDFIRST
    assert [s.kind for s in article.sections] == ["update", "original"]
    assert STANDFIRST not in article.body_text


def test_the_publisher_named_as_author_is_no_byline():
    article = extract_article(SEED_HTML.read_bytes(), url="https://www.thelocal.dk/x")
    assert article.authors == []
