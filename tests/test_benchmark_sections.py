"""The helper every benchmark uses to write its figures into docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "markdown_sections", ROOT / "benchmarks" / "markdown_sections.py"
)
sections = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sections)

DOC = """# Benchmarks

## A

<!-- a-table:start -->
old table
<!-- a-table:end -->

Analysis by hand.

## B

Old B.

### B detail

Kept.

## C

C stays.
"""


def test_replace_block_keeps_the_hand_written_analysis(tmp_path):
    doc = tmp_path / "b.md"
    doc.write_text(DOC)
    sections.replace_block(doc, "## A", "a-table", "new table")
    text = doc.read_text()
    assert "new table" in text and "old table" not in text
    assert "Analysis by hand." in text and "Old B." in text and "C stays." in text


def test_replace_block_adds_markers_or_a_new_section(tmp_path):
    doc = tmp_path / "b.md"
    doc.write_text(DOC)
    sections.replace_block(doc, "## C", "c-table", "c table")
    sections.replace_block(doc, "## D", "d-table", "d table", preamble="Command: `x`\n\n")
    text = doc.read_text()
    assert "## C\n\n<!-- c-table:start -->\nc table\n<!-- c-table:end -->\n\nC stays." in text
    d_block = "<!-- d-table:start -->\nd table\n<!-- d-table:end -->\n"
    assert text.endswith("## D\n\nCommand: `x`\n\n" + d_block)


def test_replace_section_rewrites_only_its_section(tmp_path):
    doc = tmp_path / "b.md"
    doc.write_text(DOC)
    sections.replace_section(doc, "## B", "New B.", keep_subsections=True)
    text = doc.read_text()
    assert "Old B." not in text and "New B.\n\n### B detail\n\nKept.\n\n## C" in text
    sections.replace_section(doc, "## B", "Newer B.")
    assert "Kept." not in doc.read_text() and "## C\n\nC stays." in doc.read_text()
    sections.replace_section(doc, "## E", "E body")
    assert doc.read_text().endswith("## E\n\nE body\n")
    assert doc.read_text().count("## A") == 1
