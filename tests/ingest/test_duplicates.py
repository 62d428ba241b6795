"""Syndicated copies: one story on several sites is one group; distinct stories are not."""

from __future__ import annotations

import json
import re

import pytest
from datasketch import MinHash
from ingest_helpers import EXTRACTION, Rec, article_html, shared_pages, write_warc

from storyline.config import load_settings
from storyline.duplicates import Fingerprinter, LshParams, band_keys, similarity
from storyline.errors import ConfigError
from storyline.pipeline.ingest import ingest
from storyline.store.db import Store
from storyline.store.duplicates import canonical_map, canonical_of, duplicate_groups


def _story() -> list[str]:
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    body = truth[sorted(truth)[5]]["articleBody"]  # a ~400-word science story
    return [p.strip() for p in body.split("\n") if p.strip()]


def _copies() -> list[tuple[str, bytes]]:
    """The same agency story on three sites: own boilerplate, a trimmed and an edited copy."""
    story = _story()
    original = article_html("NASA finds water plumes", story)
    trimmed = article_html(
        "Water plumes spotted on Europa",
        [
            "(AP) —" + story[0],
            *story[1:-2],
            "Copyright 2019 The Associated Press. All rights reserved.",
            "Sign up for our science newsletter for more stories like this.",
        ],
    )
    edited = [p.replace("NASA", "the US space agency").replace("water", "H2O", 1) for p in story]
    edited[3] = "UPDATE: this story has been updated with comments from the researchers."
    return [
        ("https://agency.example/europa", original),
        ("https://paper-one.example/world/europa-plumes", trimmed),
        ("https://paper-two.example/science/2019/europa", article_html("Europa", edited)),
    ]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dups.db") as opened:
        yield opened


def test_copies_form_one_group_and_distinct_stories_stay_apart(tmp_path, store):
    pages = shared_pages(8)
    real = pages.pop(5)  # the published page this story came from, with its own boilerplate
    copies = [*_copies(), real]
    records = [Rec(url, f"2019-11-2{i}T10:00:00Z", html) for i, (url, html) in enumerate(copies)]
    records += [Rec(url, "2019-11-25T10:00:00Z", html) for url, html in pages]
    crawl = write_warc(tmp_path / "crawl.warc.gz", records[::-1])  # copies stored last-first
    report = ingest(store, [crawl], load_settings(environ={}), workers=1)
    assert report.stored == 11
    assert report.copies == 3
    groups = duplicate_groups(store)
    assert [g.members for g in groups] == [[url for url, _ in copies]]
    assert groups[0].canonical == "https://agency.example/europa"
    assert canonical_of(store, real[0]) == "https://agency.example/europa"
    assert canonical_of(store, pages[0][0]) == pages[0][0]
    assert canonical_map(store) == {url: "https://agency.example/europa" for url, _ in copies}


def test_signatures_estimate_similarity():
    story = " ".join(_story())
    fingerprints = Fingerprinter()
    same = fingerprints.signature(story)
    assert same is not None and similarity(same, fingerprints.signature(story)) == 1.0
    half = fingerprints.signature(story[: len(story) // 2])
    assert 0.3 < similarity(same, half) < 0.7
    other = fingerprints.signature(shared_pages(1)[0][1].decode("utf-8", "replace"))
    assert similarity(same, other) < 0.1
    assert fingerprints.signature("Too short to judge.") is None


def test_signatures_are_datasketch_minhash_values():
    """Stored band keys from earlier runs must keep matching: the vectorised signature is
    bit for bit datasketch's affine32 MinHash of the same shingles."""
    fingerprints = Fingerprinter()
    for _, html in shared_pages(6):
        text = html.decode("utf-8", "replace")
        words = re.findall(r"\w+", text.lower())
        shingles = {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}
        expected = MinHash(num_perm=128, scheme="affine32")
        expected.update_batch([s.encode("utf-8") for s in shingles])
        assert fingerprints.signature(text) == expected.hashvalues.astype("<u4").tobytes()


def test_band_keys_agree_exactly_when_bands_agree():
    params = LshParams.for_threshold(0.5)
    assert params.bands * params.rows <= 128
    signature = Fingerprinter().signature(" ".join(_story()))
    assert signature is not None
    keys = band_keys(signature, params)
    changed = bytearray(signature)
    changed[0] ^= 0xFF  # one MinHash value differs: only the first band's key moves
    moved = band_keys(bytes(changed), params)
    assert len(keys) == params.bands
    assert keys[0] != moved[0] and keys[1:] == moved[1:]


def test_an_impossible_threshold_is_a_config_error():
    with pytest.raises(ConfigError, match="duplicate_threshold"):
        LshParams.for_threshold(1.5)


def _wire_copy(html: bytes) -> bytes:
    """The page as another site republishes it: its own headline and a boilerplate line."""
    title = b"<title>Wire: troops to leave Mali</title>"
    copy = re.sub(rb"<title>.*?</title>", title, html, count=1)
    tail = b"<p>Copyright 2022 The Wire Agency. All rights reserved.</p>"
    return copy.replace(b"</article>", tail + b"</article>", 1)


@pytest.mark.parametrize("first", ["poll", "ingest"])
def test_a_page_followed_by_poll_and_its_copy_from_a_warc_share_a_group(tmp_path, newsroom, first):
    """Pages that arrive by follow/poll are indexed by the same detector as ingested ones,
    whichever comes first."""
    import httpx
    from fixtures.newsroom import SEED_PATH, newsroom_settings

    from storyline import pipeline
    from storyline.sources.fetch import Fetcher

    settings = newsroom_settings()
    page_url = newsroom.url(SEED_PATH)
    copy_url = "https://wire.example/2022/01/danish-troops-mali"
    newsroom.reset()
    html = httpx.get(page_url).content  # the first version, as poll will see it
    newsroom.reset()
    crawl = write_warc(
        tmp_path / "copy.warc.gz", [Rec(copy_url, "2022-01-20T10:00:00Z", _wire_copy(html))]
    )
    with Store.open(tmp_path / "both.db", settings) as store, Fetcher(settings) as fetcher:
        if first == "ingest":
            ingest(store, [crawl], settings, workers=1, thread=False)
        pipeline.follow(store, fetcher, newsroom.url("/feeds/rss.xml"))
        report = pipeline.poll(store, fetcher, settings)
        assert report.new >= 1 and store.versions(page_url)
        if first == "poll":
            assert ingest(store, [crawl], settings, workers=1, thread=False).copies == 1
        groups = [g.members for g in duplicate_groups(store)]
    assert [sorted(members) for members in groups] == [sorted([page_url, copy_url])]
