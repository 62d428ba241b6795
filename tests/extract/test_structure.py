"""News structure on blocks and on real pages: promos, rails, credits, sections."""

import gzip
import json
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import extract_article
from storyline.extract import patterns
from storyline.extract.blocks import Block
from storyline.extract.rails import annotate_links, find_rail_teasers
from storyline.extract.structure import structure_blocks
from storyline.extract.timestamps import iso_timestamp
from storyline.model import Teaser

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
BODY = "The council met on Monday and approved the new budget after a long debate."


def _truth() -> dict:
    return json.loads((SHARED / "ground-truth.json").read_text(encoding="utf-8"))


def _page(url_part: str):
    """The shared page whose URL contains ``url_part``, extracted, and its truth."""
    truth = _truth()
    page_id = next(k for k, v in truth.items() if url_part in v["url"])
    raw = gzip.decompress((SHARED / "html" / f"{page_id}.html.gz").read_bytes())
    return extract_article(raw, url=truth[page_id]["url"]), truth[page_id]["articleBody"]


def test_link_only_list_after_the_body_is_a_rail_and_related_prefix_a_promo():
    blocks = [
        Block(BODY),
        Block(
            "Related: Possible Water Plumes on Europa",
            link_density=0.86,
            url="https://example.com/plumes",
        ),
        Block("A second paragraph of the article, with more facts in it."),
        Block("NASA Europa Mission Could Spot Signs of Life", "list_item", 1.0, "https://x/1"),
        Block("Photos: Europa, Mysterious Icy Moon of Jupiter", "list_item", 1.0, "https://x/2"),
    ]
    body = structure_blocks(blocks)
    assert [p.kind for p in body.promos] == ["read_also"]
    assert body.promos[0].url == "https://example.com/plumes"
    assert [t.title for t in body.related] == [
        "NASA Europa Mission Could Spot Signs of Life",
        "Photos: Europa, Mysterious Icy Moon of Jupiter",
    ]
    assert [p.text for p in body.sections[0].paragraphs] == [blocks[0].text, blocks[2].text]


def test_a_single_linked_list_item_or_a_linked_name_stays():
    blocks = [
        Block(BODY),
        Block("Staff Reports", link_density=1.0),
        Block("Beachbody Performance Energize", "list_item", 1.0),
    ]
    body = structure_blocks(blocks)
    assert body.promos == [] and body.related == []
    assert len(body.sections[0].paragraphs) == 3


def test_headline_like_linked_paragraph_is_a_promo():
    blocks = [
        Block(BODY),
        Block(
            "CO-FOUNDER 'PROUD' OF HOME DEPOT EMPLOYEES LIVING OUT THEIR AMERICAN DREAM",
            link_density=1.0,
            url="https://x/a",
        ),
    ]
    body = structure_blocks(blocks)
    assert [(p.kind, p.url) for p in body.promos] == [("link", "https://x/a")]


def test_rail_heading_takes_its_cards_but_a_normal_subheading_does_not():
    blocks = [
        Block(BODY),
        Block("What happens next", "heading"),
        Block("The plan goes to a second vote in March, officials said."),
        Block("Most read in world news", "heading"),
        Block("Storm closes bridges across Denmark", "heading", 1.0, "https://x/1"),
        Block("Ferries cancelled as wind rises", "heading", 1.0, "https://x/2"),
    ]
    body = structure_blocks(blocks)
    assert [t.title for t in body.related] == [
        "Storm closes bridges across Denmark",
        "Ferries cancelled as wind rises",
    ]
    assert body.navigation == ["Most read in world news"]
    kinds = [(p.kind, p.text) for p in body.sections[0].paragraphs]
    assert ("heading", "What happens next") in kinds
    assert not any("Storm" in text for _, text in kinds)


def test_an_ambiguous_rail_name_without_cards_stays_a_subheading():
    blocks = [
        Block(BODY),
        Block("More from the hearing", "heading"),
        Block("The committee will meet again on Thursday, its chair said."),
        Block("Most read", "heading"),
    ]
    body = structure_blocks(blocks)
    assert [p.text for p in body.sections[0].paragraphs][1] == "More from the hearing"
    assert body.navigation == ["Most read"]


def test_blocks_repeating_dom_cards_are_taken_out_and_dom_only_cards_kept():
    known = [
        Teaser(
            "Storm closes bridges across Denmark",
            "Wind speeds reached record levels on Funen on Sunday night.",
            "https://x/1",
        ),
        Teaser("Only in the aside", None, "https://x/2"),
    ]
    blocks = [
        Block(BODY),
        Block("Storm closes bridges across Denmark", "heading"),
        Block("Wind speeds reached record levels on Funen on Sunday night."),
    ]
    body = structure_blocks(blocks, known)
    assert [t.title for t in body.related] == [
        "Storm closes bridges across Denmark",
        "Only in the aside",
    ]
    assert body.sections[0].paragraphs[0].text == BODY and len(body.sections[0].paragraphs) == 1


