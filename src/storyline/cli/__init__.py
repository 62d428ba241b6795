"""The command line: parse, call one library function, print. No business logic here.

``app.py`` holds the root group; each module beside it holds the commands of one job and
imports only ``options.py`` (shared options, the store opener, JSON output), so there is
no import cycle: this package registers every command on the group with ``add_command``.
"""

from __future__ import annotations

from storyline.cli import (
    batch,
    edits,
    extract,
    follow,
    news,
    probe,
    revisions,
    scale,
    stories,
    web,
)
from storyline.cli.app import cli

for _module in (extract, follow, probe, revisions, batch, scale, stories, edits, news, web):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console entry point."""
    cli(obj={}, prog_name="storyline")


__all__ = ["cli", "main"]
