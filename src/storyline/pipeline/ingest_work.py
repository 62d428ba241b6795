"""The part of a batch ingest that runs in worker processes: capture → article.

Everything here is CPU-bound and touches no database or file, so it runs in a process
pool while the parent reads archives and writes the store (and in the Spark backfill's
executors). A worker never raises for a bad page: it returns the problem, so one odd page
cannot stop a run of millions. Pages go through the one text-vs-HTML dispatch that
``storyline extract``, ``follow`` and ``poll`` use (``sandbox.work.extract_page_bytes``),
with the charset the archive's HTTP header gave.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from storyline.duplicates import Fingerprinter
from storyline.errors import InputError, PageTooLargeError
from storyline.extract.decode import decoded_by_guess
from storyline.model import Article
from storyline.sandbox.work import extract_page_bytes, out_of_memory
from storyline.sources.captures import Capture, Rejected
from storyline.store.versions import EncodedArticle, RawHtml

log = logging.getLogger(__name__)


@dataclass
class Extracted:
    """A worker's answer: the article, its MinHash signature and the compressed raw page,
    or why there is none.

    ``problems`` holds the refusal when ``article`` is None, and notes about a kept record
    (such as ``encoding``) otherwise. ``raw`` and ``encoded`` (the page compressed, the
    article hashed and serialised) are computed here, in the worker, so the single writer
    mostly just stores bytes.
    """

    article: Article | None
    signature: bytes | None = None
    problems: list[Rejected] = field(default_factory=list)
    raw: RawHtml | None = None
    encoded: EncodedArticle | None = None


def extract_capture(capture: Capture) -> Extracted:
    """Extract one capture into an article with its signature; never raises for bad input."""
    notes: list[Rejected] = []
    try:
        article = _article(capture, notes)
    except PageTooLargeError as exc:
        return Extracted(None, problems=[Rejected("too_large", capture.origin, str(exc))])
    except InputError as exc:
        return Extracted(None, problems=[Rejected("not_html", capture.origin, str(exc))])
    except MemoryError:
        out_of_memory()  # in a worker: exit, the parent reports too_big and gets a new one
        return Extracted(None, problems=[Rejected("too_big", capture.origin, capture.url)])
    except Exception as exc:  # noqa: BLE001 - third-party parsers fail in many ways on odd pages
        log.debug("extraction failed for %s", capture.origin, exc_info=True)
        return Extracted(None, problems=[Rejected("extract_failed", capture.origin, repr(exc))])
    if article.no_article or not article.body_text.strip():
        return Extracted(None, problems=[Rejected("no_article", capture.origin, capture.url)])
    signature = Fingerprinter().signature(article.body_text)
    raw = RawHtml.of(capture.html) if capture.kind == "html" and capture.html else None
    return Extracted(article, signature, notes, raw, EncodedArticle.of(article))


def _article(capture: Capture, notes: list[Rejected]) -> Article:
    if capture.kind == "article":
        article = Article.from_dict(capture.fields)
        article.url = article.url or capture.url
        return article
    if capture.kind == "text":
        return _text_article(capture)
    assert capture.html is not None
    content_type = f"text/html; charset={capture.charset}" if capture.charset else None
    article = extract_page_bytes(capture.html, capture.url, content_type)
    if decoded_by_guess(capture.html, content_type):
        notes.append(
            Rejected(
                "encoding",
                capture.origin,
                f"{capture.url}: bytes match no declared charset nor UTF-8",
            )
        )
    return article


def _text_article(capture: Capture) -> Article:
    fields = capture.fields
    title = str(fields.get("title") or "").strip()
    text = str(fields.get("text") or "")
    page = (f"{title}\n\n{text}" if title else text).encode("utf-8")
    article = extract_page_bytes(page, capture.url, "text/plain; charset=utf-8", is_text=True)
    if fields.get("published"):
        article.published = str(fields["published"])
    if fields.get("source"):
        article.site_name = str(fields["source"])
    return article