def test_credits_are_labels_and_notices_written_as_sentences_stay():
    assert patterns.is_credit("Jewels after Jewels, installation views, photos © Inexhibit, 2018")
    assert patterns.is_credit("(Photo by Jane Doe/Getty Images)")
    assert patterns.is_credit("(Reporting by Greg Roumeliotis; editing by Martin Howell)")
    assert not patterns.is_credit("The deal was first reported by Reuters")
    assert not patterns.is_credit("The lawsuit alleges copyright infringement.")
    assert not patterns.is_credit(
        "© 2019 Associated Press. All Rights Reserved. This material "
        "may not be published, broadcast, rewritten or redistributed."
    )


@pytest.mark.parametrize(
    "text,kind",
    [
        ("READ ALSO: Relations in deep freeze?", "read_also"),
        ("Læs også: Forholdet er frosset", "read_also"),
        ("[Related: Salesforce Dreamforce Keynote]", "read_also"),
        ("See also - The 15 weirdest galaxies", "read_also"),
        ("GET FOX BUSINESS ON THE GO BY CLICKING HERE", "click_here"),
        ("Like this story? Share it with a friend!", "share"),
        ("Sign up for our daily newsletter to get the news in your inbox.", "newsletter"),
        ("Follow us on Twitter @Spacedotcom and on Facebook.", "follow"),
        ("Reach the reporters on Twitter at http://twitter.com/someone", "follow"),
        ("Watch: The moment the bridge closed", "media"),
        ("ALSO READ | Storm closes bridges", "read_also"),
        ("Also read", "read_also"),
    ],
)
def test_promo_patterns(text, kind):
    assert patterns.promo_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Read more about it in the report, he said.",
        "Related reports suggest the talks stalled.",
        "She told readers to subscribe if they liked the show.",
        "Watching the match, fans cheered.",
        "Click the button twice and the phone resets, users found after the update went out "
        "to millions of devices in the spring.",
    ],
)
def test_sentences_that_mention_promo_words_are_not_promos(text):
    assert patterns.promo_kind(text) is None


def test_card_titles_lose_their_age():
    assert patterns.strip_card_age("Canada beats U.S. at Davis Cup 15 hours ago") == (
        "Canada beats U.S. at Davis Cup"
    )
    assert patterns.strip_card_age("Storm lukker broer for 2 timer siden") == "Storm lukker broer"
    assert patterns.strip_card_age("Ten years ago today") == "Ten years ago today"


def test_timestamps_as_iso():
    assert iso_timestamp("19 November 2019 14:32") == "2019-11-19T14:32"
    assert iso_timestamp("2.32pm GMT") == "14:32Z"
    assert iso_timestamp("Nov. 19, 2019, 3:45 p.m. ET") == "2019-11-19T15:45"
    assert iso_timestamp("kl. 14.32") == "14:32"
    assert iso_timestamp("2019-11-19T14:32:00+01:00") == "2019-11-19T14:32:00+01:00"
    assert iso_timestamp("around lunchtime") == "around lunchtime"


def test_html_live_blog_entries_from_stamped_blocks():
    blocks = [
        Block("Follow the storm as it happens."),
        Block("2019-11-19T14:05:00Z"),
        Block("The harbour is closed."),
        Block("2019-11-19T14:32:00Z"),
        Block("A bridge has closed."),
    ]
    body = structure_blocks(blocks)
    assert [(s.kind, s.timestamp) for s in body.sections] == [
        ("body", None),
        ("live_entry", "2019-11-19T14:05:00Z"),
        ("live_entry", "2019-11-19T14:32:00Z"),
    ]


_RAIL_PAGE = """<html><body><article><p>{body}</p><p>Related: <a href="/a">Europa's
plumes in pictures</a></p></article>
<div class="promo-strip"><p>Subscribe today and save on our special offer for new
readers who sign up before the end of the month.</p></div>
<section class="more-stories"><h2>More stories</h2>
<div><a href="/1"><img alt="Storm closes bridges across Denmark"></a>
<h3><a href="/1">Storm closes bridges across Denmark</a></h3><p>Wind speeds reached record
levels on Funen.</p></div>
<div><a href="/2"><img alt="Ferries cancelled as wind rises"></a>
<h3><a href="/2">Ferries cancelled as wind rises</a></h3><p>All routes to Bornholm are
cancelled until Tuesday.</p></div></section></body></html>"""


