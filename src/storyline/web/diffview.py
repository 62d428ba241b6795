"""The diff page's view of a diff: display parts (headline first), each one flat list of
word operations, with the flags the templates need to keep words apart."""

from __future__ import annotations

from typing import Any

from storyline.revisions.diff import touching
from storyline.revisions.wording import section_label


def diff_parts(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """The diff as display parts (headline first), each a flat list of word operations."""
    headline = diff.get("headline", [])
    parts = [
        {
            "kind": "headline",
            "label": "Headline",
            "ops": _spaced(headline),
            "changed": any(op["op"] != "equal" for op in headline),
        }
    ]
    for section in diff.get("sections", []):
        ops: list[dict[str, Any]] = []
        for i, line in enumerate(section["lines"]):
            if i:
                ops.append({"op": "equal", "text": "\n\n" if line["new_paragraph"] else " "})
            ops.extend(line["segments"])
        parts.append(
            {
                "kind": section["kind"],
                "label": section.get("heading") or section_label(section["kind"]),
                "ops": _spaced(ops),
                "changed": any(line["op"] != "same" for line in section["lines"]),
            }
        )
    return parts


def _spaced(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flag an insertion that follows a deletion word to word ("defeat" struck, then
    "lock"), so the inline view keeps the two apart; the texts stay exact."""
    out = []
    for k, op in enumerate(ops):
        if k and op["op"] == "insert" and ops[k - 1]["op"] == "delete":
            if touching(ops[k - 1]["text"], op["text"]):
                op = {**op, "apart": True}
        out.append(op)
    return out
