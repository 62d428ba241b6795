"""The part of a batch ingest that runs in worker processes: capture → article.

Everything here is CPU-bound and touches no database or file, so it runs in a process
pool while the parent reads archives and writes the store. A worker never raises for a
bad page: it returns the problem, so one odd page cannot stop a run of millions.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field

from storyline.duplicates import Fingerprinter
from storyline.errors import InputError, PageTooLargeError
from storyline.extract import extract_article, extract_text
from storyline.model import Article
from storyline.sandbox.work import out_of_memory
from storyline.sources.captures import Capture, Rejected
from storyline.store.versions import EncodedArticle, RawHtml

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)


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
    page: str | bytes = capture.html
    decoded, clean = _decode_declared(capture.html, capture.charset)
    if decoded is not None:
        page = decoded
    elif not clean:
        notes.append(
            Rejected(
                "encoding",
                capture.origin,
                f"{capture.url}: bytes match no declared charset nor UTF-8",
            )
        )
    return extract_article(page, url=capture.url)


def _text_article(capture: Capture) -> Article:
    fields = capture.fields
    title = str(fields.get("title") or "").strip()
    text = str(fields.get("text") or "")
    article = extract_text(f"{title}\n\n{text}" if title else text, url=capture.url)
    if fields.get("published"):
        article.published = str(fields["published"])
    if fields.get("source"):
        article.site_name = str(fields["source"])
    return article


def _decode_declared(data: bytes, header_charset: str | None) -> tuple[str | None, bool]:
    """(text, clean): the text when the HTTP-declared charset decodes the bytes (it outranks
    the page's own ``<meta>``), else None and whether any declared charset or UTF-8 fits."""
    if header_charset:
        try:
            return data.decode(header_charset), True
        except (UnicodeDecodeError, LookupError):
            pass
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, True  # the byte-order mark settles it
    candidates = []
    if match := _META_CHARSET.search(data[:8192]):
        candidates.append(match.group(1).decode("ascii", errors="ignore"))
    for encoding in (*candidates, "utf-8"):
        try:
            data.decode(encoding)
            return None, True
        except (UnicodeDecodeError, LookupError):
            continue
    return None, False
