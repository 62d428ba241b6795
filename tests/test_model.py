import json

import storyline
from storyline.model import Article, Paragraph, Promo, Section, Teaser


def _article() -> Article:
    return Article(
        url="https://example.com/a",
        title="UPDATE: Something happened",
        labels=["UPDATE"],
        standfirst="A standfirst",
        authors=["A. Writer"],
        published="2022-01-27",
        sections=[
            Section("update", [Paragraph("New facts.")]),
            Section("original", [Paragraph("Old facts."), Paragraph("A sub", "heading")]),
        ],
        promos=[Promo("READ ALSO: Elsewhere", "https://example.com/b")],
        related=[Teaser("Other story", "Summary", "https://example.com/c")],
    )


def test_article_round_trips_through_json():
    article = _article()
    data = json.loads(json.dumps(article.to_dict()))
    assert Article.from_dict(data) == article


def test_body_text_leaves_out_promos_and_teasers():
    article = _article()
    assert "New facts." in article.body_text and "A sub" in article.body_text
    assert "Elsewhere" not in article.body_text and "Other story" not in article.body_text


def test_content_hash_ignores_rails_but_not_text():
    a, b = _article(), _article()
    b.related = []
    assert a.content_hash() == b.content_hash()
    b.sections[0].paragraphs[0].text = "Newer facts."
    assert a.content_hash() != b.content_hash()


def test_public_api_is_sorted_and_complete():
    assert storyline.__all__ == sorted(storyline.__all__)
    for name in storyline.__all__:
        assert hasattr(storyline, name)
