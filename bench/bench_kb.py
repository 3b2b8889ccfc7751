"""Cold-load time of the knowledge base and ``kb.find`` throughput.

``load_kb()`` runs once per process (the CLI, every worker), so a cold load is
timed in fresh subprocesses (import included; median of several runs). ``find``
runs over the text of every relevant article, so its rate is given in chars/s
on generated news-like text that mixes mentions of every kind with filler.

    .venv/bin/python bench/bench_kb.py [--runs 5] [--chars 2000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

_COLD = (
    "import time; t = time.perf_counter(); "
    "from armstrack.kb import load_kb; kb = load_kb(); "
    "print(time.perf_counter() - t)"
)

#: sentence templates written for this benchmark; {a} {b} take states, {o} an org, {s} a system
TEMPLATES = (
    "{a} hopes to seal a deal to supply {b} with more {s} systems next year, {o} said.",
    "The {s} order, worth $2 billion, was approved by the State Department on Tuesday.",
    "Officials in {a} said the first {s} batteries would be delivered by the end of 2025.",
    "Analysts expect {o} to win the tender against rivals from {b} and the United States.",
    "The weather was mild and the markets closed higher as investors awaited earnings news.",
    "{b}'s defence ministry confirmed that talks with {o} were continuing in the capital.",
    "Turkish and Russian officials met in Ankara to discuss the {s} and other programmes.",
    "The team scored twice in the second half and the coach praised the defence afterwards.",
)
STATES = (
    "Russia",
    "Turkey",
    "India",
    "Poland",
    "Egypt",
    "the UAE",
    "South Korea",
    "Moscow",
    "Washington",
    "Beijing",
    "Greece",
    "Ukraine",
    "Saudi Arabia",
    "Vietnam",
    "Algeria",
)
ORGS = (
    "Rosoboronexport",
    "Lockheed Martin",
    "Hanwha Aerospace",
    "Baykar",
    "Rafael",
    "Dassault Aviation",
    "NORINCO",
    "Saab",
    "Rheinmetall",
    "Almaz-Antey",
)
SYSTEMS = (
    "S-400",
    "F-35",
    "F-16 Block 70",
    "K2",
    "Rafale",
    "Patriot",
    "Su-35",
    "HIMARS",
    "Bayraktar TB2",
    "Leopard 2A7",
    "J-10C",
    "BrahMos",
    "T-90",
    "Gripen",
    "Iron Dome",
)


def generated_text(chars: int, seed: int = 4) -> str:
    """News-like text of about ``chars`` characters (deterministic)."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        s = rng.choice(TEMPLATES).format(
            a=rng.choice(STATES), b=rng.choice(STATES), o=rng.choice(ORGS), s=rng.choice(SYSTEMS)
        )
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)


def cold_loads(runs: int) -> list[float]:
    """Seconds to import and build the KB in a fresh interpreter, once per run."""
    out = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-c", _COLD], capture_output=True, text=True, check=True
        )
        out.append(float(res.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chars", type=int, default=2_000_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()

    loads = cold_loads(args.runs)

    from armstrack.kb import load_kb

    kb = load_kb()
    text = generated_text(args.chars)
    kb.find(text[:10_000])  # warm caches
    t = time.perf_counter()
    matches = kb.find(text)
    elapsed = time.perf_counter() - t
    counts = {
        kind: sum(1 for _ in kb.entries(kind)) for kind in ("state", "organisation", "system")
    }
    result = {
        "bench": "kb",
        "cold_load_median_s": round(statistics.median(loads), 4),
        "cold_load_runs_s": [round(x, 4) for x in loads],
        "find_chars": len(text),
        "find_seconds": round(elapsed, 4),
        "find_chars_per_s": round(len(text) / elapsed),
        "find_matches": len(matches),
        "entries": counts,
        "surface_forms": len(kb.surface_keys()),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"cold load (fresh process, median of {args.runs}): "
        f"{result['cold_load_median_s'] * 1000:.0f} ms  runs={result['cold_load_runs_s']}"
    )
    print(
        f"find: {len(text):,} chars in {elapsed:.3f} s = {result['find_chars_per_s']:,} chars/s, "
        f"{len(matches):,} mentions"
    )
    print(f"entries: {counts}, surface forms: {result['surface_forms']:,}")


if __name__ == "__main__":
    main()