def test_dom_rail_cards_and_link_lookup():
    tree = lxml.html.fromstring(_RAIL_PAGE.format(body=BODY))
    cards = find_rail_teasers(tree, headline="Council approves the budget")
    assert [(c.title, c.url) for c in cards] == [
        ("Storm closes bridges across Denmark", "/1"),
        ("Ferries cancelled as wind rises", "/2"),
    ]
    assert cards[0].summary == "Wind speeds reached record levels on Funen."
    blocks = [Block(BODY), Block("Related: Europa's plumes in pictures")]
    annotate_links(blocks, tree)
    assert blocks[0].link_density == 0.0 and blocks[0].url is None
    assert blocks[1].link_density > 0.7 and blocks[1].url == "/a"


def test_a_card_for_the_page_itself_is_not_related():
    tree = lxml.html.fromstring(_RAIL_PAGE.format(body=BODY))
    cards = find_rail_teasers(tree, headline="Storm closes bridges across Denmark")
    assert [c.title for c in cards] == ["Ferries cancelled as wind rises"]


# Real pages from the shared development set: each leaked a promo, rail, credit or
# sign-up into the body before the news-structure rules.
@pytest.mark.parametrize(
    "url_part,leak",
    [
        ("space.com/jupiter-moon-europa", "Possible Water Plumes on Europa"),
        ("space.com/jupiter-moon-europa", "Keck Observatory: Twin Telescopes"),
        ("inexhibit.com", "photos © Inexhibit"),
        ("inexhibit.com", "FLOS pays tribute to Achille Castiglioni"),
        ("cityam.com/alibaba", "Read more: Tencent profit falls"),
        ("dealbreaker.com", "Sign up for The Water Coolest"),
        ("rt.com/news/473849", "Share it with a friend"),
        ("billboard.com", "Jonas Brothers Added to 2019 American Music Awards"),
        ("livescience.com/most-detailed", "11 Fascinating Facts About Our Milky Way"),
        ("thesun.co.uk", "Most read in world news"),
        ("crn.com", "Related: Salesforce Dreamforce"),
        ("venturebeat.com", "Reporting by Greg Roumeliotis"),
    ],
)
def test_shared_pages_no_longer_leak(url_part, leak):
    article, truth = _page(url_part)
    assert leak not in article.body_text
    assert leak not in truth  # the annotators left it out too
    assert len(article.body_text) > 0.5 * len(truth)  # the article itself is still there


def test_shared_page_rail_and_promo_are_reported():
    article, _ = _page("space.com/jupiter-moon-europa")
    assert any(
        p.text.startswith("Related: Possible Water Plumes") and p.url for p in article.promos
    )
    assert "Keck Observatory: Twin Telescopes on Mauna Kea" in [t.title for t in article.related]


_LIVE_PAGE = """<html><head><title>Live: Storm hits the west coast</title></head><body>
<main><article><h1>Live: Storm hits the west coast</h1><div class="live-feed">
<div class="live-entry"><time datetime="2019-11-19T15:10:00Z">15:10</time><h3>Bridge closed</h3>
<p>The bridge over the Little Belt has closed to all traffic until further notice.</p></div>
<div class="live-entry"><time datetime="2019-11-19T14:32:00Z">14:32</time>
<p>Wind speeds of 35 metres per second were measured on Fanø this afternoon.</p></div>
<div class="live-entry"><time datetime="2019-11-19T14:05:00Z">14:05</time>
<p>The coastguard has closed the harbour at Esbjerg and asked small boats to stay in port.</p>
<p>Police ask drivers in the region to stay at home until the evening.</p></div>
</div></article></main></body></html>"""


def test_html_live_blog_entries_take_their_stamps_from_time_elements():
    article = extract_article(_LIVE_PAGE)
    assert article.labels == ["LIVE"]
    entries = [s for s in article.sections if s.kind == "live_entry"]
    assert [e.timestamp for e in entries] == [
        "2019-11-19T15:10:00Z",
        "2019-11-19T14:32:00Z",
        "2019-11-19T14:05:00Z",
    ]
    assert [p.kind for p in entries[0].paragraphs] == ["heading", "paragraph"]
    assert len(entries[2].paragraphs) == 2
    assert "2019-11-19" not in article.body_text


def test_no_shared_page_is_mistaken_for_a_live_blog_or_an_update():
    truth = _truth()
    for page_id in sorted(truth)[:40]:
        raw = gzip.decompress((SHARED / "html" / f"{page_id}.html.gz").read_bytes())
        article = extract_article(raw, url=truth[page_id]["url"])
        assert {s.kind for s in article.sections} <= {"body"}, truth[page_id]["url"]


