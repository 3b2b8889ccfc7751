"""``armstrack resolve``: look mentions up in the knowledge base, one JSON object per line.

JSON Lines (not one list) so that the output streams and greps well, and a
shell loop over many mentions can be piped straight into ``jq``.
"""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("mentions", nargs=-1, required=True)
@click.option(
    "--context",
    "-c",
    default=None,
    help="Sentence the mentions come from; word-like names (Patriot, Jordan) need it to decide.",
)
def resolve(mentions: tuple[str, ...], context: str | None) -> None:
    """Resolve MENTIONS to states, organisations and weapon systems.

    Prints one JSON object per mention: text, kind, id, name, state (null when
    unknown; the exit status is 0 either way).
    """
    from armstrack.kb import resolve_json

    for mention in mentions:
        click.echo(json.dumps(resolve_json(mention, context), ensure_ascii=False))
