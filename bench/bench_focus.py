"""The focused parse against the full parse: same events? how much less parsing?

    python bench/bench_focus.py [--split dev] [--wire N] [--json]

Runs the extractor (entity layer, rules, learned layer) twice over the same
articles, once on a full ``nlp.pipe`` parse of each body and once on
``armstrack.nlp.focus.FocusedParser`` (only the lines that can hold an event),
and reports:

- articles whose events differ, and events only in one of the two (events are
  compared as SPEC.md JSON, confidence included);
- the share of body characters parsed, and the time of each pass.

Articles: the labelled corpus split ``--split`` (``dev`` by default; reserved
ids are refused by the corpus loader) and, with ``--wire N``, the relevance-gate
passing articles among the first N records of the 20k wire sample (reserved ids
skipped). Exits 2 with a message when ``../shared/data`` is absent.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import time
from pathlib import Path

from armstrack.model import Article

ROOT = Path(__file__).resolve().parent.parent
WIRE = ROOT.parent / "shared" / "data" / "news-bench" / "reuters-2006-2013-20k.jsonl.gz"


def corpus_articles(split: str) -> list[Article]:
    from armstrack.corpus.sources import load_records
    from armstrack.learn.dataset import _as_article, primary_labels

    labels = primary_labels(split)
    records = load_records({label.id for label in labels})
    return [_as_article(records[label.id]) for label in labels if label.id in records]


def wire_articles(limit: int) -> list[Article]:
    from armstrack.corpus.sources import reserved_ids
    from armstrack.ingest import RelevanceGate
    from armstrack.learn.dataset import _as_article

    gate, reserved = RelevanceGate(), reserved_ids()
    out = []
    with gzip.open(WIRE, "rt", encoding="utf-8") as handle:
        for line in itertools.islice(handle, limit):
            record = json.loads(line)
            if record.get("id") in reserved:
                continue
            try:
                article = _as_article(record)
            except ValueError:
                continue
            if gate.check(article).relevant:
                out.append(article)
    return out


def run(articles: list[Article], focus: bool) -> tuple[dict[str, list[dict]], float]:
    from armstrack.pipeline import Extractor

    extractor = Extractor(batch_size=16, focus=focus)
    started = time.perf_counter()
    events = {article.id: [e.to_json() for e in found]
              for article, found in extractor.process(articles)}
    return events, time.perf_counter() - started


def parsed_share(articles: list[Article]) -> float:
    from armstrack.kb import load_kb
    from armstrack.nlp.focus import plan

    kb = load_kb()
    total = sum(len(a.body) for a in articles)
    parsed = sum(p.end - p.start for a in articles for p in plan(a.body, a.title, kb) if p.parse)
    return parsed / total if total else 0.0


def compare(articles: list[Article]) -> dict:
    full, full_s = run(articles, focus=False)
    focused, focused_s = run(articles, focus=True)
    keys = lambda events: {json.dumps(e, sort_keys=True) for e in events}  # noqa: E731
    differing = [a.id for a in articles if keys(full[a.id]) != keys(focused[a.id])]
    only_full = sum(len(keys(full[i]) - keys(focused[i])) for i in differing)
    only_focused = sum(len(keys(focused[i]) - keys(full[i])) for i in differing)
    return {
        "articles": len(articles),
        "events_full": sum(len(v) for v in full.values()),
        "events_focused": sum(len(v) for v in focused.values()),
        "articles_differing": len(differing),
        "events_only_full": only_full,
        "events_only_focused": only_focused,
        "differing_ids": differing[:20],
        "chars_parsed_share": round(parsed_share(articles), 4),
        "seconds_full": round(full_s, 2),
        "seconds_focused": round(focused_s, 2),
        "speedup": round(full_s / focused_s, 2) if focused_s else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all", "none"])
    parser.add_argument("--wire", type=int, default=0, metavar="N",
                        help="also the gate-passing articles of the first N wire records")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not WIRE.exists():
        print(f"no shared data at {WIRE.parent.parent}: nothing to compare", file=sys.stderr)
        return 2
    results = {}
    if args.split != "none":
        results[f"corpus {args.split}"] = compare(corpus_articles(args.split))
    if args.wire:
        results[f"wire first {args.wire}"] = compare(wire_articles(args.wire))
    if args.json:
        print(json.dumps(results))
        return 0
    for name, r in results.items():
        print(f"{name}: {r['articles']} articles, events full {r['events_full']} / focused "
              f"{r['events_focused']}; {r['articles_differing']} articles differ "
              f"({r['events_only_full']} events only in full, {r['events_only_focused']} only "
              f"in focused); {r['chars_parsed_share']:.1%} of body characters parsed; "
              f"{r['seconds_full']}s full vs {r['seconds_focused']}s focused "
              f"({r['speedup']}x)")
        if r["differing_ids"]:
            print("  differing: " + " ".join(r["differing_ids"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
