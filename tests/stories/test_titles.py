"""Story titles: cleaned headlines, the most central one wins."""

from __future__ import annotations

from storyline.stories.titles import clean_headline, story_title


def test_clean_headline_drops_labels_and_site_names():
    assert clean_headline("UPDATE: Danish troops leaving Mali") == "Danish troops leaving Mali"
    assert clean_headline("BREAKING NEWS - Latvia's prime minister resigns | Reuters") == (
        "Latvia's prime minister resigns"
    )
    assert clean_headline("Mali - Denmark") == "Mali - Denmark"  # too short to be a site suffix


def test_story_title_is_the_most_central_headline():
    headlines = [
        "Latvian PM resigns",
        "Supermarket roof collapse in Riga kills 54",
        "Latvian prime minister resigns over Riga supermarket roof collapse",
        "Riga mourns",
    ]
    assert story_title(headlines) == headlines[2]
    assert story_title([]) == ""
    assert story_title(["UPDATE: Danish troops leaving Mali"]) == "Danish troops leaving Mali"
