"""Saved HTML pages (``.html``, ``.htm``, ``.xhtml``, each optionally ``.gz``) as captures.

A saved page does not carry its URL, so it comes from, in order:

1. a JSON sidecar ``<file>.json`` (``page.html.json``, or ``page.json`` beside
   ``page.html``) with ``{"url": ..., "fetched_at": ..., "content_type": ...}`` (only
   ``url`` is required);
2. a text sidecar ``<file>.url`` (``page.html.url``) whose first line is the URL;
3. the page's own ``<link rel="canonical" href=...>`` (or ``og:url``).

The capture time is the sidecar's ``fetched_at`` when given, else the file's modification
time: the moment the page was saved is the best we know of when it was seen.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.errors import InputError
from storyline.sources.captures import Capture, Rejected, parse_time
from storyline.sources.fetched import is_web_url

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_CANONICAL = re.compile(
    rb"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical["'\s>])[^>]*\bhref\s*=\s*["']([^"'>]+)""",
    re.IGNORECASE,
)
_OG_URL = re.compile(
    rb"""<meta\b(?=[^>]*\bproperty\s*=\s*["']og:url["'])[^>]*\bcontent\s*=\s*["']([^"'>]+)""",
    re.IGNORECASE,
)


def is_html_file(path: Path) -> bool:
    """True for a saved page by its name: ``.html``/``.htm``/``.xhtml``, optionally ``.gz``."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(HTML_SUFFIXES)


def read_html_file(path: Path, max_bytes: int) -> Capture | Rejected:
    """One saved page as a capture, with its URL and time from a sidecar or the page."""
    origin = str(path)
    try:
        data = _read_capped(path, max_bytes)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return Rejected("truncated", origin, f"gzip data cut short or damaged: {exc}")
    except OSError as exc:
        return Rejected("unreadable", origin, str(exc))
    if len(data) > max_bytes:
        return Rejected("too_large", origin, f"over {max_bytes:,} bytes")
    try:
        meta = _sidecar(path)
    except InputError as exc:
        return Rejected("bad_json", origin, str(exc))
    url = meta.get("url") or _url_from_page(data)
    if not url:
        return Rejected("no_url", origin, "add a page.html.url or page.html.json sidecar")
    if not is_web_url(url):
        return Rejected("bad_url", origin, f"{str(url)[:200]!r} is not an http(s) URL")
    try:
        if meta.get("fetched_at"):
            fetched_at = parse_time(meta["fetched_at"], f"{origin} sidecar")
        else:
            fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except InputError as exc:
        return Rejected("no_date", origin, str(exc))
    charset = None
    content_type = str(meta.get("content_type") or "")
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    return Capture(
        url=str(url), fetched_at=fetched_at, kind="html", origin=origin, html=data, charset=charset
    )


def _read_capped(path: Path, max_bytes: int) -> bytes:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        return fh.read(max_bytes + 1)


def _sidecar(path: Path) -> dict[str, Any]:
    """The page's sidecar metadata: JSON (url, fetched_at, content_type) or a .url file."""
    base = path.name.removesuffix(".gz")
    stem = base.rsplit(".", 1)[0]
    for candidate in (
        path.with_name(path.name + ".json"),
        path.with_name(base + ".json"),
        path.with_name(stem + ".json"),
    ):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"sidecar {candidate} is not readable JSON: {exc}") from exc
            if not isinstance(data, dict):
                raise InputError(f"sidecar {candidate} must hold a JSON object")
            return data
    for candidate in (path.with_name(path.name + ".url"), path.with_name(base + ".url")):
        if candidate.is_file():
            lines = candidate.read_text(encoding="utf-8", errors="replace").split()
            return {"url": lines[0]} if lines else {}
    return {}


def _url_from_page(data: bytes) -> str | None:
    head = data[:200_000]
    for pattern in (_CANONICAL, _OG_URL):
        if match := pattern.search(head):
            url = match.group(1).decode("ascii", errors="ignore").strip()
            if url.startswith(("http://", "https://")):
                return url
    return None
