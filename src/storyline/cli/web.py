"""``storyline serve``: the web app (pages, JSON API, Atom feeds) over the store."""

from __future__ import annotations

import sys

import click

from storyline.cli.options import config_path, db_option, private_option, settings_from
from storyline.store import Store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@db_option
@click.option("--read-only", is_flag=True, help="Refuse every write (follow, unfollow).")
@click.option("--watch", is_flag=True, help="Also poll the followed sources, like `watch`.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (more than one: no --watch; run `watch` beside it).",
)
@click.option(
    "--get",
    "get_path",
    default=None,
    metavar="PATH",
    help="Run one GET request through the app, print the body, and exit.",
)
@private_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    db: str | None,
    read_only: bool,
    watch: bool,
    workers: int,
    get_path: str | None,
    allow_private: bool,
) -> None:
    """Serve the web app: developing stories, articles, versions, diffs, sources, search.

    Writes need STORYLINE_TOKEN (as 'Authorization: Bearer ...') when it is set.

    \b
    Examples:
      storyline serve --db news.db --port 8000
      storyline serve --get '/api/articles?limit=5'

    """
    from storyline.web.server import get_once, is_loopback, serve_workers
    from storyline.web.server import serve as run_server

    settings = settings_from(ctx, allow_private)
    with Store.open(db, settings) as store:
        if get_path is not None:
            result = get_once(store, settings, get_path, read_only=read_only)
            sys.stdout.buffer.write(result.body)
            sys.stdout.flush()
            ctx.exit(0 if result.status < 400 else 1)
        token = settings.token or None
        if not is_loopback(host) and not token and not read_only:
            click.echo(
                f"warning: listening on {host} without STORYLINE_TOKEN: anyone who can "
                "reach it can follow and unfollow sources (use --read-only or set "
                "STORYLINE_TOKEN)",
                err=True,
            )
        click.echo(f"serving {store.location} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
        if workers == 1:
            run_server(store, settings, host, port, read_only=read_only, watch=watch, token=token)
            return
        if watch:
            raise click.UsageError(
                "--watch runs in one process; with --workers, run "
                "`storyline watch` beside the server"
            )
        location = store.engine.url.render_as_string(hide_password=False)
    serve_workers(
        location,
        host,
        port,
        workers,
        read_only=read_only,
        allow_private=allow_private,
        config_path=_config_text(ctx),
    )


def _config_text(ctx: click.Context) -> str | None:
    path = config_path(ctx)
    return str(path) if path else None


COMMANDS = [serve]
