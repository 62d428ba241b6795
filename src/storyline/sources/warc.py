"""WARC and ARC files, gzipped or not, read as a stream of captures.

WARC goes through FastWARC (several times faster than warcio); legacy ARC, which FastWARC
cannot parse, through warcio. Both are streamed record by record, so an archive of any size
is read in constant memory. A damaged region (a truncated or corrupt gzip member, garbled
record headers) is reported once as ``corrupt`` and reading resumes at the next gzip
member or ``WARC/`` header after it: web archives are written one member per record so
that exactly this recovery is possible.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from storyline.errors import InputError
from storyline.sources.captures import Capture, Rejected, parse_time
from storyline.sources.fetched import is_web_url

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_WANTED = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.revisit
_SCAN_CHUNK = 1 << 16


def is_arc(path: Path) -> bool:
    """True when the file is a legacy ARC file (it starts with a ``filedesc://`` record)."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        try:
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=fh) as gz:
                    return gz.read(11) == b"filedesc://"
            return fh.read(11) == b"filedesc://"
        except (OSError, EOFError, zlib.error):
            return False


def read_warc(
    path: Path, max_bytes: int, at: Callable[[int], None] | None = None
) -> Iterator[Capture | Rejected]:
    """Stream the page captures of a WARC file; damaged regions are skipped and reported.
    ``at`` (for progress) is told the byte position in the file as records are read."""
    with path.open("rb") as fh:
        magic = _GZIP_MAGIC if fh.read(2) == b"\x1f\x8b" else _WARC_MAGIC
        start, reported = 0, False
        while True:
            fh.seek(start)
            last = start - 1
            try:
                for record in ArchiveIterator(
                    fh, record_types=_WANTED, parse_http=True, auto_decode="all"
                ):
                    last = record.stream_pos
                    if at is not None:
                        at(last)
                    yield _from_fastwarc(record, f"{path}@{last}", max_bytes)
                    reported = False
                return
            except OSError as exc:
                if not reported:
                    yield Rejected("corrupt", f"{path}@{max(last, start)}", str(exc))
                    reported = True
                found = _next_magic(fh, max(last, start) + 1, magic)
                if found is None:
                    return
                start = found


def read_arc(
    path: Path, max_bytes: int, at: Callable[[int], None] | None = None
) -> Iterator[Capture | Rejected]:
    """Stream the page captures of a legacy ARC file (via warcio, which converts them);
    ``at`` as for ``read_warc``."""
    # warcio ships no type information (no py.typed, no stubs package)
    from warcio.archiveiterator import (  # type: ignore[import-untyped]
        ArchiveIterator as WarcioIterator,
    )
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    with path.open("rb") as fh:
        iterator = WarcioIterator(fh, arc2warc=True)
        try:
            for number, record in enumerate(iterator, start=1):
                if record.rec_type not in ("response", "resource", "revisit"):
                    continue
                if at is not None:
                    at(fh.tell())
                yield _from_warcio(record, f"{path}#{number}", max_bytes)
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
            yield Rejected("corrupt", str(path), f"reading stopped: {exc}")


def _from_fastwarc(record: Any, origin: str, max_bytes: int) -> Capture | Rejected:
    headers = record.headers
    kind = (
        "revisit"
        if record.record_type == WarcRecordType.revisit
        else ("response" if record.record_type == WarcRecordType.response else "resource")
    )
    if kind == "response":
        http = record.http_headers
        status = http.status_code if http is not None else None
        content_type = record.http_content_type
    else:
        status, content_type = None, (headers.get("Content-Type") or "").split(";")[0].strip()
    return _page(
        url=headers.get("WARC-Target-URI"),
        date=headers.get("WARC-Date"),
        kind=kind,
        status=status,
        content_type=content_type,
        charset=record.http_charset,
        length=record.content_length,
        read=record.reader.read,
        digest=headers.get("WARC-Payload-Digest"),
        origin=origin,
        max_bytes=max_bytes,
    )


def _from_warcio(record: Any, origin: str, max_bytes: int) -> Capture | Rejected:
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None and http.get_statuscode() else None
    content_type = http.get_header("Content-Type") if http is not None else None
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    length = int(record.rec_headers.get_header("Content-Length") or 0)
    stream = record.content_stream()
    return _page(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        date=record.rec_headers.get_header("WARC-Date"),
        kind=record.rec_type,
        status=status,
        content_type=(content_type or "").split(";")[0].strip(),
        charset=charset,
        length=length,
        read=lambda: stream.read(max_bytes + 1),
        origin=origin,
        max_bytes=max_bytes,
        check_length=False,
        digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


def _page(
    *,
    url: str | None,
    date: str | None,
    kind: str,
    status: int | None,
    content_type: str | None,
    charset: str | None,
    length: int,
    read: Any,
    origin: str,
    max_bytes: int,
    check_length: bool = True,
    digest: str | None = None,
) -> Capture | Rejected:
    """One archive record → a capture, or the reason it is not one."""
    if not url:
        return Rejected("truncated", origin, "record header cut short (no WARC-Target-URI)")
    if kind == "revisit":
        return Rejected("revisit", origin, url)
    if not is_web_url(url):
        return Rejected("bad_url", origin, f"{url[:200]!r} is not an http(s) URL")
    if kind == "response" and status is None:
        return Rejected("truncated", origin, f"{url}: no HTTP status line")
    if status is not None and status >= 400:
        return Rejected("http_error", origin, f"{url}: HTTP {status}")
    if status is not None and status >= 300:
        return Rejected("http_error", origin, f"{url}: HTTP {status} redirect, no page")
    if content_type and not content_type.lower().startswith(_HTML_TYPES):
        return Rejected("not_html", origin, f"{url}: {content_type}")
    if length > max_bytes:
        return Rejected("too_large", origin, f"{url}: {length:,} bytes")
    try:
        fetched_at: datetime = parse_time(date, origin)
    except InputError as exc:
        return Rejected("no_date", origin, str(exc))
    data = read()
    if len(data) > max_bytes:
        return Rejected("too_large", origin, f"{url}: over {max_bytes:,} bytes")
    if check_length and len(data) < length:
        return Rejected("truncated", origin, f"{url}: {len(data):,} of {length:,} bytes")
    return Capture(
        url=url,
        fetched_at=fetched_at,
        kind="html",
        origin=origin,
        html=data,
        charset=charset,
        digest=digest or None,
    )


def _next_magic(fh: IO[bytes], offset: int, magic: bytes) -> int | None:
    """The offset of the next ``magic`` at or after ``offset``, scanning in small chunks."""
    fh.seek(offset)
    position, tail = offset, b""
    while chunk := fh.read(_SCAN_CHUNK):
        window = tail + chunk
        found = window.find(magic)
        if found >= 0:
            return position - len(tail) + found
        tail = window[-(len(magic) - 1) :]
        position += len(chunk)
    return None
