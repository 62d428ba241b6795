"""Arbitrary text never crashes the date rules, the tokenizer or the threader."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.stories.clauses import dated_clause
from storyline.stories.dates import find_dates
from storyline.stories.features import tokenize
from storyline.stories.threading import StoryThreader, ThreadItem
from storyline.stories.titles import clean_headline, story_title

NEWSY = st.text(
    alphabet=st.sampled_from(list("abc ABC 0123456789 .,:;-–()'’\"\nMayJanuary since last in")),
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=200), NEWSY))
def test_find_dates_never_crashes_and_dates_are_iso(text):
    for found in find_dates(text, "2022-01-27"):
        assert found.date[:4].isdigit() and found.text in found.sentence
        assert found.end is None or found.end >= found.date
        assert found.start is not None
        assert found.sentence[found.start :].startswith(found.text)
        clause = dated_clause(found.sentence, found.start, len(found.text))
        assert found.text not in clause or found.sentence.count(found.text) > 1


@settings(max_examples=100, deadline=None)
@given(headlines=st.lists(st.one_of(st.text(max_size=80), NEWSY), max_size=12))
def test_threading_any_headlines(headlines):
    threads = StoryThreader()
    for i, headline in enumerate(headlines):
        threads.add(ThreadItem(key=str(i), title=headline, time=float(i)))
        assert all(w and not w.isspace() for w in tokenize(headline))
        clean_headline(headline)
    stories = threads.stories()
    assert sorted(k for keys in stories.values() for k in keys) == sorted(
        str(i) for i in range(len(headlines))
    )
    story_title(headlines)
