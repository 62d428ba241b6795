"""Batch inputs: WARC/ARC files, folders of saved HTML, JSONL, streamed as captures.

``read_captures`` is the one entry point. It takes files and folders (folders are walked
in name order, so a re-run meets the records in the same order) and yields ``Capture``s
and ``Rejected`` records lazily: nothing is read before the consumer asks for it, so
memory stays flat whatever the archive size.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.errors import InputError
from storyline.sources.captures import Capture, Rejected
from storyline.sources.htmlfolder import is_html_file, read_html_file
from storyline.sources.jsonl import is_jsonl_file, read_jsonl
from storyline.sources.warc import is_arc, read_arc, read_warc

_ARCHIVE_SUFFIXES = (".warc", ".arc")


def is_archive_file(path: Path) -> bool:
    """True for ``.warc`` / ``.arc`` files, optionally gzipped."""
    return path.name.lower().removesuffix(".gz").endswith(_ARCHIVE_SUFFIXES)


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """The readable inputs under ``paths``, in a stable order; raises on a missing path.

    Folders are walked recursively; sidecars and unknown files in them are left out. A
    file named explicitly is always read, whatever its suffix (sniffed as WARC/ARC).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    candidate = Path(root) / name
                    if _is_known(candidate):
                        found.append(candidate)
        else:
            found.append(path)
    return found


def read_captures(paths: Iterable[Path], max_bytes: int) -> Iterator[Capture | Rejected]:
    """Stream every capture (and every refused record) of the given input files."""
    for path in paths:
        yield from read_file(path, max_bytes)


def read_file(path: Path, max_bytes: int) -> Iterator[Capture | Rejected]:
    """Stream one input file, choosing the reader by its name (or content for archives)."""
    try:
        if is_html_file(path):
            yield read_html_file(path, max_bytes)
        elif is_jsonl_file(path):
            yield from read_jsonl(path, max_bytes)
        elif is_arc(path):
            yield from read_arc(path, max_bytes)
        else:
            yield from read_warc(path, max_bytes)
    except PermissionError as exc:
        yield Rejected("unreadable", str(path), str(exc))


def _is_known(path: Path) -> bool:
    return is_html_file(path) or is_jsonl_file(path) or is_archive_file(path)
