"""The focused parse: only lines that can hold an event are parsed, and nothing else changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from armstrack.ingest import read_inputs
from armstrack.kb import load_kb
from armstrack.model import Article
from armstrack.nlp.focus import TRIGGER_FORMS, FocusedParser, line_spans, plan
from armstrack.pipeline import Extractor

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"

BODY = (
    "The city council met on Tuesday to discuss the new bus timetable.\n\n"
    "Officials said the weather had been mild this autumn.\n\n"
    "Poland signed a contract to buy 250 Abrams tanks from the United States.\n\n"
    "Local football results are on page 12.\n"
)


def test_lines_tile_the_body() -> None:
    spans = line_spans(BODY)
    assert "".join(BODY[s:e] for s, e in spans) == BODY
    assert len(spans) == 4


def test_only_the_line_with_a_system_and_a_trigger_is_parsed() -> None:
    pieces = plan(BODY, "", load_kb())
    parsed = [BODY[p.start:p.end] for p in pieces if p.parse]
    assert parsed == [BODY[BODY.index("Poland"):BODY.index("Local")]]


def test_a_trigger_with_no_system_anywhere_is_not_parsed() -> None:
    body = "The supermarket chain agreed to buy a rival grocer.\n"
    assert not any(p.parse for p in plan(body, "", load_kb()))
    assert any(p.parse for p in plan(body, "Abrams tanks for Poland", load_kb()))


def test_trigger_forms_reach_inflections_and_irregular_forms() -> None:
    for word in ("delivered", "deliveries", "bought", "sold", "supplied", "sanctions", "MoU"):
        assert TRIGGER_FORMS.search(word), word
    assert not TRIGGER_FORMS.search("according")


def test_the_focused_document_keeps_text_tokens_and_offsets() -> None:
    from armstrack.nlp import load_spacy

    nlp = load_spacy()
    article = Article(id="t", text=BODY, published=date(2023, 1, 5))
    (doc,) = FocusedParser(nlp, load_kb()).parse([article])
    full = nlp(BODY)
    assert doc.text == BODY
    assert [t.idx for t in doc] == [t.idx for t in full]
    sentence = next(s for s in doc.sents if "Abrams" in s.text)
    assert [(t.text, t.dep_, t.head.i) for t in sentence] == \
        [(t.text, t.dep_, t.head.i) for t in full.char_span(sentence.start_char,
                                                              sentence.end_char)]


@pytest.mark.parametrize("batch_size", [4])
def test_examples_give_the_same_events_with_and_without_focus(batch_size: int) -> None:
    articles = [a for a in read_inputs([str(EXAMPLES)]) if isinstance(a, Article)]
    assert len(articles) > 20

    def events(focus: bool) -> list[str]:
        extractor = Extractor(batch_size=batch_size, focus=focus)
        return [json.dumps(e.to_json(), sort_keys=True)
                for _, found in extractor.process(articles) for e in found]

    full = events(False)
    assert full  # the examples hold events: the comparison means something
    assert events(True) == full
