"""Temporal expressions resolved against the publication date."""

from __future__ import annotations

import pytest

from storyline.errors import InputError
from storyline.stories.dates import find_dates, parse_published


def _dates(text: str, published: str | None = "2022-01-27") -> list[tuple[str, str | None]]:
    return [(d.date, d.end) for d in find_dates(text, published)]


def test_seed_dates(seed):
    found = {(d.text, d.date, d.end) for d in find_dates(seed.body_text, seed.published)}
    assert ("last night", "2022-01-26", None) in found
    assert ("in May 2021", "2021-05", None) in found
    assert ("last year", "2021", None) in found
    assert ("in December 2021", "2021-12", None) in found
    assert ("since 2014", "2014", "2022-01-27") in found
    assert not any(text.lower() == "several days" for text, _, _ in found)


def test_each_date_keeps_its_sentence(seed):
    coup = next(d for d in find_dates(seed.body_text, seed.published) if d.text == "last year")
    assert "military coup last year" in coup.sentence
    assert coup.sentence.startswith("Since DF, SF and Radikale")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened yesterday.", [("2022-01-26", None)]),
        ("The vote is today.", [("2022-01-27", None)]),
        ("They met on Monday.", [("2022-01-24", None)]),  # 27 January 2022 was a Thursday
        ("They met last Thursday.", [("2022-01-20", None)]),
        ("It rose last week.", [("2022-01-17", "2022-01-23")]),
        ("It fell last month.", [("2021-12", None)]),
        ("Two weeks ago it fell.", [("2022-01-13", None)]),
        ("Three years ago it fell.", [("2019", None)]),
        ("It opened on 5 January 2022.", [("2022-01-05", None)]),
        ("It opened on March 3, 2020.", [("2020-03-03", None)]),
        ("It opened on Jan. 9.", [("2022-01-09", None)]),
        ("It opened on December 20.", [("2021-12-20", None)]),  # a December before late January
        ("It began in March.", [("2021-03", None)]),
        ("It began last December.", [("2021-12", None)]),
        ("Prices rose between 2014 and 2016.", [("2014", "2016")]),
        ("The 2021-22 season ended.", [("2021", "2022")]),
        ("Popular in the 1990s.", [("1990", "1999")]),
        ("Elected on 2020-11-03.", [("2020-11-03", None)]),
        ("Earlier this year, it rained.", [("2022", None)]),
        ("It may rain. We may go.", []),
        ("He scored 2014 points.", []),
        ("Planned since May 2023.", [("2023-05", None)]),  # after publication: no period
    ],
)
def test_expressions(text, expected):
    assert _dates(text) == expected


def test_relative_expressions_need_a_publication_date():
    assert _dates("Last year, in May 2021, it fell.", published=None) == [("2021-05", None)]


def test_publication_dates_in_several_forms():
    assert str(parse_published("2022-01-27T10:15:00+01:00")) == "2022-01-27"
    assert str(parse_published("2022-01-27T10:15:00Z")) == "2022-01-27"
    assert parse_published(None) is None
    with pytest.raises(InputError, match="ISO 8601"):
        parse_published("last Thursday")


def test_a_sentence_about_what_will_happen_looks_ahead():
    """In a sentence about the future, a bare weekday or day is the coming one."""
    wednesday = "2019-11-20"
    assert [d.date for d in find_dates("The ceremony is due next Tuesday.", wednesday)] == [
        "2019-11-26"
    ]
    assert [d.date for d in find_dates("Spain will play on Friday.", wednesday)] == ["2019-11-22"]
    assert [d.date for d in find_dates("Spain played on Friday.", wednesday)] == ["2019-11-15"]
    assert [d.date for d in find_dates("The tour will end on Sept. 12.", wednesday)] == [
        "2020-09-12"
    ]


def test_more_ways_to_give_a_year_or_month():
    published = "2019-11-18"
    said = {
        "Pricing starts with deliveries from spring 2020.": ["2020"],
        "A 2018 analysis of the data found plumes.": ["2018"],
        "As of October, the fleet had 270 aircraft.": ["2019-10"],
        "It was fixed as recently as May of this year.": ["2019-05"],
        "Sales were hit in the last year.": [],
    }
    for sentence, dates in said.items():
        assert [d.date for d in find_dates(sentence, published)] == dates, sentence
