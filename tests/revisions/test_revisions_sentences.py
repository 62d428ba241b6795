"""The news sentence splitter and the sentence list of an article."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Article, Paragraph, Section
from storyline.revisions import split_sentences
from storyline.revisions.sentences import article_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Kofod spoke. He left.", ["Mr. Kofod spoke.", "He left."]),
        ("Gov. Matt Bevin lost. Democrats won.", ["Gov. Matt Bevin lost.", "Democrats won."]),
        ("John F. Kennedy spoke. Then he left.", ["John F. Kennedy spoke.", "Then he left."]),
        ("The U.S. Army left. It rained.", ["The U.S. Army left.", "It rained."]),
        ("He moved to the U.S. The rest stayed.", ["He moved to the U.S.", "The rest stayed."]),
        ("Growth was 3.5 percent. Prices rose.", ["Growth was 3.5 percent.", "Prices rose."]),
        ('"We go home." Then he left.', ['"We go home."', "Then he left."]),
        ("“Is it?” she asked. Nobody knew.", ["“Is it?” she asked.", "Nobody knew."]),
        ("At No. 10 Downing St. in London.", ["At No. 10 Downing St. in London."]),
        ("It ended at 5 p.m. on Tuesday.", ["It ended at 5 p.m. on Tuesday."]),
        ("Wow! Really? Yes.", ["Wow!", "Really?", "Yes."]),
        ("The cat sat. Then it slept.", ["The cat sat.", "Then it slept."]),
        ("It was e.g. fine, i.e. good.", ["It was e.g. fine, i.e. good."]),
        ("Pens, paper, etc. The rest was gone.", ["Pens, paper, etc.", "The rest was gone."]),
        ("The vote was 52 to 48. 2021 was calmer.", ["The vote was 52 to 48.", "2021 was calmer."]),
        ("A heading\nThe first line.", ["A heading", "The first line."]),
        ("He said so. — Я всегда любила готовить.", ["He said so.", "— Я всегда любила готовить."]),
        ("Prices rose. © 2019 AP.", ["Prices rose.", "© 2019 AP."]),
        ("これが非常に困ったもの。再起動して完了", ["これが非常に困ったもの。", "再起動して完了"]),
        ("  spaced   out .  ", ["spaced out ."]),
        ("", []),
    ],
)
def test_split_sentences_handles_news_punctuation(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_on_a_real_paragraph(seed_updated):
    original = seed_updated.section("original")
    quote = original.paragraphs[3].text  # “If we are not welcome, ...” SF's spokesperson ...
    assert split_sentences(quote) == [
        "“If we are not welcome, then we need to go home.",
        "It’s not an invasion-like mission we are part of,” SF’s spokesperson on defence "
        "matters, Anne Valentina Berthelsen, told TV2 News.",
    ]


@settings(deadline=None)
@given(st.text())
def test_split_sentences_keeps_every_word(text):
    assert " ".join(split_sentences(text)).split() == text.split()


def test_article_sentences_records_where_each_sentence_sits():
    article = Article(
        standfirst="A standfirst. Two sentences.",
        sections=[
            Section("update", [Paragraph("New facts.")], heading="Update"),
            Section("original", [Paragraph("Old", "heading"), Paragraph("Old facts. More.")]),
        ],
    )
    refs = article_sentences(article)
    assert [r.text for r in refs] == [
        "A standfirst.",
        "Two sentences.",
        "New facts.",
        "Old",
        "Old facts.",
        "More.",
    ]
    assert [r.section for r in refs] == [
        "standfirst",
        "standfirst",
        "update",
        "original",
        "original",
        "original",
    ]
    assert [r.paragraph_index for r in refs] == [0, 0, 1, 2, 3, 3]
    assert [r.paragraph_in_section for r in refs] == [0, 0, 0, 0, 1, 1]
    assert refs[3].paragraph_kind == "heading"
    assert "Update" not in [r.text for r in refs]  # section headings are labels, not text
