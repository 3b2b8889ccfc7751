"""The relevance gate (recall first) and exact/near-duplicate detection."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from armstrack.ingest import ReadOptions, read_inputs
from armstrack.ingest.dedup import NearDuplicateIndex, content_hash
from armstrack.ingest.gate import RelevanceGate
from armstrack.model import Article

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

TERMS = [
    ("s-400", "system"),
    ("rafale", "system"),
    ("rosoboronexport", "organisation"),
    ("turkey", "state"),
    ("russia", "state"),
    ("india", "state"),
]


@pytest.fixture(scope="module")
def gate() -> RelevanceGate:
    return RelevanceGate(TERMS)


@pytest.mark.parametrize(
    "text",
    [
        "Russia will supply Turkey with a second batch of S-400 systems.",
        "India signed a contract for 36 Rafale.",
        "Rosoboronexport said talks with Ankara were under way on a new order.",
        "Egypt bought two frigates from France.",
        "The United States approved the sale of F-16 fighter jets to Taiwan.",
        "Washington threatened sanctions under CAATSA over the air defence deal.",
        "Germany halted arms exports to the kingdom.",  # "arms" + "exports"
        "Raytheon profit rises on military sales",  # an arms maker the test kb lacks
    ],
)
def test_gate_keeps_transfer_stories(gate: RelevanceGate, text: str) -> None:
    decision = gate.check(text)
    assert decision.relevant, decision


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Shares of the retailer rose after it agreed a deal with its lenders.", "no weapon"),
        ("Turkey and Russia discussed tourism and gas prices.", "no transfer vocabulary"),
        ("The S-400 was shown at a parade in Moscow.", "no transfer vocabulary"),
        ("She welcomed them with open arms.", "no weapon"),  # "arms" alone needs a partner
        ("Oil tanker rates fell; the frigatebird colony grew.", "no transfer vocabulary"),
    ],
)
def test_gate_drops_and_says_what_was_missing(gate: RelevanceGate, text: str, reason: str) -> None:
    decision = gate.check(text)
    assert not decision.relevant
    assert decision.reason.startswith(reason)


def test_gate_respects_word_boundaries(gate: RelevanceGate) -> None:
    hits = gate.scan("The tanker was resold; jetty drones.")
    assert "tank" not in hits.get("weapon", [])
    assert "jet" not in hits.get("weapon", [])
    assert "sold" not in hits.get("transfer", [])
    assert hits["weapon"] == ["drones"]


def test_gate_reports_hits_by_kind(gate: RelevanceGate) -> None:
    d = gate.check("Russia to deliver S-400 missiles to Turkey, Rosoboronexport says.")
    assert d.hits["system"] == ["s-400"]
    assert d.hits["organisation"] == ["rosoboronexport"]
    assert d.hits["state"] == ["russia", "turkey"]
    assert "deliver" in d.hits["transfer"] and "missiles" in d.hits["weapon"]


def test_gate_checks_articles(gate: RelevanceGate) -> None:
    a = Article(id="x", text="Poland ordered 250 Abrams tanks.", published=date(2022, 4, 5))
    assert gate.check(a).relevant


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds absent")
def test_seeds_are_relevant_with_the_default_kb() -> None:
    gate = RelevanceGate()
    arts = [a for a in read_inputs([str(SEEDS)], ReadOptions()) if isinstance(a, Article)]
    assert len(arts) >= 2
    for a in arts:
        assert gate.check(a).relevant, a.id


# --- dedup ------------------------------------------------------------------------------------

_WORDS = (
    "ministry contract navy army officials delivery batch systems fighter budget talks "
    "minister defence frigate helicopters parliament spokesman agency country summit "
    "president agreement missile radar units regiment talks export finance tender"
)
_VOCAB = _WORDS.split()


def _story(seed: int, sentences: int = 30) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_VOCAB) for _ in range(rng.randint(12, 20))).capitalize() + "."
        for _ in range(sentences)
    ]


def test_content_hash_ignores_case_and_whitespace() -> None:
    assert content_hash("Russia  will\nsupply S-400.") == content_hash("russia will supply s-400. ")
    assert content_hash("Russia will supply S-400.") != content_hash("Russia will supply S-500.")
    assert len(content_hash("x")) == 64


def test_near_duplicates_found_and_different_stories_not() -> None:
    base = _story(1)
    original = "MOSCOW (Reuters) - " + " ".join(base)
    edited = base.copy()
    edited[12] = "A spokesman declined to comment on the timing of the deliveries."
    redated = "ANKARA, Nov 26 (Reuters) - " + " ".join(edited)
    index = NearDuplicateIndex()
    assert index.add("original", original) is None
    assert index.add("redated-and-edited", redated) == "original"
    assert index.add("exact-copy", original) == "original"
    for seed in range(2, 12):
        assert index.add(f"other-{seed}", "MOSCOW (Reuters) - " + " ".join(_story(seed))) is None
    assert len(index) == 11  # duplicates are not indexed


def test_signatures_rebuild_the_index_deterministically() -> None:
    texts = {f"s{seed}": " ".join(_story(seed)) for seed in range(5)}
    first = NearDuplicateIndex()
    sigs = {key: first.signature(text) for key, text in texts.items()}
    assert len(sigs["s0"]) == 128 * 4
    assert NearDuplicateIndex().signature(texts["s0"]) == sigs["s0"]  # fixed seed
    rebuilt = NearDuplicateIndex()
    for key, sig in sigs.items():
        assert rebuilt.add_signature(key, sig) is None
    tweaked = texts["s3"].replace("minister", "ministers", 1)
    assert rebuilt.add("later", tweaked) == "s3"
    with pytest.raises(ValueError):
        rebuilt.add_signature("bad", b"\x00" * 16)
