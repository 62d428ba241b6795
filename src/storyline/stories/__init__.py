"""Stories: entities, dates, online threading of articles into stories, timelines.

Everything here is pure (model objects in, model objects out); ``storyline.store.stories``
keeps the results in the database and ``storyline.cli.stories`` shows them.
"""

from storyline.stories.clauses import dated_clause
from storyline.stories.dates import DatedExpression, find_dates
from storyline.stories.entities import (
    EntityRecognizer,
    Mention,
    NullRecognizer,
    SpacyRecognizer,
    extract_entities,
    merge_entities,
    shared_pipeline,
)
from storyline.stories.threading import (
    Prepared,
    StoryThreader,
    ThreadingOptions,
    ThreadItem,
    prepare,
    thread_item,
)
from storyline.stories.timeline import build_timeline
from storyline.stories.titles import clean_headline, story_title

__all__ = [
    "DatedExpression",
    "EntityRecognizer",
    "Mention",
    "NullRecognizer",
    "Prepared",
    "SpacyRecognizer",
    "StoryThreader",
    "ThreadItem",
    "ThreadingOptions",
    "build_timeline",
    "clean_headline",
    "dated_clause",
    "extract_entities",
    "find_dates",
    "merge_entities",
    "prepare",
    "shared_pipeline",
    "story_title",
    "thread_item",
]
