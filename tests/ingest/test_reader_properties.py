"""Property tests: whatever bytes an input file holds, the readers report, never raise."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import LOREM, Rec, article_html, write_warc

from storyline.sources.archives import read_file
from storyline.sources.captures import PROBLEM_KINDS, Capture, Rejected

MAX = 1 << 20
_GOOD_RECORDS = [
    Rec(f"https://p.example/{n}", "2024-01-01T00:00:00Z", article_html("T", LOREM))
    for n in range(3)
]


def _good_warc() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_warc(Path(tmp) / "good.warc.gz", _GOOD_RECORDS).read_bytes()


_GOOD = _good_warc()
_NAMES = ("x.warc.gz", "x.warc", "x.arc.gz", "x.jsonl", "x.html", "x.html.gz", "x.bin")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


def _check(path: Path) -> None:
    for item in read_file(path, MAX):
        assert isinstance(item, Capture | Rejected)
        if isinstance(item, Rejected):
            assert item.kind in PROBLEM_KINDS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2048), name=st.sampled_from(_NAMES))
def test_arbitrary_bytes_never_raise(folder, data, name):
    path = folder / name
    path.write_bytes(data)
    _check(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(_GOOD)),
    flips=st.lists(st.integers(min_value=0, max_value=len(_GOOD) - 1), max_size=8),
)
def test_damaged_warc_never_raises_and_keeps_whole_records(folder, cut, flips):
    data = bytearray(_GOOD[:cut])
    for at in flips:
        if at < len(data):
            data[at] ^= 0x5A
    path = folder / "damaged.warc.gz"
    path.write_bytes(bytes(data))
    _check(path)
    if not flips:
        captures = [c for c in read_file(path, MAX) if isinstance(c, Capture)]
        assert all(c.html == article_html("T", LOREM) for c in captures)


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(st.text(max_size=200), max_size=8))
def test_arbitrary_jsonl_lines_never_raise(folder, lines):
    path = folder / "lines.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8", "surrogatepass")))
    _check(path)
