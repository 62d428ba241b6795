"""A story is named by its news, not by an opinion piece about it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.model import Article, Paragraph, Section
from storyline.pipeline.stories import thread_new_versions
from storyline.revisions import compare_articles
from storyline.store import Store
from storyline.store.stories import stories
from storyline.stories.entities import NullRecognizer
from storyline.stories.opinion import is_opinion
from storyline.stories.titles import neutral_story_title, story_title

# The op-ed's headline shares the most words with the others: the plain centrality rule
# (story_title) would name the story after it.
OPED = "Opinion: After the Riga supermarket collapse, the Latvian prime minister had to resign"
NEWS = ["Supermarket roof collapses in Riga", "Latvian prime minister resigns"]


def test_opinion_is_told_by_path_label_or_headline_prefix():
    assert is_opinion("Why the bridge cracked", "https://x.example/opinion/2026/bridge")
    assert is_opinion("Why the bridge cracked", "https://www.theguardian.com/commentisfree/x")
    assert is_opinion("Leder: Broen", "https://x.example/a")
    assert is_opinion("Why the bridge cracked", "https://x.example/a", labels=["Opinion"])
    assert is_opinion("Broen", "https://politiken.example/debat/art123")
    assert not is_opinion("Bridge closed after crack found", "https://x.example/news/bridge")
    assert not is_opinion("Commentators react", "https://x.example/news/commentators")


def test_the_neutral_title_leaves_the_op_ed_out_unless_there_is_nothing_else():
    assert story_title([*NEWS, OPED]) == OPED.removeprefix("Opinion: ")  # without the rule
    pages = [(NEWS[0], "https://a.example/news/1"), (OPED, "https://b.example/comment/2")]
    pages.append((NEWS[1], "https://c.example/news/3"))
    assert neutral_story_title(pages) in NEWS
    plain = OPED.removeprefix("Opinion: ")  # an op-ed told only by its URL
    assert neutral_story_title([(t if t != OPED else plain, u) for t, u in pages]) in NEWS
    assert neutral_story_title([pages[1]]) == plain


def test_a_stored_story_is_not_named_after_its_op_ed(tmp_path):
    t0 = datetime(2022, 1, 27, 8, tzinfo=UTC)
    pages = [
        ("https://a.example/news/1", NEWS[0]),
        ("https://b.example/opinion/2", OPED.removeprefix("Opinion: ")),
        ("https://c.example/news/3", NEWS[1]),
    ]
    with Store.open(tmp_path / "t.db") as store:
        for offset, (url, title) in enumerate(pages):
            body = [
                Paragraph(f"{title}. The Latvian prime minister resigned after the Riga collapse.")
            ]
            article = Article(url=url, title=title, sections=[Section("body", body)])
            store.store_version(
                url, t0 + timedelta(minutes=offset), article, compare=compare_articles
            )
        thread_new_versions(store, recognizer=NullRecognizer())
        (story,) = [s for s in stories(store) if len(s.articles) == 3]
    assert story.title in NEWS
