"""The relevance gate never skips an article that holds a transfer (issue 5's recall rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armstrack.ingest import ReadOptions, read_inputs
from armstrack.ingest.gate import RelevanceGate
from armstrack.model import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def gate() -> RelevanceGate:
    return RelevanceGate()


def _articles(*paths: Path) -> dict[str, Article]:
    return {a.id: a for a in read_inputs([str(p) for p in paths], ReadOptions())
            if isinstance(a, Article)}


@pytest.mark.parametrize("corpus", ["examples", "bench/heldout"])
def test_no_article_with_a_gold_event_is_skipped(gate, corpus):
    folder = ROOT / corpus
    gold = json.loads((folder / "gold.json").read_text())
    with_events = {e["article"] for e in gold["events"]}
    articles = _articles(folder / "articles")
    assert with_events <= set(articles)
    skipped = {i: gate.check(articles[i]).reason for i in with_events
               if not gate.check(articles[i]).relevant}
    assert skipped == {}


def test_seeds_pass_the_gate(gate):
    if not (SHARED / "seeds").exists():
        pytest.skip("../shared is not beside this checkout")
    for article in _articles(SHARED / "seeds").values():
        assert gate.check(article).relevant, article.id


def test_the_gate_skips_what_has_no_arms(gate):
    texts = [
        "Shares in the retailer rose 4 percent after it sold more shoes than expected.",
        "The central bank held interest rates, saying inflation would ease next year.",
        "The home side won the derby 2-1 after a late goal.",
    ]
    assert [gate.check(t).relevant for t in texts] == [False, False, False]
