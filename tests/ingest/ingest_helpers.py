"""Builders for the ingest tests: WARC files written with warcio, real pages from shared/."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
EXTRACTION = SHARED / "data" / "extraction"


@dataclass
class Rec:
    """One WARC record to write: a response, or a revisit when ``revisit`` is set."""

    url: str
    date: str
    body: bytes = b""
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    revisit: bool = False


def write_warc(path: Path, records: list[Rec], compress: bool = True) -> Path:
    """Write ``records`` to a WARC file (one gzip member per record when compressed)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        for rec in records:
            if rec.revisit:
                record = writer.create_revisit_record(
                    rec.url,
                    digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    refers_to_uri=rec.url,
                    refers_to_date=rec.date,
                )
                record.rec_headers.replace_header("WARC-Date", rec.date)
            else:
                headers = StatusAndHeaders(
                    rec.status, [("Content-Type", rec.content_type)], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    rec.url,
                    "response",
                    payload=io.BytesIO(rec.body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": rec.date},
                )
            writer.write_record(record)
    return path


def article_html(title: str, paragraphs: list[str]) -> bytes:
    """A small but complete news page, enough for the extractor to find the article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>© Example News</footer></body></html>"
    ).encode()


def shared_pages(count: int) -> list[tuple[str, bytes]]:
    """(url, html bytes) of the first ``count`` shared real news pages, in a fixed order."""
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:count]:
        html = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((truth[page_id]["url"], html))
    return pages


LOREM = [
    "The government announced on Tuesday that the last of its troops would leave the "
    "country by the end of the month, ending a deployment that began nine years ago.",
    "Officials said the decision followed weeks of talks with the transitional authorities, "
    "who had asked foreign forces to withdraw after a dispute over the terms of their stay.",
    "Opposition parties criticised the timing, arguing that the withdrawal would leave "
    "civilians in the north exposed to armed groups that have grown stronger this year.",
    "The defence minister told reporters that equipment would be moved by air and road, "
    "and that the soldiers' safety was the first priority during the operation.",
]
