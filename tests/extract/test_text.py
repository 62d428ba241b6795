"""extract_text: plain-text pages into the same Article model as HTML pages."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import extract_text
from storyline.errors import InputError
from storyline.extract.text import text_blocks

LIVE_BLOG = """\
Live: Storm hits the west coast

Ferries are cancelled and roads closed as the storm moves in

14:05 GMT - The coastguard has closed the harbour at Esbjerg.

Police ask drivers to stay at home.

14:32 GMT - Wind speeds of 35 metres per second were measured on Fanø.

15:10 GMT
The bridge over the Little Belt has closed to all traffic.
"""


def test_update_as_an_ordinary_first_word_does_not_split_the_article():
    article = extract_text(
        "Phones need a new security patch\n\n"
        "Update your phone before Friday, the agency urged on Tuesday.\n\n"
        "The flaw affects older models.\n\n"
        "Updates are free of charge, it said.\n"
    )
    assert [s.kind for s in article.sections] == ["body"]
    assert article.labels == []
    assert article.body_text.startswith("Update your phone before Friday")
    assert "Updates are free of charge" in article.body_text


def test_read_more_inside_a_sentence_stays_in_the_body():
    article = extract_text(
        "Council approves budget\n\n"
        "The council approved the budget on Monday.\n\n"
        "Read more about the cuts in the report, the mayor told residents.\n\n"
        "Voters who want to read more: the full budget is on the council website.\n"
    )
    assert article.promos == []
    assert "Read more about the cuts in the report" in article.body_text
    assert article.navigation == []


def test_update_label_on_a_block_opens_an_update_section_with_its_time():
    article = extract_text(
        "Fire at the harbour\n\n"
        "A warehouse caught fire on Tuesday morning.\n\n"
        "Firefighters are at the scene.\n\n"
        "Update (14:30): The fire is now under control, police say.\n"
    )
    kinds = [s.kind for s in article.sections]
    assert kinds == ["body", "update"]
    update = article.section("update")
    assert update.timestamp == "14:30"
    assert update.heading == "Update (14:30)"
    assert update.paragraphs[0].text == "The fire is now under control, police say."
    assert "Update (14:30)" in article.body_text  # nothing the publisher wrote is lost


def test_danish_labels_promos_and_original_story():
    article = extract_text(
        "Opdateret: Regeringen trækker soldaterne hjem\n\n"
        "Opdateret kl. 14.30: Forsvarsministeren bekræfter nu beslutningen.\n\n"
        "Læs mere om sagen nedenfor.\n\n"
        "Oprindelig artikel\n\n"
        "Danske soldater kan være på vej hjem fra Mali.\n\n"
        "LÆS OGSÅ: Forholdet til Rusland er frosset\n\n"
        "Rettelse: En tidligere version nævnte et forkert antal soldater.\n\n"
        "Tilmeld dig vores nyhedsbrev og få nyhederne hver morgen.\n"
    )
    assert article.labels == ["UPDATE"]
    assert [s.kind for s in article.sections] == ["update", "original", "correction"]
    assert article.section("update").timestamp == "14:30"
    assert article.section("original").heading == "Oprindelig artikel"
    assert article.navigation == ["Læs mere om sagen nedenfor."]
    assert [p.kind for p in article.promos] == ["read_also", "newsletter"]
    assert "Rusland" not in article.body_text and "nyhedsbrev" not in article.body_text


def test_corrections_and_editors_notes_get_their_own_sections():
    article = extract_text(
        "Minister resigns\n\n"
        "The minister resigned on Friday.\n\n"
        "Correction: An earlier version gave the wrong date.\n\n"
        "She had been in office for two years.\n\n"
        "Editor's note:\n\n"
        "This article contains an interview conducted by phone.\n\n"
        "An earlier version of this article misspelt her name.\n"
    )
    kinds = [(s.kind, len(s.paragraphs)) for s in article.sections]
    assert kinds == [
        ("body", 1),
        ("correction", 1),
        ("body", 1),
        ("editors_note", 1),
        ("correction", 1),
    ]
    assert article.sections[3].paragraphs[0].text.startswith("This article contains")
    assert article.sections[4].heading is None


def test_live_blog_entries_carry_their_timestamps():
    article = extract_text(LIVE_BLOG)
    assert article.labels == ["LIVE"]
    assert article.standfirst.startswith("Ferries are cancelled")
    entries = [s for s in article.sections if s.kind == "live_entry"]
    assert [e.timestamp for e in entries] == ["14:05Z", "14:32Z", "15:10Z"]
    assert [len(e.paragraphs) for e in entries] == [2, 1, 1]
    assert entries[0].paragraphs[0].text == "The coastguard has closed the harbour at Esbjerg."
    assert entries[2].paragraphs[0].text.startswith("The bridge over the Little Belt")


def test_a_single_time_in_a_paragraph_is_no_live_blog():
    article = extract_text(
        "Train delayed\n\n12:45 - that is when the train finally left.\n\n"
        "Passengers waited for hours.\n"
    )
    assert [s.kind for s in article.sections] == ["body"]


def test_byline_bullets_and_subheadings():
    article = extract_text(
        "Budget day\n\nBy Anna Jensen and Peter Holm\n\n"
        "The budget was presented today.\n\n"
        "What changes\nTaxes on fuel go up by two percent from January.\n\n"
        "• Pensions rise\n• Child benefit is frozen\n"
    )
    assert article.authors == ["Anna Jensen", "Peter Holm"]
    paragraphs = article.sections[0].paragraphs
    assert [(p.kind, p.text) for p in paragraphs[1:]] == [
        ("heading", "What changes"),
        ("paragraph", "Taxes on fuel go up by two percent from January."),
        ("list_item", "• Pensions rise"),
        ("list_item", "• Child benefit is frozen"),
    ]


def test_empty_text_is_no_article_and_bytes_are_refused():
    assert extract_text("  \n\n \t").no_article
    with pytest.raises(InputError):
        extract_text(b"bytes are not text")  # type: ignore[arg-type]


def test_windows_line_endings_and_hard_wrapped_paragraphs():
    blocks = text_blocks(
        "Title\r\n\r\nA paragraph that was\r\nwrapped by hand in an\r\nemail, ending here.\r\n"
    )
    assert [b.text for b in blocks] == [
        "Title",
        "A paragraph that was wrapped by hand in an email, ending here.",
    ]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_arbitrary_text_never_crashes(text):
    article = extract_text(text)
    assert isinstance(article.body_text, str)
    assert article.no_article == (not article.sections)


_LINES = st.sampled_from(
    [
        "UPDATE: x",
        "Update (19 Nov, 14:30):",
        "Original story",
        "Earlier:",
        "Correction:",
        "Editor's note:",
        "READ ALSO: y",
        "Read more about the story below.",
        "14:32 GMT",
        "• A bullet",
        "  • Teaser title",
        "Teaser title",
        "LÆS OGSÅ: z",
        "Opdateret kl. 14.30:",
        "A plain sentence.",
        "Short heading",
        "",
        "\n",
        "Advertisement",
        "© Photo",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=25))
def test_arbitrary_news_shaped_text_never_crashes_or_loses_body_words(parts):
    text = "\n\n".join(parts)
    article = extract_text(text)
    body = article.body_text
    for section in article.sections:
        assert section.kind in (
            "body",
            "update",
            "original",
            "correction",
            "editors_note",
            "live_entry",
        )
        for paragraph in section.paragraphs:
            assert paragraph.text and paragraph.text in body


def test_page_furniture_above_the_headline_is_navigation():
    article = extract_text(
        "Skip to content\n\nAdvertisement\n\nStorm closes bridges\n\n"
        "The Great Belt bridge closed on Sunday night.\n"
    )
    assert article.title == "Storm closes bridges"
    assert article.navigation == ["Skip to content", "Advertisement"]
    assert article.body_text == "The Great Belt bridge closed on Sunday night."


def test_update_label_above_the_article_is_one_block_and_the_rest_stays_body():
    article = extract_text(
        "Fire at the harbour\n\n"
        "UPDATE 14:30: The fire is now under control, police say.\n\n"
        "A warehouse caught fire on Tuesday morning.\n\n"
        "Firefighters are at the scene.\n"
    )
    assert [(s.kind, len(s.paragraphs)) for s in article.sections] == [("update", 1), ("body", 2)]
    assert article.section("update").timestamp == "14:30"


def test_bare_update_label_takes_the_next_block():
    article = extract_text(
        "Fire at the harbour\n\nUpdate (19 Nov)\n\n"
        "The fire is out.\n\nA warehouse caught fire on Tuesday.\n"
    )
    assert [(s.kind, s.heading, s.timestamp) for s in article.sections] == [
        ("update", "Update (19 Nov)", "--11-19"),
        ("body", None, None),
    ]
