"""Throughput of the temporal tagger against the spaCy parse it runs after.

The tagger runs over every sentence of every relevant article, so it must never be
the slow stage. This parses a few hundred varied sentences once (timed), then times
``TimexTagger.tag`` over the parsed sentences, and prints both rates and their ratio.

    .venv/bin/python bench/bench_timex.py [--n 600] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from datetime import date

from armstrack.nlp import load_spacy
from armstrack.nlp.timex import TimexTagger

PUBLISHED = date(2019, 11, 26)

#: sentence templates written for this benchmark; {t} takes a time expression or filler
TEMPLATES = (
    "Russia hopes to sign a contract to supply more air defence systems {t}, an official said.",
    "The ministry said the first batch of howitzers was delivered {t}.",
    "Officials expect the frigates to enter service {t}, according to the navy.",
    "The deal, worth $1.5 billion, covers 24 fighter jets and spare parts, delivered {t}.",
    "Talks between the two governments would continue {t}, the minister told reporters.",
    "Washington warned of sanctions {t} if the purchase goes ahead.",
    "After deliveries began {t}, the president said the system would be operational soon.",
    "The company has produced 40 armoured vehicles under licence {t}.",
    "India ordered five regiments of the missile system, with deliveries expected {t}.",
    "The F-16 Block 70 upgrade and the T-90S order were discussed {t}.",
)
EXPRESSIONS = (
    "in July", "earlier this year", "by April 2020", "in the first half of next year",
    "no earlier than 2018", "between 2015 and 2017", "in fiscal 2021", "last week",
    "on Tuesday", "in the coming months", "within two years", "in late 2024",
    "by the end of the decade", "on Dec. 3-4", "in Q3 2021", "two years ago",
    "in the 2020s", "next summer", "from January to March 2020", "at the end of the day",
    "in the region", "for the army",
)


def sentences(n: int) -> list[str]:
    """n varied sentences: every template with every expression, cycled."""
    pairs = itertools.cycle(itertools.product(TEMPLATES, EXPRESSIONS))
    return [tpl.format(t=expr) for tpl, expr in itertools.islice(pairs, n)]


def run(n: int, repeat: int) -> dict[str, float]:
    nlp = load_spacy()
    texts = sentences(n)
    nlp("warm up")
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parse_s = time.perf_counter() - t0

    tagger = TimexTagger()
    tagger.tag(docs[0], PUBLISHED)
    found = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for doc in docs:
            found += len(tagger.tag(doc, PUBLISHED))
    tag_s = (time.perf_counter() - t0) / repeat

    parse_rate, tag_rate = n / parse_s, n / tag_s
    return {
        "sentences": n,
        "expressions": found // repeat,
        "spacy_sentences_per_s": round(parse_rate, 1),
        "timex_sentences_per_s": round(tag_rate, 1),
        "timex_over_spacy": round(tag_rate / parse_rate, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="number of sentences")
    parser.add_argument("--repeat", type=int, default=5, help="tagger passes to average")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    figures = run(args.n, args.repeat)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['sentences']} sentences, {figures['expressions']} time expressions")
    print(f"spaCy parse : {figures['spacy_sentences_per_s']:>10.1f} sentences/s")
    print(f"timex tag   : {figures['timex_sentences_per_s']:>10.1f} sentences/s")
    print(f"tagger is {figures['timex_over_spacy']}x the parse rate")


if __name__ == "__main__":
    main()
