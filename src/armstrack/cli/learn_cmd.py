"""``armstrack learn``: rebuild the learned layer from the labelled corpus and report figures."""

from __future__ import annotations

import json
from pathlib import Path

import click

from armstrack.events.learned import MODEL_PATH

_ROWS = ("event_p", "event_r", "event_f1", "modality_acc", "time_exact", "deal_p", "deal_r",
         "deal_f1", "status_acc")


def _table(report: dict) -> str:
    lines = ["| set | layer | " + " | ".join(_ROWS) + " |",
             "|---|---|" + "---|" * len(_ROWS)]
    for key, where, layer in (("dev_cv_rules_only", "dev (5-fold CV)", "rules only"),
                              ("dev_cv_learned", "dev (5-fold CV)", "learned"),
                              ("test_rules_only", "test", "rules only"),
                              ("test_learned", "test", "learned")):
        if key in report:
            figs = report[key]
            lines.append(f"| {where} | {layer} | "
                         + " | ".join(str(figs.get(r)) for r in _ROWS) + " |")
    return "\n".join(lines)


@click.group("learn")
def learn() -> None:
    """The learned layer that reviews rule candidates (docs/learned-layer.md)."""


@learn.command("train")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=MODEL_PATH, show_default=True, help="Where the model file goes.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write the figures as JSON here.")
@click.option("--no-test", is_flag=True, help="Do not score the test part.")
def train_command(output: Path, report_path: Path | None, no_test: bool) -> None:
    """Fit on the dev part (settings by 5-fold CV by article), write the model, print figures."""
    from armstrack.learn.train import train

    report = train(output, report_test=not no_test)
    if report_path is not None:
        report_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    click.echo(f"dev: {report['dev_articles']} articles, {report['dev_gold_events']} labelled "
               f"events, {report['dev_candidates']} rule candidates; chosen {report['chosen']}")
    click.echo(_table(report))
    click.echo(f"model -> {output}", err=True)
