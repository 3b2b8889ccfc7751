"""What the relevance gate loses: articles it would skip on which the extractor finds events.

usage: .venv/bin/python bench/bench_gate.py [PATH.jsonl.gz] [--json]

Runs the gate and the full extractor over every article of a corpus (default:
../shared/data/reuters-defence/articles.jsonl.gz) and prints how many articles
the gate keeps and skips, and how many skipped articles the extractor would
have found events in (the gate's loss: the target is 0).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from armstrack.ingest import ReadOptions, read_inputs
from armstrack.ingest.gate import RelevanceGate
from armstrack.model import Article
from armstrack.pipeline import Extractor

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/reuters-defence/articles.jsonl.gz"


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    corpus = Path(paths[0]) if paths else DEFAULT
    if not corpus.exists():
        print(f"bench_gate: {corpus} not found", file=sys.stderr)
        return 2
    articles = [a for a in read_inputs([str(corpus)], ReadOptions()) if isinstance(a, Article)]
    gate = RelevanceGate()
    started = time.perf_counter()
    decisions = {a.id: gate.check(a) for a in articles}
    gate_seconds = time.perf_counter() - started
    lost = []
    with_events = 0
    for article, events in Extractor().process(articles):
        if events:
            with_events += 1
            if not decisions[article.id].relevant:
                lost.append({"id": article.id, "events": len(events),
                             "reason": decisions[article.id].reason})
    kept = sum(d.relevant for d in decisions.values())
    figures = {
        "corpus": corpus.name, "articles": len(articles), "kept": kept,
        "skipped": len(articles) - kept, "articles_with_events": with_events,
        "skipped_with_events": len(lost),
        "gate_articles_per_s": round(len(articles) / gate_seconds) if gate_seconds else None,
    }
    if "--json" in argv:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>22}: {value}")
        for item in lost:
            print(f"LOST {item['id']}: {item['events']} events ({item['reason']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
