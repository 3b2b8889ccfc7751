"""``armstrack score``: SPEC.md §6 scoring of a prediction against gold annotation."""

from __future__ import annotations

import json
from pathlib import Path

import click

from armstrack.evaluation import report, score


@click.command("score")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("prediction", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text lists misses and extras; json prints the figures.")
def score_command(gold: Path, prediction: Path, fmt: str) -> None:
    """Score PREDICTION (armstrack extract's JSON) against GOLD (the same shape, SPEC.md §6)."""
    try:
        gold_data = json.loads(gold.read_text(encoding="utf-8"))
        pred_data = json.loads(prediction.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read input: {exc}") from exc
    result = score(gold_data, pred_data)
    click.echo(json.dumps(result.figures) if fmt == "json" else report(result))
