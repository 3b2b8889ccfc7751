"""The learned layer: a model trained on the labelled corpus reviews every rule candidate.

Why: the rules are written for recall and read each sentence on its own; on
real reports many of their candidates are no transfer at all (a state buying
from its own industry, company news, combat), or carry a party guessed from
elsewhere in the article. Whether a candidate is what an analyst would record
depends on many weak signals at once (the trigger word, whether its parties
and system are in the sentence, the words around it, the headline), which is
what a linear model over those signals learns well from a few hundred
labelled articles and what hand rules do badly.

The model is plain data (``events/data/model.json``: feature weights of
logistic regressions, the decision threshold, the training provenance), so it
loads in milliseconds, needs no machine-learning library at run time, and a
reviewer can read which signals count. ``armstrack learn train`` rebuilds it
from the labels (``armstrack.learn``).

What it decides, per candidate: whether it is a transfer event with these
parties at all (``keep``), and its factuality (``modality``) where the model
is confident the rules' reading is wrong. Participants that the evidence
sentence does not name are marked ``inferred`` on the event, and the keep
model weighs them like every other signal.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from armstrack.model import COARSE_MODALITY, Article, Event
from armstrack.nlp.entities import Mention, mentions_of

MODEL_PATH = Path(__file__).parent / "data" / "model.json"

#: Fine modality chosen when the model overrules the rules' coarse class.
_FINE_FOR_COARSE = {"realis": "asserted", "irrealis": "planned", "negated": "negated"}
_WORD = re.compile(r"^[a-z][a-z-]{1,}$")


def _bucket(n: int, top: int = 3) -> str:
    return str(n) if n < top else f"{top}+"


def _sentence_of(doc: Doc, start: int, end: int) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span[0].sent


def _title_words(article: Article) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]+", (article.title or "").lower()) if len(w) > 2}


@dataclass
class ArticleView:
    """What every candidate of one article needs to know about the article, computed once."""

    doc: Doc
    article: Article
    mentions: list[Mention]
    title: str
    title_words: set[str]
    states: set[str] = field(default_factory=set)
    title_mentions: list[Mention] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc, article: Article) -> ArticleView:
        mentions = mentions_of(doc)
        states = {m.party for m in mentions if m.kind in {"state", "organisation"} and m.party}
        return cls(doc, article, mentions, (article.title or "").lower(),
                   _title_words(article), states, _title_mentions(article))

    def sentence_mentions(self, event: Event) -> tuple[Span | None, list[Mention]]:
        """The evidence sentence of ``event`` and the mentions inside it."""
        offset = self.article.body_start
        sentence = _sentence_of(self.doc, event.offsets[0] - offset, event.offsets[1] - offset)
        if sentence is None:
            return None, []
        return sentence, [m for m in self.mentions if sentence.start <= m.start < sentence.end]


def _party_named(party: str | None, mentions: Iterable[Mention]) -> bool:
    return party is not None and any(m.party == party for m in mentions
                                     if m.kind in {"state", "organisation"})


def candidate_features(event: Event, view: ArticleView) -> dict[str, float]:
    """The signals the model weighs for one candidate event (name -> value)."""
    sentence, inside = view.sentence_mentions(event)
    start = event.offsets[0] - view.article.body_start
    kind = event.type
    giver = event.actor if kind == "sanction" else event.supplier
    taker = event.target if kind == "sanction" else event.recipient
    features: dict[str, float] = {
        "bias": 1.0,
        f"type={kind}": 1.0,
        f"modality={event.modality}": 1.0,
        f"coarse={COARSE_MODALITY.get(event.modality, 'realis')}": 1.0,
        f"trigger={(event.extra.get('trigger_lemma') or event.trigger or '').lower()}": 1.0,
        f"trigger_type={(event.extra.get('trigger_lemma') or '').lower()}|{kind}": 1.0,
    }
    systems_here = {m.entry.family_name or m.entry.name for m in inside if m.kind == "system"}
    states_here = {m.party for m in inside if m.kind in {"state", "organisation"} and m.party}
    flags = {
        "system_named": event.system is not None and event.system in systems_here,
        "no_system": event.system is None,
        "giver_named": _party_named(giver, inside),
        "taker_named": _party_named(taker, inside),
        "system_from_context": bool(event.extra.get("system_from_context")),
        "weak_party": bool(event.extra.get("weak_party")),
        "supplier_from_origin": bool(event.extra.get("origin_supplier")),
        "taker_in_title": _party_named(taker, view.title_mentions),
        "system_in_title": bool(event.system) and event.system.lower() in view.title,
        "has_quantity": event.quantity is not None,
        "has_value": event.value is not None,
        "has_time": event.time is not None,
        "has_source": event.source is not None,
        "repeated": bool(event.extra.get("mentions")),
        "first_sentence": start < 400,
        "competition": bool(event.extra.get("competition")),
    }
    for name, on in flags.items():
        if on:
            features[name] = 1.0
            features[f"{name}|{kind}"] = 1.0
    features[f"states_in_sentence={_bucket(len(states_here))}"] = 1.0
    features[f"states_in_article={_bucket(len(view.states), 5)}"] = 1.0
    features[f"systems_in_sentence={_bucket(len(systems_here))}"] = 1.0
    if event.extra.get("category"):
        features[f"category={event.extra['category']}"] = 1.0
    index = event.extra.get("trigger_index")
    if index is not None and 0 <= index < len(view.doc):
        features.update(trigger_frame(view.doc[index], kind))
    if sentence is not None:
        for token in sentence:
            lemma = token.lemma_.lower()
            if not token.is_stop and _WORD.match(lemma):
                features[f"w={lemma}"] = 1.0
    for word in view.title_words:
        features[f"title={word}"] = 1.0
    return features


#: Dependency relations of a trigger's children that say how it is framed.
_FRAMING_CHILDREN = {"aux", "auxpass", "neg", "det", "amod", "advmod", "prep", "mark"}
#: Parts of speech of the governing words worth a feature (function words say little).
_CONTENT_POS = {"VERB", "NOUN", "ADJ", "PROPN"}


def trigger_frame(token: Token, kind: str) -> dict[str, float]:
    """How the sentence frames its trigger: the words that govern and modify it.

    Why: a contract noun means a signed order under "signed" or "awarded" but
    only a prospect under "race for", "bid for" or "considering"; a verb of
    buying reports a purchase in the past tense and an intention under "seek
    to" or "would". The type and keep models need these frames, which the
    bag of the sentence's words does not give.
    """
    features = {f"pos={token.pos_}|{kind}": 1.0, f"tag={token.tag_}|{kind}": 1.0,
                f"dep={token.dep_}|{kind}": 1.0}
    for child in token.children:
        if child.dep_ in _FRAMING_CHILDREN and _WORD.match(child.lemma_.lower()):
            features[f"child={child.dep_}:{child.lemma_.lower()}|{kind}"] = 1.0
    head, depth = token, 0
    while head.head.i != head.i and depth < 3:
        head = head.head
        if head.pos_ not in _CONTENT_POS or not _WORD.match(head.lemma_.lower()):
            continue
        depth += 1
        lemma = head.lemma_.lower()
        features[f"gov={lemma}"] = 1.0
        features[f"gov={lemma}|{kind}"] = 1.0
        if depth == 1:
            features[f"gov1={lemma}|{kind}"] = 1.0
            for child in head.children:
                if child.dep_ in {"aux", "neg"} and _WORD.match(child.lemma_.lower()):
                    features[f"gov_child={child.lemma_.lower()}|{kind}"] = 1.0
    return features


def _title_mentions(article: Article) -> list[Mention]:
    if not article.title:
        return []
    from armstrack.kb import load_kb

    return [Mention(-1, -1, -1, -1, m.text, m.entry, m.form)
            for m in load_kb().find(article.title)]


def inferred_participants(event: Event, view: ArticleView) -> list[str]:
    """The participants the evidence sentence does not name (SPEC.md's parties and system).

    A supplier that is the origin of the system the sentence names counts as
    named (SPEC.md §2 makes the origin the supplier of a deployment).
    """
    _, inside = view.sentence_mentions(event)
    systems = [m for m in inside if m.kind == "system"]
    # a system's name gives its origin: "the S-400" names Russia as the supplier
    origins = {m.entry.origin or m.entry.state for m in systems
               if (m.entry.family_name or m.entry.name) == event.system}
    out = [name for name in ("supplier", "recipient", "actor", "target")
           if getattr(event, name) is not None and not _party_named(getattr(event, name), inside)
           and not (name == "supplier" and event.supplier in origins)]
    families = {m.entry.family_name or m.entry.name for m in systems}
    if event.system is not None and event.system not in families:
        out.append("system")
    return out


class LinearModel:
    """A logistic regression stored as data: per class, feature -> weight."""

    def __init__(self, classes: list[str], weights: Mapping[str, Mapping[str, float]]) -> None:
        self.classes = classes
        self.weights = weights

    def scores(self, features: Mapping[str, float]) -> dict[str, float]:
        """Class probabilities (sigmoid for two classes, softmax for more)."""
        raw = {c: sum(self.weights[c].get(f, 0.0) * v for f, v in features.items())
               for c in self.weights}
        if len(self.classes) == 2:
            positive = self.classes[1]
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, raw[positive]))))
            return {self.classes[0]: 1.0 - p, positive: p}
        top = max(raw.values())
        exp = {c: math.exp(v - top) for c, v in raw.items()}
        total = sum(exp.values())
        return {c: v / total for c, v in exp.items()}

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "weights": self.weights}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls(list(data["classes"]), data["weights"])


class LearnedLayer:
    """Reviews the rule candidates of an article: keeps or drops, corrects type and factuality.

    A candidate whose participants the evidence sentence names needs
    ``threshold_stated``, one with an inferred participant ``threshold``: the
    rules are right far more often on the first kind.

    A model overrules the rules' type or factuality only when it gives its own
    answer at least ``*_margin`` probability (chosen by cross-validation; a
    margin over 1 means the rules always stand).
    """

    def __init__(self, keep: LinearModel, threshold: float, threshold_stated: float = 0.0,
                 type_model: LinearModel | None = None, type_margin: float = 2.0,
                 modality: LinearModel | None = None, modality_margin: float = 2.0,
                 about: Mapping[str, Any] | None = None) -> None:
        self.keep = keep
        self.threshold = threshold
        self.threshold_stated = threshold_stated
        self.type_model = type_model
        self.type_margin = type_margin
        self.modality = modality
        self.modality_margin = modality_margin
        self.about = dict(about or {})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LearnedLayer:
        def model(name: str) -> LinearModel | None:
            return LinearModel.from_json(data[name]) if data.get(name) else None

        return cls(LinearModel.from_json(data["keep"]), float(data["threshold"]),
                   float(data.get("threshold_stated", data["threshold"])), model("type"),
                   float(data.get("type_margin", 2.0)),
                   model("modality"), float(data.get("modality_margin", 2.0)),
                   data.get("about"))

    def to_json(self) -> dict[str, Any]:
        return {"about": self.about, "threshold": self.threshold,
                "threshold_stated": self.threshold_stated,
                "type_margin": self.type_margin, "modality_margin": self.modality_margin,
                "keep": self.keep.to_json(),
                "type": self.type_model.to_json() if self.type_model else None,
                "modality": self.modality.to_json() if self.modality else None}

    def review(self, events: list[Event], doc: Doc, article: Article) -> list[Event]:
        """The candidates a reader would record, each with its confidence and inferences."""
        view = ArticleView.of(doc, article)
        kept = []
        for event in events:
            features = candidate_features(event, view)
            event.extra["inferred"] = inferred_participants(event, view)
            p_keep = self.keep.scores(features)[self.keep.classes[1]]
            event.confidence = round(p_keep, 3)
            bar = self.threshold if event.extra["inferred"] else self.threshold_stated
            if p_keep < bar:
                continue
            self._correct(event, features)
            kept.append(event)
        return kept

    def _correct(self, event: Event, features: dict[str, float]) -> None:
        if self.type_model is not None:
            best = _overruling(self.type_model.scores(features), event.type, self.type_margin)
            if best is not None and (best == "sanction") == (event.type == "sanction"):
                event.extra["rule_type"] = event.type
                event.type = best
        if self.modality is not None:
            current = COARSE_MODALITY.get(event.modality, "realis")
            best = _overruling(self.modality.scores(features), current, self.modality_margin)
            if best is not None:
                event.extra["rule_modality"] = event.modality
                event.modality = _FINE_FOR_COARSE[best]


def _overruling(scores: Mapping[str, float], current: str | None, margin: float) -> str | None:
    """The model's answer when it differs from ``current`` with at least ``margin``."""
    best = max(scores, key=scores.__getitem__)
    return best if best != current and scores[best] >= margin else None


class CandidateRecorder:
    """A reviewer that keeps every candidate and records its features (for training)."""

    def review(self, events: list[Event], doc: Doc, article: Article) -> list[Event]:
        view = ArticleView.of(doc, article)
        for event in events:
            event.extra["features"] = candidate_features(event, view)
            event.extra["inferred"] = inferred_participants(event, view)
        return events


@lru_cache(maxsize=4)
def load_layer(path: Path = MODEL_PATH) -> LearnedLayer | None:
    """The shipped model, or ``None`` when there is none (the rules alone then decide)."""
    if not path.exists():
        return None
    return LearnedLayer.from_json(json.loads(path.read_text(encoding="utf-8")))
