"""Rule candidates of the labelled articles, each with its features and its label.

A candidate's keep label says whether the labels hold a (required) event of
the same article and participants (SPEC.md §6's match, type aside: the type
model corrects the type); its type and factuality labels are those of that
event. A candidate that matches only an optional labelled event teaches
nothing either way and is left out of training.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from armstrack.corpus import (
    ArticleLabel,
    gold_document,
    load_records,
    read_labels,
    read_selection,
)
from armstrack.corpus.sources import corpus_dir
from armstrack.evaluation import event_matches
from armstrack.model import COARSE_MODALITY, Article, Event


@dataclass
class Candidate:
    """One rule candidate: the event, its features, and what the labels say of it."""

    event: Event
    features: dict[str, float]
    keep: int | None  # 1 a labelled event with these participants, 0 none, None optional only
    type: str | None  # the labelled event's type, when it matches
    modality: str | None  # the labelled event's coarse factuality, when it matches


@dataclass
class CorpusData:
    """A split's articles, gold document and rule candidates."""

    articles: dict[str, Article]
    gold: dict[str, Any]
    candidates: list[Candidate]


def primary_labels(split: str) -> list[ArticleLabel]:
    """The first labelling of every article of ``split`` ("dev", "test" or "all")."""
    wanted = [a.id for a in read_selection() if split == "all" or a.split == split]
    first: dict[str, ArticleLabel] = {}
    for label in read_labels([corpus_dir() / "labels"]):
        first.setdefault(label.id, label)
    return [first[i] for i in wanted if i in first]


def _as_article(record: dict[str, Any]) -> Article:
    from armstrack.ingest.reader import ReadOptions, jsonl_record

    item = jsonl_record(record, "corpus", "corpus", 1, ReadOptions())
    if not isinstance(item, Article):
        raise ValueError(f"{record.get('id')}: {item.describe()}")
    return item


def extract_candidates(articles: Sequence[Article]) -> dict[str, list[Event]]:
    """Every rule candidate of ``articles`` with its features (the layer keeps them all)."""
    from armstrack.events.extract import ArticleExtractor
    from armstrack.events.learned import CandidateRecorder
    from armstrack.kb import load_kb
    from armstrack.nlp import load_spacy
    from armstrack.nlp.entities import EntityLayer
    from armstrack.nlp.focus import FocusedParser

    kb = load_kb()
    entities = EntityLayer(kb)
    extractor = ArticleExtractor(reviewer=CandidateRecorder())
    out: dict[str, list[Event]] = {}
    parser = FocusedParser(load_spacy(), kb, batch_size=16)  # the parse ingest gives the rules
    for article, doc in zip(articles, parser.parse(articles), strict=True):
        entities(doc)
        out[article.id] = extractor.extract(article, doc)
    return out


def _names(event_type: str) -> tuple[str, ...]:
    return ("actor", "target", "system") if event_type == "sanction" else \
        ("supplier", "recipient", "system")


def _options(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def same_participants(gold: dict, pred: dict) -> bool:
    """``pred`` names the participants ``gold`` fixes (SPEC.md §6's match, type aside)."""
    if pred.get("article") != gold["article"]:
        return False
    gold_sanction = "sanction" in _options(gold["type"])
    if gold_sanction != (pred.get("type") == "sanction"):
        return False
    probe = {**pred, "type": _options(gold["type"])[0]}
    return event_matches(gold, probe)


def label_candidates(events: Iterable[Event], gold_events: list[dict]) -> list[Candidate]:
    """Pair each candidate with the labels: its participants are a labelled event's, or not.

    The type a candidate should have is the labelled event's: its own when the
    labels allow it, else the type of the labelled event with these
    participants whose sentence it shares (else the first such event).
    """
    out = []
    for event in events:
        as_pred = event.to_json()
        matches = [g for g in gold_events if same_participants(g, as_pred)]
        required = [g for g in matches if not g.get("optional")]
        keep = 1 if required else (None if matches else 0)
        chosen = None
        if required:
            chosen = next((g for g in required if event.type in _options(g["type"])), None)
            if chosen is None:
                start, end = event.offsets
                chosen = next((g for g in required if g.get("offsets")
                               and g["offsets"][0] < end and start < g["offsets"][1]),
                              required[0])
        kind = modality = None
        if chosen is not None:
            types = _options(chosen["type"])
            kind = event.type if event.type in types else types[0]
            wanted = _options(chosen.get("modality"))
            current = COARSE_MODALITY.get(event.modality)
            coarse = [COARSE_MODALITY.get(m) for m in wanted if m]
            modality = current if current in coarse else (coarse[0] if coarse else None)
        out.append(Candidate(event, event.extra.pop("features"), keep, kind, modality))
    return out


def labelled_data(articles: dict[str, Article], gold: dict[str, Any]) -> CorpusData:
    """The rule candidates of ``articles``, each labelled from the gold of its article."""
    extracted = extract_candidates(list(articles.values()))
    by_article: dict[str, list[dict]] = {}
    for event in gold["events"]:
        by_article.setdefault(event["article"], []).append(event)
    candidates = []
    for article_id, events in extracted.items():
        candidates.extend(label_candidates(events, by_article.get(article_id, [])))
    return CorpusData(articles, gold, candidates)


def load_split(split: str) -> CorpusData:
    """Articles, gold and labelled candidates of a split of the corpus."""
    labels = primary_labels(split)
    records = load_records({label.id for label in labels})
    labels = [label for label in labels if label.id in records]
    gold = gold_document(labels, records)
    articles = {label.id: _as_article(records[label.id]) for label in labels}
    return labelled_data(articles, gold)


def load_gold_folder(folder: Path) -> CorpusData:
    """A folder of written articles (``articles/`` and ``gold.json``) as a dev set.

    The bundled examples, ``bench/heldout`` and the seed articles of
    ``../shared/seeds`` (gold in ``../shared/gold/seeds.json``) are news-style
    articles written to SPEC.md: choosing the layer's settings on them too keeps
    it from learning habits of one wire service that do not hold for other writing.
    """
    import json

    from armstrack.ingest.reader import read_inputs

    gold_file = folder / "gold.json"
    texts = folder / "articles"
    if not gold_file.exists():  # ../shared: the seed articles and their gold beside them
        gold_file, texts = folder.parent / "gold" / f"{folder.name}.json", folder
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    articles = {a.id: a for a in read_inputs([texts]) if isinstance(a, Article)}
    return labelled_data(articles, gold)
