"""The list of feeds to follow, as a TOML file (``config/feeds.toml`` ships a default).

Each ``[[feeds]]`` table has ``url`` and optionally ``name``, ``kind`` (feed, sitemap or
article: given, the source is added without fetching it, so the list loads offline) and
``every`` (a duration such as ``15m``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from storyline.durations import parse_duration
from storyline.errors import ConfigError, InputError

KINDS = ("feed", "sitemap", "article")


@dataclass(frozen=True)
class FeedListEntry:
    """One source of the list."""

    url: str
    name: str | None = None
    kind: str | None = None
    every_s: float | None = None


def load_feed_list(path: Path) -> list[FeedListEntry]:
    """Read and check a feed list; every problem names the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"feed list {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"feed list {path} cannot be read as TOML: {err}") from err
    tables = data.get("feeds")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"feed list {path} has no [[feeds]] entries")
    return [_entry(path, i, table) for i, table in enumerate(tables, 1)]


def _entry(path: Path, number: int, table: object) -> FeedListEntry:
    where = f"{path}, feed #{number}"
    if not isinstance(table, dict) or not isinstance(table.get("url"), str):
        raise ConfigError(f'{where}: every [[feeds]] entry needs a url = "https://..."')
    unknown = sorted(set(table) - {"url", "name", "kind", "every"})
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: url, name, kind, every"
        )
    kind = table.get("kind")
    if kind is not None and kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    every = table.get("every")
    try:
        every_s = parse_duration(every) if every is not None else None
    except InputError as err:
        raise ConfigError(f"{where}: {err}") from err
    return FeedListEntry(table["url"], table.get("name"), kind, every_s)
