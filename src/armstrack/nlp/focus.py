"""Parse only the lines of an article that can hold an event.

Most sentences of a relevant article name no weapon system and no transfer
word, and the event rules read nothing from their parse: an event needs a
trigger word (``events.lexicon``) and, unless it is a sanction, a system named
in its sentence, in the headline or in an earlier sentence; the knowledge-base
mentions that give context to later sentences come from the automaton, not
from the parse. So the parse is spent only where it can matter:

1. the body is cut into *lines*: a line break always ends a sentence
   (``nlp.model`` adds that rule before the parser), so cutting there never
   moves a sentence boundary;
2. a line is *kept* when it names a system (the KB automaton, the same scan the
   entity layer runs) that a later line's trigger may refer back to, when it
   holds a sanction word, or when it holds a transfer word and some system is
   named in the headline, in it or before it; a kept line with a quotation also
   keeps its neighbours, where ``events.attribution`` looks for the speaker;
3. each run of consecutive kept lines is parsed as one text (so the parser
   sees them in their own context), and runs of all the articles of a batch go
   through one ``nlp.pipe``;
4. each article's document is reassembled in order from its parsed runs and
   tokenized-only gaps (one flat sentence per gap, with no lemma, tag or
   dependency, so no rule fires there): its text is the body, character for
   character, so every offset and every mention is where a full parse puts it.

Word forms are matched by stem ("deliver" finds "delivered", "deliveries"), with
the irregular forms spelled out (``events/data/lexicon/forms.tsv``), so the filter
keeps every line the lemmatizer could read a trigger in. ``bench/bench_focus.py``
compares the events of the labelled dev articles with and without the filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from armstrack.events.lexicon import (
    CODED_TRIGGER_LEMMAS,
    COMPETITION_WORDS,
    IRREGULAR_FORMS,
    NOUN_TRIGGERS,
    VERB_TRIGGERS,
)
from armstrack.model import Article

#: Words a stem reaches that the lemmatizer never reads as a trigger ("according" is "accord"
#: only as a verb, and "accord" is a trigger only as a noun).
_NEVER = {"according"}


def _stem(lemma: str) -> str:
    """The part every inflection shares: "deliver", "suppl" (supplied), "produc" (produced)."""
    if len(lemma) > 3 and lemma.endswith("e"):
        return lemma[:-1]
    if len(lemma) > 3 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1]
    return lemma


def _forms(lemmas: Iterable[str]) -> re.Pattern[str]:
    stems = set()
    for lemma in lemmas:
        stems.add(re.escape(_stem(lemma)))
        stems.update(re.escape(form) for form in IRREGULAR_FORMS.get(lemma, ()))
    never = "|".join(re.escape(w) for w in sorted(_NEVER))
    return re.compile(r"(?<![\w-])(?!(?:" + never + r")\b)(?:" +
                      "|".join(sorted(stems, key=len, reverse=True)) + ")", re.IGNORECASE)


_SANCTION_LEMMAS = {lemma for table in (VERB_TRIGGERS, NOUN_TRIGGERS)
                    for lemma, sense in table.items() if sense.type == "sanction"}
TRIGGER_FORMS = _forms(set(VERB_TRIGGERS) | set(NOUN_TRIGGERS) | CODED_TRIGGER_LEMMAS)
SANCTION_FORMS = _forms(_SANCTION_LEMMAS)
COMPETITION_FORMS = _forms(COMPETITION_WORDS)
_QUOTES = re.compile("[\"“”‘]|^'|[.!?]\\s+'", re.MULTILINE)
#: A line starts at the first non-space character after a line break.
_LINE_START = re.compile(r"\n\s*(?=\S)")


@dataclass(frozen=True)
class Piece:
    """``body[start:end]``; ``parse`` says whether it goes through the language pipeline."""

    start: int
    end: int
    parse: bool


def line_spans(body: str) -> list[tuple[int, int]]:
    """Lines of ``body``, each with the white space that follows it (they tile the body)."""
    starts = [0] + [m.end() for m in _LINE_START.finditer(body)]
    ends = starts[1:] + [len(body)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


def plan(body: str, title: str, kb: object) -> list[Piece]:
    """Which stretches of ``body`` to parse (see the module docstring)."""
    lines = line_spans(body)
    if not lines:
        return []
    find = kb.find  # type: ignore[attr-defined]
    system_starts = [m.start for m in find(body) if m.entry.kind == "system"]
    title_system = any(m.entry.kind == "system" for m in find(title)) if title else False
    texts = [body[s:e] for s, e in lines]
    has_system = [any(s <= p < e for p in system_starts) for s, e in lines]
    trigger = [bool(TRIGGER_FORMS.search(t)) for t in texts]
    sanction = [bool(SANCTION_FORMS.search(t)) for t in texts]
    last_trigger = max((i for i, t in enumerate(trigger) if t), default=-1)
    keep = [False] * len(lines)
    system_so_far = title_system
    for i, text in enumerate(texts):
        system_so_far = system_so_far or has_system[i]
        events_here = sanction[i] or trigger[i] and system_so_far
        context_here = has_system[i] and (i <= last_trigger or bool(COMPETITION_FORMS.search(text)))
        if events_here or context_here:
            keep[i] = True
        if events_here and _QUOTES.search(text):
            for j in (i - 1, i + 1, i + 2):
                if 0 <= j < len(lines):
                    keep[j] = True
    return _pieces(lines, keep)


def _pieces(lines: list[tuple[int, int]], keep: list[bool]) -> list[Piece]:
    pieces: list[Piece] = []
    for (start, end), parse in zip(lines, keep, strict=True):
        if pieces and pieces[-1].parse == parse:
            pieces[-1] = Piece(pieces[-1].start, end, parse)
        else:
            pieces.append(Piece(start, end, parse))
    return pieces


def _flat(nlp: Language, text: str) -> Doc:
    """``text`` tokenized, as one sentence with no annotation a rule reads."""
    doc = nlp.make_doc(text)
    if len(doc):
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        heads = [0] * len(doc)
        deps = ["ROOT"] + ["dep"] * (len(doc) - 1)
        doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps)
    return doc


class FocusedParser:
    """Parses articles' bodies, either whole (``focus=False``) or only where events can be."""

    def __init__(self, nlp: Language, kb: object, *, focus: bool = True,
                 batch_size: int = 16) -> None:
        self.nlp, self.kb, self.focus = nlp, kb, focus
        self.batch_size = max(1, batch_size)

    def parse(self, articles: Sequence[Article]) -> Iterator[Doc]:
        """One document per article, in order; ``doc.text`` is the article's body."""
        if not self.focus:
            yield from self.nlp.pipe((a.body for a in articles), batch_size=self.batch_size)
            return
        plans = [plan(a.body, a.title or "", self.kb) for a in articles]
        wanted = [(a.body[p.start:p.end]) for a, pl in zip(articles, plans, strict=True)
                  for p in pl if p.parse]
        # Runs are shorter than articles: a few times more of them per batch keeps the
        # parser's batch (and memory) about the size of ``batch_size`` whole articles.
        parsed = self.nlp.pipe(wanted, batch_size=4 * self.batch_size)
        for article, pieces in zip(articles, plans, strict=True):
            yield self._assemble(article.body, pieces, parsed)

    def _assemble(self, body: str, pieces: list[Piece], parsed: Iterator[Doc]) -> Doc:
        if not pieces:
            return self.nlp.make_doc(body)
        docs = [next(parsed) if p.parse else _flat(self.nlp, body[p.start:p.end])
                for p in pieces]
        if len(docs) == 1:
            return docs[0]
        doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor", "user_data"])
        if doc.text != body:  # cannot happen with line-tiled pieces; never let offsets drift
            raise RuntimeError("focused parse changed the text")
        return doc
