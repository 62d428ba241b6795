"""The backfill's input files: which there are, and how an executor gets at one.

Inputs are local paths (files or folders, walked as ``storyline ingest`` walks them), a
file listing one input per line (``@paths.txt``), or URLs: ``s3://``, ``gs://``,
``hdfs://`` and ``abfs://`` through pyarrow's file systems (credentials as those take
them: the environment, instance roles, ``~/.aws``...), and ``http(s)://`` (Common Crawl
publishes its archives at https://data.commoncrawl.org/). An executor copies a remote
file to its local temporary disk first, as Common Crawl's own cc-pyspark does, and reads
it with the same readers as ``storyline ingest``: archives need seeking to recover from
damaged records, which streams over the network cannot do cheaply.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from storyline.errors import InputError
from storyline.sources.archives import input_files

REMOTE_SCHEMES = ("s3", "gs", "gcs", "hdfs", "viewfs", "abfs", "abfss")
WEB_SCHEMES = ("http", "https")
_COPY_CHUNK = 1 << 20


def expand_inputs(items: Iterable[str]) -> list[str]:
    """Every input named by ``items``, in a stable order, each once.

    ``@FILE`` reads one input per line from FILE (blank lines and ``#`` comments skipped);
    local folders are walked; URLs are kept as given (they are listed by whoever made the
    list: a cluster file system cannot be walked from here).
    """
    found: list[str] = []
    for item in items:
        if item.startswith("@"):
            found += expand_inputs(_listed(Path(item[1:])))
        elif is_url(item):
            _check_scheme(item)
            found.append(item)
        else:
            found += [str(p.resolve()) for p in input_files([item])]
    return list(dict.fromkeys(found))


def input_id(uri: str) -> str:
    """A short stable name for an input, used for its output part and its done marker."""
    return hashlib.sha1(uri.encode("utf-8")).hexdigest()[:20]


def is_url(item: str) -> bool:
    """True for ``scheme://...`` (a ``file://`` URL is a local path)."""
    return "://" in item and not item.startswith("file://")


@contextlib.contextmanager
def local_copy(uri: str) -> Iterator[Path]:
    """A local path holding the input: the file itself, or a temporary copy of a URL."""
    if not is_url(uri):
        yield Path(uri.removeprefix("file://"))
        return
    suffix = "".join(Path(urlsplit(uri).path).suffixes[-2:])
    with tempfile.TemporaryDirectory(prefix="storyline-input-") as folder:
        target = Path(folder) / f"input{suffix}"
        with target.open("wb") as out:
            _download(uri, out)
        yield target


def _download(uri: str, out: object) -> None:
    scheme = urlsplit(uri).scheme.lower()
    if scheme in WEB_SCHEMES:
        import httpx

        try:
            with httpx.stream("GET", uri, follow_redirects=True, timeout=60.0) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes(_COPY_CHUNK):
                    out.write(chunk)  # type: ignore[attr-defined]
        except httpx.HTTPError as exc:
            raise InputError(f"{uri}: could not download: {exc}") from exc
        return
    from pyarrow import fs

    try:
        filesystem, path = fs.FileSystem.from_uri(uri)
        with filesystem.open_input_stream(path) as stream:
            shutil.copyfileobj(stream, out, _COPY_CHUNK)  # type: ignore[arg-type]
    except (OSError, ValueError) as exc:
        raise InputError(f"{uri}: could not read: {exc}") from exc


def _listed(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the list of inputs: {exc}") from exc
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _check_scheme(uri: str) -> None:
    scheme = urlsplit(uri).scheme.lower()
    if scheme not in REMOTE_SCHEMES + WEB_SCHEMES:
        known = ", ".join(f"{s}://" for s in REMOTE_SCHEMES + WEB_SCHEMES)
        raise InputError(f"{uri}: unsupported scheme {scheme!r}; use a local path or {known}")
