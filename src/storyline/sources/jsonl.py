"""JSON Lines files (``.jsonl``, ``.jsonl.gz``): one page per line.

Three shapes are accepted, told apart by their keys:

- ``{"url", "html"}``: a raw page, extracted like any fetched page;
- ``{"url", "title", "text", "published", "source"}``: a scraped plain-text article, run
  through ``extract_text`` (``title`` becomes the headline, ``source`` the site name);
- a line of ``storyline export --format jsonl`` (it has a ``sections`` list): the
  article is stored as exported, so an export can be ingested elsewhere unchanged.

Every shape may carry ``fetched_at``; without it the capture time is ``published`` when
that is a full timestamp, else the file's modification time.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.errors import InputError
from storyline.sources.captures import Capture, Rejected, parse_time
from storyline.sources.fetched import is_web_url


def is_jsonl_file(path: Path) -> bool:
    """True for ``.jsonl`` / ``.ndjson`` files, optionally gzipped."""
    return path.name.lower().removesuffix(".gz").endswith((".jsonl", ".ndjson"))


def read_jsonl(
    path: Path, max_bytes: int, at: Callable[[int], None] | None = None
) -> Iterator[Capture | Rejected]:
    """Stream the captures of a JSONL file; a bad line is reported and skipped. ``at``
    (for progress) is told the byte position in the file as stored (compressed if gzipped)."""
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    gzipped = path.name.lower().endswith(".gz")
    number = 0
    try:
        with path.open("rb") as stored, gzip.open(stored) if gzipped else stored as fh:
            for number, raw in enumerate(fh, start=1):
                if at is not None:
                    at(stored.tell())
                if raw.strip():
                    yield _from_line(raw, f"{path}:{number}", mtime, max_bytes)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Rejected("truncated", f"{path}:{number + 1}", f"gzip data cut short: {exc}")
    except OSError as exc:
        yield Rejected("unreadable", f"{path}:{number + 1}", str(exc))


def _from_line(raw: bytes, origin: str, mtime: datetime, max_bytes: int) -> Capture | Rejected:
    if len(raw) > max_bytes:
        return Rejected("too_large", origin, f"line of {len(raw):,} bytes")
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Rejected("bad_json", origin, str(exc))
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str) or not obj["url"]:
        return Rejected("bad_json", origin, 'each line must be an object with a "url"')
    if not is_web_url(obj["url"]):
        return Rejected("bad_url", origin, f"{obj['url'][:200]!r} is not an http(s) URL")
    try:
        fetched_at = _capture_time(obj, origin, mtime)
    except InputError as exc:
        return Rejected("no_date", origin, str(exc))
    url = obj["url"]
    if isinstance(obj.get("sections"), list):
        return Capture(url, fetched_at, "article", origin, fields=obj)
    if isinstance(obj.get("html"), str):
        return Capture(
            url, fetched_at, "html", origin, html=obj["html"].encode("utf-8"), charset="utf-8"
        )
    if isinstance(obj.get("text"), str):
        fields = {k: obj.get(k) for k in ("title", "text", "published", "source")}
        return Capture(url, fetched_at, "text", origin, fields=fields)
    return Rejected("bad_json", origin, 'a line needs "html", "text" or "sections"')


def _capture_time(obj: dict[str, Any], origin: str, mtime: datetime) -> datetime:
    if obj.get("fetched_at"):
        return parse_time(obj["fetched_at"], origin)
    published = obj.get("published")
    if isinstance(published, str) and "T" in published:
        try:
            return parse_time(published, origin)
        except InputError:
            pass
    return mtime