_UPDATE_BOX_PAGE = """<html><head><title>Harbour fire under control</title></head><body><article>
<h1>Harbour fire under control</h1><p class="byline">By A. Writer,
<span class="update-time">Updated 19 November 2019 14:30</span></p>
<div class="story-update"><p>Police now say the fire is under control and nobody was hurt in
the blaze.</p></div>
<p>A warehouse caught fire at the harbour in Esbjerg early on Tuesday morning, sending smoke
over the town.</p>
<p>Firefighters from three stations were called to the scene shortly after six o'clock.</p>
</article></body></html>"""


def test_update_box_in_the_markup_becomes_an_update_section():
    article = extract_article(_UPDATE_BOX_PAGE)
    assert [(s.kind, len(s.paragraphs)) for s in article.sections] == [("update", 1), ("body", 2)]
    assert article.sections[0].paragraphs[0].text.startswith("Police now say")


def test_dateline_named_update_is_no_update_box():
    page = _UPDATE_BOX_PAGE.replace('class="story-update"', 'class="story-lede"')
    article = extract_article(page)
    assert {s.kind for s in article.sections} == {"body"}


_LD_LIVE_PAGE = """<html><head><title>Live: Election night</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "LiveBlogPosting", "headline": "Live: Election night", "liveBlogUpdate": [
  {"@type": "BlogPosting", "datePublished": "2022-11-01T21:40:00+01:00",
   "articleBody": "The first results from Copenhagen show a close race between the blocs.
 More to come."},
  {"@type": "BlogPosting", "datePublished": "2022-11-01T21:05:00+01:00",
   "articleBody": "Turnout is higher than at the last election, the interior ministry says."}
 ]}]}</script></head><body><article><h1>Live: Election night</h1>
<p>Follow the results as they come in from all over the country tonight.</p>
<p>The first results from Copenhagen show a close race between the blocs.</p><p>More to come.</p>
<p>Turnout is higher than at the last election, the interior ministry says.</p>
</article></body></html>"""


def test_html_live_blog_entries_from_json_ld():
    article = extract_article(_LD_LIVE_PAGE)
    assert [(s.kind, s.timestamp) for s in article.sections] == [
        ("body", None),
        ("live_entry", "2022-11-01T21:40:00+01:00"),
        ("live_entry", "2022-11-01T21:05:00+01:00"),
    ]
    assert [p.text for p in article.sections[1].paragraphs][-1] == "More to come."


_BLOCKS = st.builds(
    Block,
    text=st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "UPDATE: x",
                "Original story",
                "Correction:",
                "READ ALSO: y",
                "14:32 GMT",
                "Related articles",
                "Read more about the story below.",
                "A plain sentence.",
                "Teaser title",
                "2019-11-19T14:05:00Z",
            ]
        ),
    ),
    kind=st.sampled_from(["paragraph", "heading", "list_item", "quote"]),
    link_density=st.floats(0, 1),
    url=st.none() | st.just("https://example.com/a"),
    hints=st.sets(st.sampled_from(["update", "timestamp", "rail"]), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_BLOCKS, max_size=20), st.lists(st.builds(Teaser, st.text(max_size=30)), max_size=3)
)
def test_arbitrary_blocks_never_crash_and_body_comes_from_the_blocks(blocks, known):
    texts = " ".join(b.text for b in blocks)
    body = structure_blocks(blocks, known)
    for section in body.sections:
        for paragraph in section.paragraphs:
            assert paragraph.text.strip() and paragraph.text in texts


def test_cards_that_end_in_read_more_are_teasers_not_body():
    body = [
        Block("Mario's first Wii U adventure launches alongside the new console on Nov. 18."),
        Block("Players can also use the GamePad to edit courses and share them with friends."),
    ]
    cards = [
        Block(
            f"Headline number {i} about another launch. A short summary of the other "
            f"story. Read more... 2012-11-0{i}",
            "list_item",
        )
        for i in range(1, 4)
    ]
    result = structure_blocks(body + cards)
    assert [p.text for s in result.sections for p in s.paragraphs] == [b.text for b in body]
    assert len(result.related) == 3
    assert result.related[0].title.endswith("A short summary of the other story.")


def test_a_single_paragraph_ending_in_read_more_stays():
    blocks = [
        Block("The council met on Tuesday to vote on the budget for schools and roads."),
        Block("The full minutes are on the council's site. Read more"),
    ]
    result = structure_blocks(blocks)
    assert len([p for s in result.sections for p in s.paragraphs]) == 2
    assert result.related == []
