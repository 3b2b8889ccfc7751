"""The ``armstrack`` command line: one group, one small module per command family."""

from __future__ import annotations

import os

import click

from armstrack.cli.analysis_cmd import changes, forecasts, sipri
from armstrack.cli.corpus_cmd import corpus
from armstrack.cli.ingest_cmd import failures, ingest, status
from armstrack.cli.learn_cmd import learn
from armstrack.cli.register_cmd import deals, export, extract, show
from armstrack.cli.resolve_cmd import resolve
from armstrack.cli.score_cmd import score_command
from armstrack.cli.serve_cmd import serve
from armstrack.cli.timex_cmd import timex

DEFAULT_DB = "armstrack.db"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    default=lambda: os.environ.get("ARMSTRACK_DB", DEFAULT_DB),
    show_default="armstrack.db or $ARMSTRACK_DB",
    help="SQLite file or SQLAlchemy URL of the register.",
)
@click.version_option(package_name="armstrack")
@click.pass_context
def cli(ctx: click.Context, db_path: str) -> None:
    """armstrack: a live register of international arms transfers, read from the news."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path


for command in (ingest, status, failures, deals, show, export, extract, timex, resolve, corpus,
                learn, score_command, sipri, forecasts, changes, serve):
    cli.add_command(command)
