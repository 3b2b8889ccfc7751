"""``armstrack resolve``: the knowledge base's resolver on mentions (stub until issue 4 lands)."""

import click


@click.command()
def resolve() -> None:
    """Resolve mentions to states, organisations and weapon systems."""
    raise click.ClickException("not implemented yet")
