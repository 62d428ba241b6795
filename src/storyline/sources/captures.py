"""What the archive readers hand to the ingest driver: captures, and records they refused.

Every reader (WARC/ARC, HTML folders, JSONL) streams a mix of ``Capture`` (one page as it
was at one moment) and ``Rejected`` (a record that cannot become a version, with the kind
of problem and where it was). Refusals travel in the same stream instead of being raised,
so one broken record never stops a run and the final report can count them by kind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storyline.errors import InputError

# Kinds of refused records, with what they mean; the CLI report and docs/ingest use this.
PROBLEM_KINDS: dict[str, str] = {
    "http_error": "HTTP 4xx/5xx response: an error page, not the article",
    "not_html": "payload is not an HTML page (PDF, image, JSON, ...)",
    "revisit": "WARC revisit record: a pointer to an earlier capture, no payload of its own",
    "truncated": "record cut short (truncated file or gzip member); what was readable is kept",
    "corrupt": "unreadable bytes (bad gzip data, garbled record headers); reading resumed after",
    "encoding": "bytes do not match any declared charset nor UTF-8; text decoded by guess (kept)",
    "bad_json": "a JSONL line that is not a JSON object with a url and html or text",
    "no_url": "no URL: no sidecar, no <link rel=canonical>, no WARC-Target-URI",
    "bad_url": "the URL is not an absolute http(s) URL (javascript:, data:, file:, ...)",
    "no_date": "capture time missing or unreadable",
    "too_large": "payload over the fetch_max_bytes setting",
    "no_article": "page extracted, but no article text found in it",
    "extract_failed": "the extractor failed on this page (see -v for the traceback)",
    "too_slow": "extraction took longer than the extract_budget setting; the worker was replaced",
    "too_big": "extraction needed more memory than extract_memory_mb; the worker was replaced",
    "unreadable": "file could not be opened or read",
}
# Problems after which the record is still stored (the others are skipped).
KEPT_KINDS = frozenset({"encoding"})
# Records that are not articles by their nature: an archive is full of them, and skipping
# them is the job. Every other problem means a record that should have been an article was
# rejected, which ``storyline ingest`` reports with a non-zero exit.
NOT_ARTICLE_KINDS = frozenset({"http_error", "not_html", "revisit", "no_article"})


@dataclass
class Capture:
    """One page at one capture time, not yet extracted.

    ``kind`` says what ``data`` holds: ``html`` (raw page bytes, ``charset`` from the HTTP
    header if any), ``text`` (fields of a plain-text record: title, text, published,
    source) or ``article`` (an exported ``Article`` dict, ingested as is).
    """

    url: str
    fetched_at: datetime
    kind: str
    origin: str
    html: bytes | None = None
    charset: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None  # the archive's own payload digest (WARC-Payload-Digest)

    def payload_key(self) -> tuple[str, bytes] | None:
        """What makes two captures of a URL the same payload: the archive's own payload
        digest when the record has one (WARC writers compute it, revisit records rely on
        it), else a hash of the bytes (0.8 ms on a typical page). None for records that are
        not raw pages."""
        if self.kind != "html" or self.html is None:
            return None
        if self.digest:
            return self.url, b"warc:" + self.digest.encode()
        return self.url, hashlib.blake2b(self.html, digest_size=16).digest()


@dataclass(frozen=True)
class Rejected:
    """A record that will not become a version: the problem kind, where, and why."""

    kind: str
    origin: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {self.kind!r}")


def parse_time(value: Any, where: str) -> datetime:
    """A timezone-aware UTC datetime from an ISO 8601 string, a WARC/ARC 14-digit stamp or a
    datetime; naive times are taken as UTC. Raises ``InputError`` on anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            if len(text) == 14 and text.isdigit():
                moment = datetime.strptime(text, "%Y%m%d%H%M%S")
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputError(f"{where}: unreadable time {value!r}: {exc}") from exc
    else:
        raise InputError(f"{where}: no capture time")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
