"""``armstrack ingest``, ``armstrack status`` and ``armstrack failures``.

Output rules: error lines (``error: INPUT (record): reason``) go to stderr as
they happen; the one-line summary goes to stdout at the end (not with
``--quiet``); the progress bar goes to stderr and only when it is a terminal.
Machine formats (``--format json``) print exactly one JSON document.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from armstrack.cli.options import DATE, db_of, open_register


def _parse_size(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """``500000``, ``50MB``, ``2G``: sizes as people type them."""
    if value is None:
        return None
    text = value.strip().upper().removesuffix("B")
    scale = {"K": 10**3, "M": 10**6, "G": 10**9}.get(text[-1:], 1)
    if scale != 1:
        text = text[:-1]
    try:
        size = int(float(text) * scale)
    except ValueError:
        raise click.BadParameter(f"not a size: {value!r} (e.g. 50MB)") from None
    if size <= 0:
        raise click.BadParameter("must be positive")
    return size


def _scheduler(value: str | None) -> str | None:
    """``tcp://HOST:PORT`` (any Dask address), ``local`` or ``local:N``."""
    if value is None:
        return None
    if value.startswith("local"):
        _, sep, n = value.partition(":")
        if value != "local" and not (value.startswith("local:") and n.isdigit() and int(n) > 0):
            raise click.BadParameter(f"{value!r}: local or local:N (N worker processes)")
        return value
    if "://" not in value:
        raise click.BadParameter(f"{value!r}: a scheduler address (tcp://HOST:8786) or local[:N]")
    return value


def _positive(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is not None and value <= 0:
        raise click.BadParameter("must be positive")
    return value


@click.command()
# readable=False: an unreadable input is the reader's one-line failure, not an abort of all.
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option(
    "--published",
    type=DATE,
    help="Publication date for articles that give none (never overrides their own).",
)
@click.option(
    "--max-bytes",
    envvar="ARMSTRACK_MAX_BYTES",
    show_envvar=True,
    callback=_parse_size,
    metavar="N",
    help="Size cap for one file or record held in memory (e.g. 200MB). [default: 50MB]",
)
@click.option(
    "--max-chars",
    envvar="ARMSTRACK_MAX_CHARS",
    show_envvar=True,
    type=int,
    callback=_positive,
    metavar="N",
    help="Characters per article; a longer one is a failure, never cut. [default: 500000]",
)
@click.option(
    "--max-records",
    envvar="ARMSTRACK_MAX_RECORDS",
    show_envvar=True,
    type=int,
    callback=_positive,
    metavar="N",
    help="Lines or records read from one input before it is stopped. [default: 2000000]",
)
@click.option(
    "--max-seconds",
    envvar="ARMSTRACK_MAX_SECONDS",
    show_envvar=True,
    type=float,
    callback=_positive,
    metavar="S",
    help="Seconds spent reading one input before it is stopped. [default: 600]",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction worker processes.  [default: the number of cores]",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Relevant articles per extraction batch and per database transaction.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no progress, no summary.")
@click.option(
    "--rerun-skipped",
    is_flag=True,
    help="First re-run stored articles the relevance gate skipped (e.g. after a KB update).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    callback=lambda _c, _p, v: _scheduler(v),
    help="Run the scans and the extraction on a Dask cluster: tcp://HOST:8786, or local[:N] "
    "for N local worker processes. PATHs may then be fsspec URLs (s3://..., gs://...). "
    "See docs/cluster.md.",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    published: date | None,
    max_bytes: int | None,
    max_chars: int | None,
    max_records: int | None,
    max_seconds: float | None,
    workers: int | None,
    batch_size: int,
    quiet: bool,
    rerun_skipped: bool,
    scheduler: str | None,
) -> None:
    """Read articles from PATH... (files, folders, JSONL(.gz), HTML, WARC, feeds, - for stdin).

    Each article is stored once; the relevance gate skips (and stores) the ones
    that cannot hold a transfer; near duplicates join the earlier story; the
    rest go through the extractor in batches, one transaction per batch, so an
    interrupted run can simply be run again. Exits 1 when any input failed.
    """
    from armstrack.cluster import ClusterUnavailable  # imports no Dask: only ``connect`` does
    from armstrack.runner import IngestOptions
    from armstrack.runner import ingest as run_ingest

    if not paths and not rerun_skipped:
        raise click.UsageError("give at least one PATH (or --rerun-skipped)")
    options = IngestOptions(
        batch_size=batch_size,
        workers=workers,
        published=published,
        max_bytes=max_bytes,
        max_chars=max_chars,
        max_records=max_records,
        max_seconds=max_seconds,
        rerun_skipped=rerun_skipped,
        quiet=quiet,
        scheduler=scheduler,
        progress_every=None if quiet or not scheduler else 10.0,
    )
    if scheduler and "-" in paths:
        raise click.UsageError("stdin ('-') cannot be sent to a cluster: give files or URLs")
    store = open_register(ctx, write=True)
    try:
        summary = run_ingest(list(paths), store, options, err=sys.stderr)
    except ClusterUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    if not quiet:
        click.echo(summary.line())
    ctx.exit(summary.exit_code)


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)


@click.command()
@_FORMAT
@click.pass_context
def status(ctx: click.Context, fmt: str) -> None:
    """How much the register holds: articles stored, extracted, skipped, failed, duplicates,
    events, deals."""
    store = open_register(ctx, write=False)
    try:
        counts = store.counts()
        stale = store.deals_stale
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps(counts, sort_keys=False))
        return
    labels = {
        "articles": "articles stored",
        "extracted": "  extracted",
        "skipped": "  skipped (not relevant)",
        "duplicates": "  near duplicates and copies",
        "stories": "stories",
        "events": "events",
        "deals": "deals" + (" (rebuilt on next read)" if stale else ""),
        "failed": "failed inputs",
    }
    width = max(len(v) for v in labels.values())
    click.echo(f"register: {db_of(ctx)}")
    for key, label in labels.items():
        click.echo(f"{label:<{width}}  {counts[key]:>8}")


@click.command()
@_FORMAT
@click.pass_context
def failures(ctx: click.Context, fmt: str) -> None:
    """Inputs that could not be read, with the reason (one line each)."""
    store = open_register(ctx, write=False)
    try:
        rows = store.failures()
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rows]))
        return
    if not rows:
        click.echo("no failures")
        return
    for row in rows:
        seen: Any = f" (seen {row.count} times, last {row.last_seen})" if row.count > 1 else ""
        click.echo(f"{row.describe()}{seen}")
