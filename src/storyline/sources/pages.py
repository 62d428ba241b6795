"""Read one page for ``storyline extract``: a local file (``.html``, ``.html.gz``, ``.txt``),
standard input, or a URL (fetched politely through ``fetch.Fetcher``)."""

from __future__ import annotations

import gzip
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import httpx

from storyline.config import Settings
from storyline.errors import InputError, PageTooLargeError
from storyline.sources.fetch import Fetcher, check_url

# A DNS name (letters in any script, digits, inner hyphens), an IPv4 or an IPv6 address.
_HOST = re.compile(
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)*[^\W_](?:[\w-]*[^\W_])?|"
    r"\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+",
    re.IGNORECASE,
)


@dataclass
class LoadedPage:
    """Raw page bytes and what we know of where they came from."""

    data: bytes
    url: str | None
    is_text: bool  # a plain-text page (``.txt``, ``text/plain``) rather than HTML
    content_type: str | None = None  # the HTTP Content-Type header, charset included


def looks_like_url(source: str) -> bool:
    """True when ``source`` is meant as a URL rather than a file path."""
    return "://" in source or source.startswith(("http:", "https:", "www."))


def load_page(
    source: str,
    settings: Settings,
    client: httpx.Client | None = None,
    stdin: BinaryIO | None = None,
) -> LoadedPage:
    """Load a page from a path, ``-`` (stdin) or an http(s) URL, within the size cap."""
    max_bytes = settings.extract_max_bytes
    if source == "-":
        stream = stdin or sys.stdin.buffer
        return LoadedPage(
            _cap(stream.read(max_bytes + 1), "standard input", max_bytes), None, False
        )
    if looks_like_url(source):
        return _load_url(source, settings, client)
    return _load_file(Path(source), max_bytes)


def _load_file(path: Path, max_bytes: int) -> LoadedPage:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give one page (.html, .html.gz or .txt)")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        else:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    is_text = path.name.removesuffix(".gz").endswith(".txt")
    return LoadedPage(_cap(data, str(path), max_bytes), None, is_text)


def _load_url(url: str, settings: Settings, client: httpx.Client | None) -> LoadedPage:
    """Fetch with the polite fetcher: honest User-Agent, timeouts, robots.txt, size cap."""
    url = check_url(url if "://" in url else f"https://{url}")
    host = urlsplit(url).hostname or ""
    if any(c.isspace() for c in url) or not _HOST.fullmatch(host):
        raise InputError(f"{url!r} is not a valid URL: the host name {host!r} is malformed")
    capped = settings.replace(
        fetch_max_bytes=min(settings.fetch_max_bytes, settings.extract_max_bytes)
    )
    with Fetcher(capped, client) as fetcher:
        result = fetcher.fetch(url)
    return LoadedPage(
        result.content,
        result.final_url,
        result.content_type == "text/plain",
        result.headers.get("content-type"),
    )


def _cap(data: bytes, where: str, max_bytes: int) -> bytes:
    if len(data) > max_bytes:
        raise PageTooLargeError(
            f"{where} is larger than {max_bytes:,} bytes; raise the extract_max_bytes "
            "setting (STORYLINE_EXTRACT_MAX_BYTES) to accept it"
        )
    return data
