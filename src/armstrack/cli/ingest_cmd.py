"""Stub: being written."""

import click


@click.command()
def ingest() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")


@click.command()
def status() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")


@click.command()
def failures() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")
