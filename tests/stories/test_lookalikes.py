"""Look-alike events (issue #16): two earthquakes a week apart, told with the same kind
of words, stay two stories; a follow-up with a new headline joins its own story.

The articles are written for the test in the shape of wire copy: what tells the two
events apart is who and where (names), not the vocabulary of an earthquake report.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from storyline.model import Article, Paragraph, Section
from storyline.stories.entities import extract_entities
from storyline.stories.threading import StoryThreader, ThreadingOptions, thread_item

DAY = "2025-03-{:02d}T09:00:00+00:00"


def _article(url: str, day: int, title: str, paragraphs: list[str]) -> Article:
    return Article(
        url=url,
        title=title,
        published=DAY.format(day),
        sections=[Section("body", [Paragraph(p) for p in paragraphs])],
    )


FIRST = _article(
    "https://wire.example/quake-lorca",
    3,
    "Strong earthquake kills at least 12 in southern Spain",
    [
        "A magnitude 6.2 earthquake struck near the town of Lorca in the region of Murcia "
        "on Monday morning, killing at least 12 people and injuring dozens more, officials said.",
        "Rescue teams searched collapsed buildings through the day, and the regional "
        "president, Fernando López Miras, said the death toll could rise.",
        "The quake was felt as far away as Almería and Alicante, and several aftershocks "
        "shook the area in the hours after the main tremor, the National Geographic "
        "Institute said.",
        "Residents of Lorca spent the night in parks and squares, afraid to return to "
        "damaged homes.",
    ],
)
SECOND = _article(
    "https://wire.example/quake-malatya",
    10,
    "Strong earthquake kills at least 9 in eastern Turkey",
    [
        "A magnitude 5.9 earthquake struck near the city of Malatya in eastern Turkey on "
        "Monday morning, killing at least 9 people and injuring dozens more, officials said.",
        "Rescue teams searched collapsed buildings through the day, and the interior "
        "minister, Ali Yerlikaya, said the death toll could rise.",
        "The quake was felt as far away as Elazig and Adiyaman, and several aftershocks "
        "shook the area in the hours after the main tremor, the disaster agency AFAD said.",
        "Residents of Malatya spent the night in parks and squares, afraid to return to "
        "damaged homes.",
    ],
)
FOLLOW_UP = _article(
    "https://another.example/lorca-tents",
    4,
    "Lorca families sleep in tents as Murcia counts the cost",
    [
        "Hundreds of families in Lorca slept in tents put up by the army on Tuesday, a day "
        "after the earthquake that killed 12 people in Murcia.",
        "Fernando López Miras said the region would ask Madrid for emergency funds to "
        "rebuild the old town of Lorca, where the church towers were damaged.",
        "Engineers began checking buildings street by street in Lorca.",
    ],
)


@pytest.mark.parametrize("half_life", [3 * 86400.0, None], ids=["fading", "no fading"])
def test_two_lookalike_earthquakes_stay_apart_and_a_follow_up_joins(recognizer, half_life):
    threads = StoryThreader(ThreadingOptions(half_life=half_life))
    story = {}
    for article in (FIRST, FOLLOW_UP, SECOND):
        entities = extract_entities(article, recognizer)
        story[article.url] = threads.add(thread_item(article, entities))
    assert threads.story_of(FOLLOW_UP.url) == threads.story_of(FIRST.url), (
        "the follow-up, under a new headline, joins the Lorca story"
    )
    assert threads.story_of(SECOND.url) != threads.story_of(FIRST.url), (
        "the Malatya earthquake a week later is another story"
    )


def test_without_the_names_guard_the_lookalikes_would_merge(recognizer):
    """The guard is what keeps them apart: the same stream without it (and without
    fading) puts both earthquakes in one story, so the test above can fail."""
    threads = StoryThreader(ThreadingOptions(anchor_coverage=0.0))
    for article in (FIRST, FOLLOW_UP, SECOND):
        threads.add(thread_item(article, extract_entities(article, recognizer)))
    assert threads.story_of(SECOND.url) == threads.story_of(FIRST.url)


def test_lower_cased_text_is_not_held_back():
    """Text without capitals (some headline feeds) has no names to compare; the guard
    then leaves the decision to the words."""
    threads = StoryThreader()
    lower = [
        replace(FIRST, url="a", title=FIRST.title.lower()),
        replace(FOLLOW_UP, url="b", title=FOLLOW_UP.title.lower()),
    ]
    for article in lower:
        article.sections = [
            Section("body", [Paragraph(p.text.lower()) for p in article.sections[0].paragraphs])
        ]
        threads.add(thread_item(article))
    assert threads.story_of("a") == threads.story_of("b")
