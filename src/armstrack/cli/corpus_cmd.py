"""``armstrack corpus``: read, check and score the labelled corpus of real reports.

The commands a labeller and a developer need: ``show`` prints an article with
sentence offsets to label from, ``check`` validates label files against the
guideline's rules, ``gold`` and ``texts`` write a split's SPEC.md gold file
and its articles as JSONL (outside the repository: the text is third-party),
``agreement`` scores one labeller against another on doubly labelled articles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from armstrack.corpus import (
    check_labels,
    corpus_dir,
    gold_document,
    load_records,
    read_labels,
    read_selection,
    reserved_ids,
)
from armstrack.corpus.labels import ArticleLabel, LabelError, system_families

SPLITS = ("dev", "test", "all")


@click.group("corpus")
def corpus() -> None:
    """The labelled corpus of real reports (docs/annotation.md)."""


@corpus.command("show")
@click.argument("ids", nargs=-1, required=True)
def show(ids: tuple[str, ...]) -> None:
    """Print articles with every sentence's character offsets, to label from."""
    from armstrack.nlp import load_spacy

    records = load_records(ids)
    nlp = load_spacy(disable=("ner",))
    for article_id in ids:
        record = records.get(article_id)
        if record is None:
            click.echo(f"error: {article_id}: not in the shared data, or reserved", err=True)
            continue
        click.echo(f"=== {article_id}  published {record.get('published')}")
        click.echo(f"title: {record.get('title', '')}")
        for sent in nlp(record["text"]).sents:
            body = sent.text.strip()
            if body:
                start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
                click.echo(f"[{start}, {start + len(body)}] {body}")
        click.echo("")


def _labels(paths: tuple[Path, ...]) -> list[ArticleLabel]:
    try:
        return read_labels(paths or (corpus_dir() / "labels",))
    except LabelError as exc:
        raise click.ClickException(str(exc)) from exc


@corpus.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate label files (default: corpus/labels/ and corpus/agreement/)."""
    from armstrack.kb import load_kb

    labels = _labels(paths or (corpus_dir() / "labels", corpus_dir() / "agreement"))
    records = load_records({label.id for label in labels})
    kb = load_kb()
    states = {e.id for e in kb.entries("state")}
    lines = check_labels(labels, records, states, system_families(kb), reserved_ids())
    for line in lines:
        click.echo(line)
    problems = [line for line in lines if ": warning: " not in line]
    events = sum(len(label.events) for label in labels)
    click.echo(f"{len(labels)} labelled articles, {events} events, {len(problems)} problems, "
               f"{len(lines) - len(problems)} warnings", err=True)
    sys.exit(1 if problems else 0)


def _split_ids(split: str) -> list[str]:
    return [a.id for a in read_selection() if split == "all" or a.split == split]


def _primary(labels: list[ArticleLabel], ids: list[str]) -> list[ArticleLabel]:
    """The primary label of each id (the first one read), in selection order."""
    first: dict[str, ArticleLabel] = {}
    for label in labels:
        first.setdefault(label.id, label)
    return [first[i] for i in ids if i in first]


@corpus.command("gold")
@click.option("--split", type=click.Choice(SPLITS), default="dev", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def gold(split: str, output: Path) -> None:
    """Write the split's SPEC.md gold file (labelled articles only)."""
    labels = _primary(_labels(()), _split_ids(split))
    records = load_records({label.id for label in labels})
    document = gold_document([lb for lb in labels if lb.id in records], records)
    output.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    click.echo(f"{len(document['articles'])} articles, {len(document['events'])} events, "
               f"{len(document['deals'])} deals -> {output}", err=True)


@corpus.command("texts")
@click.option("--split", type=click.Choice(SPLITS), default="dev", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def texts(split: str, output: Path) -> None:
    """Write the split's labelled articles as JSONL, the input of ``armstrack extract``."""
    labelled = {label.id for label in _labels(())}
    ids = [i for i in _split_ids(split) if i in labelled]
    records = load_records(ids)
    with output.open("w", encoding="utf-8") as handle:
        for article_id in ids:
            if article_id in records:
                handle.write(json.dumps(records[article_id], ensure_ascii=False) + "\n")
    click.echo(f"{len(records)} articles -> {output}", err=True)


@corpus.command("agreement")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def agreement(fmt: str) -> None:
    """Event and deal F1 between two independent labellings of the same articles."""
    from armstrack.evaluation import score

    first = {label.id: label for label in _labels((corpus_dir() / "labels",))}
    second = [lb for lb in _labels((corpus_dir() / "agreement",)) if lb.id in first]
    if not second:
        raise click.ClickException("no doubly labelled articles in corpus/agreement/")
    records = load_records({label.id for label in second})
    second = [ArticleLabel(lb.id, lb.labeller, [e for e in lb.events if not e.get("optional")])
              for lb in second if lb.id in records]
    a = gold_document([first[lb.id] for lb in second], records)
    b = gold_document(second, records)
    for event in b["events"]:
        for name in ("type", "supplier", "recipient", "actor", "target", "system", "modality"):
            if isinstance(event.get(name), list):
                event[name] = event[name][0]
    figures = score(a, b).figures
    figures["articles"] = len(second)
    if fmt == "json":
        click.echo(json.dumps(figures))
    else:
        click.echo(" ".join(f"{k}={v}" for k, v in figures.items()))
