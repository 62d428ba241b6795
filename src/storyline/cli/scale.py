"""Commands for work past one machine: ``storyline spark ingest`` (an archive backfill on
Apache Spark, to a Parquet dataset) and ``storyline load`` (that dataset into a store)."""

from __future__ import annotations

import click

from storyline.cli.options import db_option, json_option, open_store, print_json, settings_from


@click.group()
def spark() -> None:
    """Archive backfills on Apache Spark (pip install 'storyline[spark]', Java 17+)."""


@spark.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, metavar="DIR", help="Output folder (local path or URI).")
@click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Spark master: local[*], spark://host:7077, yarn, k8s://... (default: local[*]).",
)
@click.option(
    "--story-window",
    default=None,
    metavar="DURATION",
    help="Time window threaded as one Spark task (30d, 2w); default: 10 story half-lives.",
)
@click.option(
    "--story-passes",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Threading passes over the windows (each one more parallel stage, closer to "
    "one sequential pass).",
)
@click.option(
    "--no-thread",
    is_flag=True,
    help="Leave the stories out (thread later: storyline rethread after the load).",
)
@json_option
@click.pass_context
def spark_ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out: str,
    master: str | None,
    story_window: str | None,
    story_passes: int,
    no_thread: bool,
    as_json: bool,
) -> None:
    """Extract, version, group and thread WARC/ARC/JSONL INPUTS into a Parquet dataset.

    INPUTS are files, folders, @FILE lists (one input per line) or URLs (s3://, gs://,
    hdfs://, abfs://, https://). Finished input files are skipped on a re-run. Load the
    result into a database with `storyline load DIR`. Details: docs/scale.md.

    Example: storyline spark ingest crawl/*.warc.gz --out backfill/ --master 'local[2]'
    """
    from storyline.durations import parse_duration
    from storyline.spark.job import run_backfill, spark_session

    settings = settings_from(ctx)
    window = parse_duration(story_window) if story_window else None
    session = spark_session(master or "local[*]")
    try:
        report = run_backfill(inputs, out, settings, session, window, not no_thread, story_passes)
    finally:
        session.stop()
    if as_json:
        print_json(report.to_dict())
        return
    click.echo(
        f"{report.inputs} input file(s) ({report.inputs_skipped} done before), "
        f"{report.records:,} records: {report.pages:,} pages, {report.versions:,} versions, "
        f"{report.changes:,} changes, {report.copies:,} syndicated copies, "
        f"{report.stories:,} stories, in "
        f"{report.seconds:.1f} s; load it with: storyline load {out}"
    )
    for kind, count in sorted(report.problems.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {kind:<15}{count:>8,}")


@click.command()
@click.argument("location", metavar="DIR")
@db_option
@json_option
@click.pass_context
def load(ctx: click.Context, location: str, db: str | None, as_json: bool) -> None:
    """Load a backfill dataset (from `storyline spark ingest`) into the database.

    PostgreSQL is written with COPY; the load is one transaction. The database must not
    hold the dataset's pages yet.

    Example: storyline load backfill/ --db postgresql+psycopg://localhost/news
    """
    from storyline.duplicates import LshParams
    from storyline.spark.load import load_backfill

    settings = settings_from(ctx)
    params = LshParams.for_threshold(settings.duplicate_threshold)
    with open_store(ctx, db) as store:
        report = load_backfill(store, location, params, settings)
    if as_json:
        print_json(report.to_dict())
        return
    click.echo(
        f"loaded {report.pages:,} pages, {report.versions:,} versions, {report.changes:,} "
        f"changes, {report.grouped:,} grouped copies, {report.stories:,} stories in "
        f"{report.seconds:.1f} s "
        f"({report.versions_per_second:,.0f} versions/s)"
    )


COMMANDS = [spark, load]
