"""The web benchmarks write their tables into their own blocks of the "## Web" section."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

DOC = "# Benchmarks\n\n## Web\n\nHow to read it.\n\n## Ingest\n\nNot ours.\n"


def _write_block():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from web_report import write_block
    finally:
        sys.path.remove(str(BENCHMARKS))
    return write_block


def test_blocks_go_under_the_heading_then_after_each_other_and_are_rewritten(tmp_path):
    write_block = _write_block()
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC)
    write_block(doc, "web-wrk-workers1", "one process")
    write_block(doc, "web-cpu", "in-process")
    write_block(doc, "web-wrk-workers2", "two processes")
    write_block(doc, "web-wrk-workers1", "one process, again")
    text = doc.read_text()
    blocks = [
        f"<!-- {name}:start -->\n{body}\n<!-- {name}:end -->"
        for name, body in (
            ("web-wrk-workers1", "one process, again"),
            ("web-cpu", "in-process"),
            ("web-wrk-workers2", "two processes"),
        )
    ]
    assert text == (
        "# Benchmarks\n\n## Web\n\n" + "\n\n".join(blocks) + "\n\nHow to read it.\n\n"
        "## Ingest\n\nNot ours.\n"
    )
