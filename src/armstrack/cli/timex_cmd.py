"""``armstrack timex``: the temporal tagger on one sentence (stub until issue 3 lands)."""

import click


@click.command()
def timex() -> None:
    """Find and resolve the time expressions of a sentence."""
    raise click.ClickException("not implemented yet")
