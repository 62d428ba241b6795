"""Where the web benchmarks write their tables in docs/benchmarks.md ("## Web" section).

Each run fills a block of its own (``markdown_sections.replace_block``), named after what
was measured (``web-wrk-workers1``, ``web-wrk-workers2``, ``web-cpu``), so the reading
written by hand around the blocks stays, and a run with another worker count adds its
table instead of replacing the other one. A new block goes after the section's last web
block (not at the top of the section, above its introduction).
"""

from __future__ import annotations

from pathlib import Path

from markdown_sections import replace_block

SECTION = "## Web"


def write_block(doc: Path, name: str, body: str) -> None:
    """Rewrite block ``name`` of the Web section, or add it after the last web block."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    start = f"<!-- {name}:start -->"
    at = text.find(f"\n{SECTION}\n")
    if start not in text and at >= 0:
        following = text.find("\n## ", at + len(SECTION) + 2)
        section_end = following if following >= 0 else len(text)
        last_end = text.rfind(":end -->", at, section_end)
        if last_end >= 0 and text.rfind("<!-- web-", at, last_end) >= 0:
            cut = last_end + len(":end -->")
            block = f"\n\n{start}\n{body}\n<!-- {name}:end -->"
            doc.write_text(text[:cut] + block + text[cut:], encoding="utf-8")
            return
    replace_block(doc, SECTION, name, body)
