"""Ingest throughput of two commits, side by side in one run (an old one and this tree).

Why: a change to extraction (the learned layer, say) must not slow ingest
down; timing two commits on different days measures the machine, not the
change. This checks the old commit out into a temporary git worktree and runs
``bench/bench_ingest.py --skip-spacy`` from each tree in turn (old, new, old,
new, ... for ``--rounds``), each with its own ``src`` first on ``PYTHONPATH``,
so both use the same interpreter, data and machine state.

    .venv/bin/python bench/bench_versions.py --base be27683 --limit 2000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


DATA = ROOT.parent / "shared" / "data" / "news-bench" / "reuters-2006-2013-20k.jsonl.gz"


def run_tree(tree: Path, limit: int, workers: int | None) -> dict:
    """One ingest pass of ``tree``'s code; bench_ingest's JSON report."""
    args = [sys.executable, str(tree / "bench" / "bench_ingest.py"), "--skip-spacy", "--json",
            "--limit", str(limit), "--data", str(DATA)]
    if workers:
        args += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run(args, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default="be27683", help="the old commit (default: before issue 8)")
    p.add_argument("--limit", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--workers", type=int, default=None)
    args = p.parse_args()
    rates: dict[str, list[float]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_tree),
                        args.base], check=True, capture_output=True)
        try:
            for _ in range(args.rounds):
                for name, tree in (("old", old_tree), ("new", ROOT)):
                    report = run_tree(tree, args.limit, args.workers)
                    rates[name].append(report["ingest"]["articles_per_s"])
                    print(f"{name}: {report['ingest']['articles_per_s']} articles/s, peak "
                          f"{report['ingest']['peak_rss_tree_mb']} MB", file=sys.stderr)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(old_tree)], check=False, capture_output=True)
    old, new = statistics.median(rates["old"]), statistics.median(rates["new"])
    print(json.dumps({"base": args.base, "limit": args.limit, "rounds": args.rounds,
                      "old_articles_per_s": old, "new_articles_per_s": new,
                      "new_vs_old": round(new / old, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
