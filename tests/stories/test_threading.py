"""Online threading: full articles, headlines, merges, copies, revisions and fading."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from storyline import extract_article
from storyline.model import Article, Paragraph, Section
from storyline.stories.entities import extract_entities
from storyline.stories.threading import StoryThreader, ThreadingOptions, ThreadItem, thread_item

EXTRACTION = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "extraction"
# Shared extraction pages: two stories told by two sites each, and unrelated ones.
PAGES = {
    "europa": ("14cc2a0c", "686bb170"),
    "kidnapping": ("2c46804d", "51d066b0"),
    "other": ("06e5123e", "4a44ab3e", "8b194530"),
}


def _page(prefix: str) -> Article:
    """A shared page: the headline from the HTML, the body from the human annotation."""
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    page_id = next(k for k in truth if k.startswith(prefix))
    html = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes())
    url = truth[page_id]["url"]
    paragraphs = [Paragraph(p) for p in truth[page_id]["articleBody"].split("\n") if p.strip()]
    return Article(
        url=url, title=extract_article(html, url=url).title, sections=[Section("body", paragraphs)]
    )


def _headlines(threads: StoryThreader, headlines: list[str]) -> list[int]:
    return [threads.add(ThreadItem(key=h, title=h, time=float(i))) for i, h in enumerate(headlines)]


def _partition(threads: StoryThreader) -> set[frozenset[str]]:
    return {frozenset(keys) for keys in threads.stories().values()}


def test_full_articles_on_three_stories_in_interleaved_order(make_seed, recognizer):
    earlier = make_seed(updated=False)
    earlier.url += "?version=1"  # the earlier version, as another page would carry it
    stream = [
        ("mali", earlier),
        ("europa", _page(PAGES["europa"][0])),
        ("kidnapping", _page(PAGES["kidnapping"][0])),
        ("other", _page(PAGES["other"][0])),
        ("mali", make_seed()),
        ("europa", _page(PAGES["europa"][1])),
        ("other", _page(PAGES["other"][1])),
        ("kidnapping", _page(PAGES["kidnapping"][1])),
        ("other", _page(PAGES["other"][2])),
    ]
    threads = StoryThreader()
    story_of = {}
    for label, article in stream:
        story_of[article.url] = (
            label,
            threads.add(thread_item(article, extract_entities(article, recognizer))),
        )
    final = {url: (label, threads.story_of(url)) for url, (label, _) in story_of.items()}
    for label in ("mali", "europa", "kidnapping"):
        stories = {story for lab, story in final.values() if lab == label}
        assert len(stories) == 1, f"{label} split over {stories}"
    labelled = {}
    for label, story in final.values():
        labelled.setdefault(story, set()).add(label)
    assert all(len(labels) == 1 for labels in labelled.values()), labelled
    assert len(threads.stories()) == 6


BRIDGE_STREAM = [
    "latvia prime minister dombrovskis resigns",
    "riga supermarket roof collapse kills dozens",
    "dombrovskis resigns after riga supermarket roof collapse",
    "latvia prime minister resigns after riga supermarket roof collapse",
    "nasa confirms water plumes on europa",
]


def test_converging_stories_merge():
    threads = StoryThreader()
    ids = _headlines(threads, BRIDGE_STREAM)
    assert ids[0] != ids[1], "the resignation and the collapse start as two stories"
    assert threads.merges == [(1, 2)], "the headlines joining them merge the two"
    assert _partition(threads) == {frozenset(BRIDGE_STREAM[:4]), frozenset(BRIDGE_STREAM[4:])}
    # The older story survives, and every item of the younger one now reports it.
    assert {threads.story_of(h) for h in BRIDGE_STREAM[:4]} == {1}
    assert threads.story_of(BRIDGE_STREAM[4]) == 3


def test_threading_is_deterministic():
    stream = BRIDGE_STREAM * 2 + ["europa plumes water vapor", "supermarket collapse riga"]
    first, second = StoryThreader(), StoryThreader()
    assert _headlines(first, stream) == _headlines(second, stream)
    assert first.stories() == second.stories()


def test_syndicated_copies_count_once(make_seed):
    original = make_seed()
    copy = replace(
        make_seed(),
        url="https://example.com/wire/danish-troops",
        title="Denmark to withdraw troops from Mali",
    )
    threads = StoryThreader()
    story = threads.add(thread_item(original))
    assert threads.add(thread_item(copy)) == story
    assert threads._stories[story].size == 1  # the copy joined without counting again


def test_a_new_version_of_an_article_stays_in_its_story(make_seed):
    threads = StoryThreader()
    story = threads.add(thread_item(make_seed(updated=False)))
    threads.add(ThreadItem(key="other", title="nasa confirms water plumes on europa"))
    assert threads.add(thread_item(make_seed())) == story
    assert threads._stories[story].size == 1


def test_old_stories_fade():
    fading = StoryThreader(ThreadingOptions(half_life=10.0))
    first = fading.add(ThreadItem("a", "latvia prime minister resigns", time=0.0))
    late = fading.add(ThreadItem("b", "latvia prime minister resigns again", time=1000.0))
    assert late != first
    lasting = StoryThreader()
    first = lasting.add(ThreadItem("a", "latvia prime minister resigns", time=0.0))
    assert lasting.add(ThreadItem("b", "latvia prime minister resigns again", time=1000.0)) == first


@pytest.mark.parametrize("headline", ["", "the and of", "!!!"])
def test_headlines_without_content_words_start_their_own_story(headline):
    threads = StoryThreader()
    one = threads.add(ThreadItem("x", "latvia prime minister resigns"))
    assert threads.add(ThreadItem("y", headline)) != one


def test_state_round_trips_through_json_exactly():
    """A threader restored from its state (as JSON) continues exactly like the original:
    same stories, same merges, same copies, same numbers."""
    import orjson

    stream = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "stories"
    with (stream / "googlenews-titles.jsonl").open(encoding="utf-8") as lines:
        rows = zip(range(700), lines, strict=False)
        titles = [json.loads(line)["textCleaned"] for _, line in rows]
    filler = " ".join(f"word{i}" for i in range(60))  # long enough for a sketch
    items = [
        ThreadItem(key=str(i), title=t, body=f"{t} {filler}" if i % 50 == 0 else "", time=i * 60.0)
        for i, t in enumerate(titles)
    ]
    items += [replace(items[0], key="copy-of-0", time=999_999.0)]  # a syndicated copy
    options = ThreadingOptions(half_life=3 * 3600.0)
    original = StoryThreader(options)
    for item in items[:450]:
        original.add(item)
    restored = StoryThreader.from_state(options, orjson.loads(orjson.dumps(original.state())))
    assert orjson.dumps(restored.state()) == orjson.dumps(original.state())
    merges_before = len(original.merges)
    for item in items[450:]:
        assert restored.add(item) == original.add(item)
    assert len(original.merges) > merges_before, "the continuation should merge stories"
    assert original.story_of("copy-of-0") == original.story_of("0")
    assert restored.stories() == original.stories()
    assert orjson.dumps(restored.state()) == orjson.dumps(original.state())


def test_a_headline_weighs_the_same_whatever_its_length():
    """A 25-word lead sentence used as a headline has 300 word pairs: scaled to the
    headline weight it no longer outweighs its body, and a headline alone threads as
    before (the item vector is unit length after IDF)."""
    from storyline.stories.features import headline_features, tokenize
    from storyline.stories.items import prepare

    long = (
        "The regional president said on Monday that rescue teams had searched collapsed "
        "buildings through the night after a strong earthquake struck near the old town"
    )
    options = ThreadingOptions()
    for title in (long, "Strong earthquake strikes Lorca"):
        features = headline_features(tokenize(title), 1.0, options.headline_weight)
        norm = sum(w * w for w in features.values()) ** 0.5
        assert norm == pytest.approx(options.headline_weight)
    body = "Rescue teams searched collapsed buildings in Lorca. " * 20
    item = ThreadItem(key="a", title=long, body=body)
    unscaled = replace(options, headline_weight=0.0)
    pairs = {f for f in headline_features(tokenize(long), 1.0) if " " in f}
    masses = [
        sum(w * w for f, w in prepare(item, given).features.items() if f in pairs)
        for given in (options, unscaled)
    ]
    assert masses[0] < options.headline_weight**2 < options.body_weight**2 * 2 < masses[1]
    stream = [*BRIDGE_STREAM, "europa plumes water vapor", "supermarket collapse riga"]
    scaled_stories, plain_stories = StoryThreader(options), StoryThreader(unscaled)
    assert _headlines(scaled_stories, stream) == _headlines(plain_stories, stream)
    assert scaled_stories.merges == plain_stories.merges
