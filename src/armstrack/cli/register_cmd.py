"""Stub: being written."""

import click


@click.command()
def deals() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")


@click.command()
def show() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")


@click.command()
def export() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")


@click.command()
def extract() -> None:
    """Not implemented yet."""
    raise click.ClickException("not implemented yet")
