"""``armstrack timex``: run the temporal tagger on one sentence and print what it resolved.

Meant for checking by hand how a date expression is read, e.g. while writing gold data:
``armstrack timex --published 2019-11-26 "Delivery began in July."``
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click


def _published(ctx: click.Context, param: click.Parameter, value: str) -> date:
    """Parse --published strictly, so a typo is a usage error (exit 2), not a wrong answer."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


@click.command()
@click.option(
    "--published",
    "-p",
    required=True,
    callback=_published,
    metavar="YYYY-MM-DD",
    help="Publication date that relative expressions resolve against.",
)
@click.argument("sentence")
def timex(published: date, sentence: str) -> None:
    """Find and resolve the time expressions of SENTENCE ("-" reads it from stdin).

    Prints a JSON list: one {"text", "start", "end", "offsets"} object per expression,
    "start"/"end" being inclusive ISO days or null (open end, or a vague expression).
    """
    from armstrack.nlp.timex import tag_text  # spaCy loads only when the command runs

    if sentence == "-":
        sentence = sys.stdin.read()
    rows = []
    for tx in tag_text(sentence, published):
        iv = tx.interval
        rows.append(
            {
                "text": tx.text,
                "start": iv.start.isoformat() if iv and iv.start else None,
                "end": iv.end.isoformat() if iv and iv.end else None,
                "offsets": [tx.start_char, tx.end_char],
            }
        )
    click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
