"""The domain entity layer: knowledge-base mentions that win over spaCy's labels.

The stock model tags "Rosoboronexport" as a place, "S-400" as an organisation
and "Mikheev" as a date. This component finds every state (with its metonyms,
demonyms and institutions), arms maker and weapon system with the knowledge
base's automaton, stores them on ``doc._.arms`` as :class:`Mention` objects and
rewrites ``doc.ents`` so that a knowledge-base mention replaces any spaCy entity
it overlaps. Downstream rules read ``doc._.arms``; ``doc.ents`` stays useful for
the generic labels (PERSON, MONEY, CARDINAL) the knowledge base does not cover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from armstrack.ingest.dates import AGENCY_TAG

#: doc.ents labels for knowledge-base mentions, by entry kind.
LABELS = {"state": "ARMS_STATE", "organisation": "ARMS_ORG", "system": "ARMS_SYSTEM"}

if not Doc.has_extension("arms"):
    Doc.set_extension("arms", default=None)


@dataclass(frozen=True)
class Mention:
    """One knowledge-base mention in a parsed document."""

    start: int  # first token index
    end: int  # token index after the last
    start_char: int
    end_char: int
    text: str
    entry: Any  # armstrack.kb.Entry
    form: str

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def party(self) -> str | None:
        """What this mention contributes as a supplier or recipient."""
        return getattr(self.entry, "party", None)

    def root(self, doc: Doc):
        return doc[self.start : self.end].root


#: A wire dateline opening a paragraph: "OSLO/BERGEN (Reuters) -", "WASHINGTON, Nov 3 -".
DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'/-]{1,60}(?:,[^\n]{0,40}?)?\s*(?:" + AGENCY_TAG + r"\s*)?(?:-{1,2}|—|–)\s",
    re.MULTILINE)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of wire datelines: a place named there is where the story was filed."""
    return [(m.start(), m.end()) for m in DATELINE.finditer(text)]


def doc_datelines(doc: Doc) -> list[tuple[int, int]]:
    """``dateline_spans`` of a parsed document, computed once per document."""
    if "armstrack_datelines" not in doc.user_data:
        doc.user_data["armstrack_datelines"] = dateline_spans(doc.text)
    return doc.user_data["armstrack_datelines"]


def find_mentions(doc: Doc, kb: Any) -> list[Mention]:
    """Knowledge-base mentions aligned to token boundaries (widened when a match cuts a token).

    Mentions inside a wire dateline ("OSLO/BERGEN (Reuters) -") are left out: the
    place a story was filed from is neither a party nor, for "Milan", a missile.
    """
    mentions: list[Mention] = []
    datelines = doc_datelines(doc)
    for match in kb.find(doc.text):
        if any(start <= match.start < end for start, end in datelines):
            continue
        span = doc.char_span(match.start, match.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                start_char=match.start,
                end_char=match.end,
                text=match.text,
                entry=match.entry,
                form=getattr(match, "form", "name"),
            )
        )
    return mentions


def _rewrite_ents(doc: Doc, mentions: list[Mention]) -> None:
    taken: set[int] = set()
    kb_spans: list[Span] = []
    for mention in mentions:
        tokens = set(range(mention.start, mention.end))
        if tokens & taken:
            continue
        taken |= tokens
        kb_spans.append(Span(doc, mention.start, mention.end, label=LABELS[mention.kind]))
    kept = [ent for ent in doc.ents if not (set(range(ent.start, ent.end)) & taken)]
    doc.set_ents(sorted(kb_spans + kept, key=lambda s: s.start))


class EntityLayer:
    """spaCy component: runs after the parser so the rules see both parse and mentions."""

    def __init__(self, kb: Any | None = None) -> None:
        self._kb = kb

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from armstrack.kb import load_kb

            self._kb = load_kb()
        return self._kb

    def __call__(self, doc: Doc) -> Doc:
        mentions = find_mentions(doc, self.kb)
        doc._.arms = mentions
        _rewrite_ents(doc, mentions)
        return doc


@Language.factory("armstrack_entities")
def make_entity_layer(nlp: Language, name: str) -> EntityLayer:
    return EntityLayer()


def mentions_of(doc: Doc) -> list[Mention]:
    """The mentions the entity layer found (runs it now when the pipeline did not)."""
    if doc._.arms is None:
        EntityLayer()(doc)
    return doc._.arms


def mark_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break: news paragraphs and headings never share one.

    The parser respects boundaries set before it, so "... by April 2020.\\n\\n### Issue" is two
    sentences even when the small model would have run them together.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not previous.is_space or previous.is_space and \
                "\n" in previous.text:
            token.is_sent_start = True
    return doc


@Language.component("armstrack_paragraphs")
def paragraphs_component(doc: Doc) -> Doc:
    return mark_paragraphs(doc)
