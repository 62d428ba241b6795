"""What every command shares: options defined once, the store opener, settings, JSON output.

Each option here is used by every command that needs it, so ``--db``, ``--since``,
``--json``, ``--limit``, ``--cursor`` and ``--allow-private`` mean the same everywhere, and
one time parser (``durations.parse_time``) reads every time a user types.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from storyline import times
from storyline.config import Settings, load_settings
from storyline.durations import parse_duration, parse_time
from storyline.errors import InputError
from storyline.store import Store

F = TypeVar("F", bound=Callable[..., Any])

# The shortest interval a source may be polled at: anything faster is impolite.
MIN_INTERVAL_S = 60.0


class TimeParam(click.ParamType[datetime, Any]):
    """A point in time as users type it: ``2026-11-01``, ``2026-11-01T08:00``, ``2h``, ``3d``."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)


class IntervalParam(click.ParamType[float, Any]):
    """How often: a number with a unit (``15m``, ``1h``, ``2d``), at least a minute."""

    name = "INTERVAL"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        if text and text[-1].isdigit():
            self.fail(f"{text!r} has no unit; write e.g. 15m, 1h or 2d", param, ctx)
        try:
            seconds = parse_duration(text)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        if seconds < MIN_INTERVAL_S:
            self.fail(f"{text!r} is under a minute; poll at most once a minute", param, ctx)
        return seconds


TIME = TimeParam()
INTERVAL = IntervalParam()


def db_option(func: F) -> F:
    """``--db PATH`` (also $STORYLINE_DB): the database every store command reads or writes."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="PATH",
        help="Database file or SQLAlchemy URL (default: $STORYLINE_DB, "
        "the config file, or the user data dir).",
    )(func)


def private_option(func: F) -> F:
    """``--allow-private``: commands that fetch may reach private and loopback addresses."""
    return click.option(
        "--allow-private", is_flag=True, help="Allow fetching from private and loopback addresses."
    )(func)


def json_option(func: F) -> F:
    """``--json``: print the command's data as JSON instead of lines of text."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def since_option(what: str) -> Callable[[F], F]:
    """``--since TIME``: only ``what`` at or after TIME (a date, a date-time, or 2h / 3d ago)."""

    def decorate(func: F) -> F:
        return click.option(
            "--since",
            type=TIME,
            default=None,
            help=f"Only {what} since TIME: 2026-11-01, 2026-11-01T08:00, or 2h / 3d ago.",
        )(func)

    return decorate


def limit_option(default: int) -> Callable[[F], F]:
    """``--limit N``: how many rows a listing prints (its JSON says where to go on)."""

    def decorate(func: F) -> F:
        return click.option(
            "--limit",
            type=click.IntRange(min=1),
            default=default,
            show_default=True,
            help="How many to list; --cursor continues from where a listing stopped.",
        )(func)

    return decorate


def cursor_option(func: F) -> F:
    """``--cursor C``: continue a listing from the ``next_cursor`` it printed."""
    return click.option(
        "--cursor", default=None, metavar="C", help="Continue from a listing's next_cursor."
    )(func)


def worker_option(func: F) -> F:
    """``--name``: a follower's name in the work claims (default: host name and process id)."""
    return click.option(
        "--name",
        default=None,
        metavar="NAME",
        help="This follower's name, shown by `storyline sources` (default: host:pid).",
    )(func)


def settings_from(ctx: click.Context, allow_private: bool = False) -> Settings:
    """Settings for this invocation: config file and environment, then flags."""
    root = ctx.find_root()
    settings = load_settings(root.obj.get("config_path") if root.obj else None)
    return settings.replace(allow_private=True) if allow_private else settings


def open_store(ctx: click.Context, db: str | None, *, create: bool = True) -> Store:
    """Open the store named by ``--db``, $STORYLINE_DB or the settings.

    Commands that only read pass ``create=False``: a mistyped path is then an error that
    names it, instead of a new empty database and advice to poll it.
    """
    return Store.open(db, settings_from(ctx), create=create)


def config_path(ctx: click.Context) -> Path | None:
    """The ``--config`` file given to the root command, if any."""
    root = ctx.find_root()
    path = (root.obj or {}).get("config_path")
    return Path(path) if path else None


def print_json(data: Any) -> None:
    """Print JSON the same way for every command: times in the one ISO 8601 form of
    ``storyline.times`` (``2026-12-03T09:38:32Z``)."""
    click.echo(
        json.dumps(times.json_times(data), ensure_ascii=False, indent=2, default=_json_value)
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return times.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def web_link(settings: Settings, href: str) -> str:
    """An article's or story's address in the web app (``web_url`` + its path)."""
    return settings.web_url.rstrip("/") + href
