"""Mutated real input for the error-contract property test and ``benchmarks/hostile.py``.

Real pages (the shared annotated news pages, cut to a window so that thousands can be
extracted in a test run), feeds and sitemaps (the newsroom's), and the seed text are
changed by a few random operations: a slice deleted or repeated, a byte replaced, or a
hostile snippet inserted (deep JSON-LD, a malformed canonical URL, thousands of
attributes or nested elements, broken charsets, NUL and surrogate references, unclosed
comments and CDATA, odd schema.org values...). Each operation is a hypothesis strategy,
so failures shrink to a small example.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
EXTRACTION = SHARED / "data" / "extraction"
SEED_TEXT = SHARED / "seed" / "danish-troops-leaving-mali.txt"
WINDOW = 8_000  # bytes of each page kept: its head metadata and the start of its body


def _deep_json_ld(depth: int) -> bytes:
    return (
        b'<script type="application/ld+json">'
        + b'{"@graph":[' * depth
        + b"{}"
        + b"]}" * depth
        + b"</script>"
    )


SNIPPETS: list[bytes] = [
    _deep_json_ld(5_000),
    b'<script type="application/ld+json">' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"</script>",
    b'<link rel="canonical" href="http://[bad/x">',
    b'<meta property="og:url" content="http://[::1:80/">',
    b'<base href="http://[bad">',
    b'<meta charset="x-no-such-charset">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-32">',
    b"\x00\x00\x00",
    b"&#0;&#xD800;&#x110000;&#99999999999;",
    b"<!-- never closed ",
    b"<![CDATA[ never closed ",
    b"<script>var never_closed = '",
    b"<div " + b" ".join(b"a%d=x" % i for i in range(2_000)) + b">attrs</div>",
    b"<div>" * 3_000 + b"deep" + b"</div>" * 3_000,
    b"<span>a</span>" * 2_000,
    b'<time datetime="99999-99-99T99:99">then</time>',
    b'<meta property="article:published_time" content="2024-13-45T99:99:99+99:99">',
    b'<meta name="author" content="' + b"A" * 5_000 + b'">',
    b'<script type="application/ld+json">{"@type": {"a": 1}, "headline": [1, {"x": null}],'
    b' "datePublished": {"x": []}, "author": [[[]]], "url": 5}</script>',
    b'<script type="application/ld+json">[[[[[{"@type":"NewsArticle","headline":null}]]]]]'
    b"</script>",
    b'<script type="application/ld+json">{"@type":"LiveBlogPosting","liveBlogUpdate":'
    b'[{"datePublished":{"a":1},"headline":["x"]}, 5, null]}</script>',
    b"<h1>" + "\u202e\u0000\ufeff\ud7ff".encode("utf-8", "surrogatepass") + b"</h1>",
    b"\xef\xbb\xbf\xff\xfe",
    b"<svg><foreignObject><p>inside svg</p></foreignObject></svg>",
    b"<table>" + b"<tr><td>" * 500 + b"</table>",
    b'<a href="javascript:alert(1)">READ ALSO: click</a>',
    b"<p>UPDATE: " + b"Correction: " * 200 + b"</p>",
    b"<?xml version='1.0' encoding='bogus'?>",
    b'<!DOCTYPE html [<!ENTITY x "&x;&x;">]>',
    b"<html><html><head><head><body><body>",
]


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes], max_ops: int = 4) -> bytes:
    """One of ``originals``, changed by 1 to ``max_ops`` random operations."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, max_ops))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["snippet", "snippet", "delete", "repeat", "byte", "junk"]))
        if kind == "snippet":
            data[where:where] = draw(st.sampled_from(SNIPPETS))
        elif kind == "delete":
            data[where : where + draw(st.integers(1, 2_000))] = b""
        elif kind == "repeat":
            data[where:where] = data[where : where + draw(st.integers(1, 500))] * draw(
                st.integers(2, 20)
            )
        elif kind == "byte" and data:
            data[min(where, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            data[where:where] = draw(st.binary(max_size=64))
    return bytes(data)


@cache
def page_windows(count: int = 82) -> list[bytes]:
    """The first ``count`` shared news pages, each cut to its first ``WINDOW`` bytes."""
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:count]:
        html = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(html[:WINDOW])
    return pages


@cache
def seed_text() -> str:
    """The seed page, scraped to text."""
    return SEED_TEXT.read_text(encoding="utf-8")
