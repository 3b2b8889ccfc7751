"""The labelled corpus: label checks, gold files, and the guarantees about reserved articles.

Label files are checked against articles we write here; the repository's own
labels are checked against ``../shared/data`` when it is present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armstrack.corpus import check_labels, gold_document, read_labels, read_selection
from armstrack.corpus.labels import LabelError, system_families
from armstrack.corpus.sources import corpus_dir, load_records, reserved_ids, shared_data_dir

TEXT = ("MOSCOW, Oct 5 (Reuters) - India signed a deal with Russia for five S-400 "
        "air defence units on Friday. The deal is worth $5.4 billion.")
RECORDS = {"a1": {"id": "a1", "published": "2018-10-05", "title": "t", "text": TEXT}}
STATES = {"IND", "RUS", "USA"}
SYSTEMS = {"s-400": "S-400", "s-400 triumf": "S-400"}


def _event(**changes):
    event = {"type": "contract", "supplier": "RUS", "recipient": "IND", "actor": None,
             "target": None, "system": "S-400", "modality": "asserted",
             "time": {"start": "2018-10-05", "end": "2018-10-05"}, "quantity": None,
             "value": None, "source": None, "offsets": [26, 101], "inferred": [],
             "optional": False, "note": "own words"}
    event.update(changes)
    return event


def _write(tmp_path: Path, *events, article="a1") -> Path:
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps({"id": article, "labeller": "x", "events": list(events)}) + "\n")
    return path


def _problems(tmp_path: Path, *events, article="a1", reserved=frozenset()):
    labels = read_labels([_write(tmp_path, *events, article=article)])
    lines = check_labels(labels, RECORDS, STATES, SYSTEMS, reserved)
    return [line for line in lines if ": warning: " not in line]


def test_a_good_label_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, _event()) == []


@pytest.mark.parametrize("change, words", [
    ({"type": "sale"}, "type"),
    ({"supplier": "XXX"}, "ISO 3166-1"),
    ({"offsets": [27, 101]}, "inside a word"),
    ({"offsets": [0, 9999]}, "outside the text"),
    ({"system": "S-400 Triumf"}, "family name"),
    ({"time": {"start": "2019-01-01", "end": "2018-01-01"}}, "ends before"),
    ({"type": "sanction"}, "actor and a target"),
    ({"inferred": ["quantity"]}, "inferred"),
])
def test_each_rule_of_the_guideline_that_a_program_can_check(tmp_path, change, words) -> None:
    problems = _problems(tmp_path, _event(**change))
    assert problems and words in " ".join(problems), problems


def test_reserved_articles_are_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _event(), reserved=frozenset({"a1"}))
    assert problems and "reserved" in problems[0]


def test_a_broken_line_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a1", "events": []}\nnot json\n')
    with pytest.raises(LabelError, match="bad.jsonl:2"):
        read_labels([path])


def test_gold_fills_evidence_from_the_text_and_merges_deals(tmp_path: Path) -> None:
    later = _event(type="delivery", modality="planned", optional=True)
    labels = read_labels([_write(tmp_path, _event(), later)])
    gold = gold_document(labels, RECORDS)
    assert gold["articles"] == ["a1"]
    assert gold["events"][0]["evidence"] == TEXT[26:101]
    assert "note" not in gold["events"][0] and "inferred" not in gold["events"][0]
    [deal] = gold["deals"]
    assert (deal["supplier"], deal["recipient"], deal["system"]) == ("RUS", "IND", "S-400")
    assert deal["status"] == "contracted" and "optional" not in deal


needs_shared = pytest.mark.skipif(not (shared_data_dir() / "reserved-test-ids.txt").exists(),
                                  reason="../shared/data is not beside this clone")


@needs_shared
def test_the_corpus_never_holds_a_reserved_article() -> None:
    reserved = reserved_ids()
    selected = {a.id for a in read_selection()}
    labelled = {label.id for label in read_labels([corpus_dir() / "labels",
                                                   corpus_dir() / "agreement"])}
    assert reserved and not (selected | labelled) & reserved


@needs_shared
def test_the_corpus_labels_pass_their_checks() -> None:
    from armstrack.kb import load_kb

    labels = read_labels([corpus_dir() / "labels", corpus_dir() / "agreement"])
    records = load_records({label.id for label in labels})
    kb = load_kb()
    lines = check_labels(labels, records, {e.id for e in kb.entries("state")},
                         system_families(kb))
    assert [line for line in lines if ": warning: " not in line] == []
    selection = read_selection()
    assert len(selection) >= 400
    empty = sum(1 for label in labels if not label.events)
    assert empty >= len(selection) / 4
    assert {a.split for a in selection} == {"dev", "test"}
