"""Read one page for ``storyline extract``: a local file (``.html``, ``.html.gz``, ``.txt``),
standard input, or a URL."""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from storyline.errors import FetchError, InputError, PageTooLargeError

MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass
class LoadedPage:
    """Raw page bytes and what we know of where they came from."""

    data: bytes
    url: str | None
    is_text: bool  # a plain-text page (``.txt``) rather than HTML


def looks_like_url(source: str) -> bool:
    """True when ``source`` is meant as a URL rather than a file path."""
    return "://" in source or source.startswith(("http:", "https:", "www."))


def load_page(source: str, client: httpx.Client | None = None) -> LoadedPage:
    """Load a page from a path, ``-`` (stdin) or an http(s) URL."""
    if source == "-":
        return LoadedPage(_cap(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "stdin"), None, False)
    if looks_like_url(source):
        return _load_url(source, client)
    return _load_file(Path(source))


def _load_file(path: Path) -> LoadedPage:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give one page (.html, .html.gz or .txt)")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
        else:
            with path.open("rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    is_text = path.name.removesuffix(".gz").endswith(".txt")
    return LoadedPage(_cap(data, str(path)), None, is_text)


def _load_url(url: str, client: httpx.Client | None) -> LoadedPage:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not a valid http(s) URL")
    own_client = client is None
    client = client or httpx.Client(
        headers={"User-Agent": "storyline/0.1 (+https://github.com/storyline-news/storyline)"},
        timeout=httpx.Timeout(20.0, connect=10.0),
        follow_redirects=True,
        max_redirects=5,
    )
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise FetchError(f"could not fetch {url}: {exc}", url=url) from exc
    finally:
        if own_client:
            client.close()
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}", url, response.status_code)
    content_type = response.headers.get("content-type", "")
    return LoadedPage(
        _cap(response.content, url), str(response.url), content_type.startswith("text/plain")
    )


def _cap(data: bytes, where: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        raise PageTooLargeError(f"{where} is larger than {MAX_INPUT_BYTES:,} bytes")
    return data
