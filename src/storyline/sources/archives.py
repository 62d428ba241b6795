"""Batch inputs: WARC/ARC files, folders of saved HTML, JSONL, streamed as captures.

``read_captures`` is the one entry point. It takes files and folders (folders are walked
in name order, so a re-run meets the records in the same order) and yields ``Capture``s
and ``Rejected`` records lazily: nothing is read before the consumer asks for it, so
memory stays flat whatever the archive size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class InputMeter:
    """How far reading has got through a run's input files, in bytes as stored on disk.

    Records are of very different sizes and their number is not known before the end, but
    the files' sizes are: the share of bytes read is what an ETA can honestly be drawn from.
    """

    total: int = 0
    _finished: int = 0  # bytes of the files read to their end
    _current: int = 0  # position in the file being read
    _sizes: dict[Path, int] = field(default_factory=dict)

    @classmethod
    def of(cls, paths: Iterable[Path]) -> InputMeter:
        """A meter over ``paths``; a file that cannot be stat'ed counts as empty."""
        sizes = {}
        for path in paths:
            try:
                sizes[path] = path.stat().st_size
            except OSError:
                sizes[path] = 0
        return cls(total=sum(sizes.values()), _sizes=sizes)

    @property
    def read(self) -> int:
        """Bytes read so far, over all files."""
        return min(self.total, self._finished + self._current)

    @property
    def fraction(self) -> float | None:
        """The share of the input read, or None when there is nothing to measure."""
        return self.read / self.total if self.total > 0 else None

    def at(self, position: int) -> None:
        """The reader of the current file is at byte ``position`` of it."""
        self._current = position

    def finished(self, path: Path) -> None:
        """``path`` has been read to its end."""
        self._finished += self._sizes.get(path, 0)
        self._current = 0


def read_captures(
    paths: Iterable[Path], max_bytes: int, meter: InputMeter | None = None
) -> Iterator[Capture | Rejected]:
    """Stream every capture (and every refused record) of the given input files; with a
    ``meter``, keep it told how far reading has got."""
    for path in paths:
        yield from read_file(path, max_bytes, meter.at if meter is not None else None)
        if meter is not None:
            meter.finished(path)


def read_file(
    path: Path, max_bytes: int, at: Callable[[int], None] | None = None
) -> Iterator[Capture | Rejected]:
    """Stream one input file, choosing the reader by its name (or content for archives);
    ``at`` is told the byte position in the file as records are read."""
    try:
        if is_html_file(path):
            yield read_html_file(path, max_bytes)
        elif is_jsonl_file(path):
            yield from read_jsonl(path, max_bytes, at)
        elif is_arc(path):
            yield from read_arc(path, max_bytes, at)
        else:
            yield from read_warc(path, max_bytes, at)
    except PermissionError as exc:
        yield Rejected("unreadable", str(path), str(exc))


def _is_known(path: Path) -> bool:
    return is_html_file(path) or is_jsonl_file(path) or is_archive_file(path)
