"""Write a benchmark's figures into its own part of docs/benchmarks.md.

Every benchmark owns one ``## `` section of the shared file. Two ways to rewrite it:
``replace_block`` rewrites only the text between two HTML-comment markers (the table and
its command), so analysis written by hand below the markers survives a re-run;
``replace_section`` rewrites the whole section, optionally keeping its ``### ``
subsections (figures written by another script). Other sections are never touched.
"""

from __future__ import annotations

from pathlib import Path

_NEW_DOC = "# Benchmarks\n"


def replace_block(doc: Path, section: str, name: str, body: str, preamble: str = "") -> None:
    """Rewrite the ``<!-- name:start -->`` … ``<!-- name:end -->`` block of ``section``.

    Without markers yet, the block goes right under the section's heading (``preamble``
    first, when the section itself is new).
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else _NEW_DOC
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    elif f"{section}\n" in text:
        head, rest = text.split(f"{section}\n", 1)
        text = f"{head}{section}\n\n{block}\n{rest}"
    else:
        text = f"{text.rstrip()}\n\n{section}\n\n{preamble}{block}\n"
    doc.write_text(text, encoding="utf-8")


def replace_section(doc: Path, section: str, body: str, keep_subsections: bool = False) -> None:
    """Rewrite ``section`` (its heading line stays ``section``) with ``body``.

    ``keep_subsections`` keeps the section's ``### `` parts, written by other scripts,
    after the new body.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else _NEW_DOC
    new = f"{section}\n\n{body.strip()}\n"
    at = text.find(f"{section}\n")
    if at < 0 or (at > 0 and text[at - 1] != "\n"):
        doc.write_text(f"{text.rstrip()}\n\n{new}", encoding="utf-8")
        return
    after = text.find("\n## ", at + len(section))
    old = text[at : after + 1] if after >= 0 else text[at:]
    tail = text[after + 1 :] if after >= 0 else ""
    if keep_subsections and "\n### " in old:
        new += "\n" + old[old.find("\n### ") + 1 :].rstrip("\n") + "\n"
    doc.write_text(text[:at] + new + ("\n" + tail if tail else ""), encoding="utf-8")
