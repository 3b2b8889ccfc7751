"""Ingest throughput and memory against plain spaCy, on the same texts, in one run.

    python bench/bench_ingest.py [--data PATH] [--limit N] [--workers N] [--json]

Two passes, each in its own subprocess so that each has its own memory
high-water mark:

1. **ingest**: ``armstrack.runner.ingest`` (read -> relevance gate -> dedup ->
   extractor -> store) into a fresh temporary SQLite database, with the real
   stages and ``--workers`` extraction processes;
2. **spacy**: ``armstrack.nlp.load_spacy()`` (``en_core_web_sm``) and
   ``nlp.pipe`` over the ``text`` of the same JSONL records (``--spacy-n-process``,
   ``--spacy-batch-size``).

Both timings are wall clock from the start of the pass, model loading and
reading included, since a user waits for both. Words are whitespace-separated
tokens of the same texts, counted once outside the timed passes. Peak memory is
the largest sum of RSS over the pass's process tree (sampled from /proc every
0.1 s, workers included) and, for reference, the largest single process
(``wait4`` rusage ``ru_maxrss``).

Exits 2 with a message if the corpus is missing (it lives in ``../shared/data``,
which a user's clone does not have).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "news-bench" / "reuters-2006-2013-20k.jsonl.gz"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _texts(path: Path, limit: int | None):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, limit):
            try:
                yield json.loads(line).get("text") or ""
            except ValueError:
                continue


# ------------------------------------------------------------------ the passes


def pass_ingest(args: argparse.Namespace) -> dict:
    from armstrack.runner import IngestOptions, ingest
    from armstrack.store import Store

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(os.path.join(tmp, "bench.db")) as store:
        options = IngestOptions(
            batch_size=args.batch_size,
            nlp_batch_size=args.nlp_batch_size,
            workers=args.workers,
            limit=args.limit,
            progress=False,
            quiet=True,
        )
        summary = ingest([str(args.data)], store, options)
        seconds = time.perf_counter() - started
        counts = store.counts()
    return {"seconds": seconds, "articles": summary.read, "summary": summary.to_json(),
            "counts": counts}


def pass_spacy(args: argparse.Namespace) -> dict:
    from armstrack.nlp import load_spacy

    started = time.perf_counter()
    nlp = load_spacy()
    n = 0
    for _doc in nlp.pipe(
        _texts(args.data, args.limit),
        batch_size=args.spacy_batch_size,
        n_process=args.spacy_n_process,
    ):
        n += 1
    return {"seconds": time.perf_counter() - started, "articles": n}


# ------------------------------------------------------------------- measuring


def tree_rss_by_pid(root: int) -> dict[int, int]:
    """Bytes of RSS of ``root`` and each of its descendants, by pid, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    out, stack = {}, [root]
    while stack:
        pid = stack.pop()
        out[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return out


def _tree_rss(root: int) -> int:
    """Bytes of RSS summed over ``root`` and all its descendants, from /proc."""
    return sum(tree_rss_by_pid(root).values())


def measure(name: str, args: argparse.Namespace) -> dict:
    """Run one pass in a child process; its result plus the tree's peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, __file__, "--_pass", name, "--_out", out.name, *args.passthrough]
        proc = subprocess.Popen(cmd)
        peak_tree = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"error: the {name} pass failed (exit {proc.returncode})")
        result = json.load(out)
    result["peak_rss_tree_mb"] = round(peak_tree / 1e6, 1)
    result["peak_rss_process_mb"] = round(usage.ru_maxrss / 1e3, 1)  # KiB on Linux
    return result


# ------------------------------------------------------------------------ main


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL(.gz) corpus")
    p.add_argument("--limit", type=int, default=None, help="only the first N records")
    p.add_argument("--workers", type=int, default=None, help="ingest workers (default: cores)")
    p.add_argument("--batch-size", type=int, default=64, help="ingest batch size")
    p.add_argument("--nlp-batch-size", type=int, default=16,
                   help="nlp.pipe batch inside the ingest extractor")
    p.add_argument("--spacy-n-process", type=int, default=1)
    p.add_argument("--spacy-batch-size", type=int, default=64)
    p.add_argument("--skip-spacy", action="store_true", help="the ingest pass only")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--_pass", choices=["ingest", "spacy"], help=argparse.SUPPRESS)
    p.add_argument("--_out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.passthrough = [
        a for a in (argv if argv is not None else sys.argv[1:]) if a not in ("--json",)
    ]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not args.data.is_file():
        print(f"error: benchmark corpus not found: {args.data} (give --data PATH)",
              file=sys.stderr)
        return 2
    if args._pass:
        result = (pass_ingest if args._pass == "ingest" else pass_spacy)(args)
        with open(args._out, "w") as f:
            json.dump(result, f)
        return 0

    n_words = sum(len(t.split()) for t in _texts(args.data, args.limit))
    report: dict = {
        "data": str(args.data),
        "limit": args.limit,
        "workers": args.workers or os.cpu_count(),
        "batch_size": args.batch_size,
        "nlp_batch_size": args.nlp_batch_size,
        "cpus": os.cpu_count(),
        "words": n_words,
    }
    for name in ("ingest", "spacy"):
        if name == "spacy" and args.skip_spacy:
            continue
        r = measure(name, args)
        r["articles_per_s"] = round(r["articles"] / r["seconds"], 1)
        r["words_per_s"] = round(n_words / r["seconds"], 1)
        r["seconds"] = round(r["seconds"], 2)
        report[name] = r
    if "spacy" in report:
        report["speedup"] = round(
            report["ingest"]["articles_per_s"] / report["spacy"]["articles_per_s"], 2
        )
        report["memory_ratio"] = round(
            report["ingest"]["peak_rss_tree_mb"] / report["spacy"]["peak_rss_tree_mb"], 2
        )

    if args.json:
        print(json.dumps(report))
        return 0
    print(f"corpus: {report['data']} (limit {args.limit}), {n_words} words, "
          f"{report['cpus']} cpus")
    for name in ("ingest", "spacy"):
        if name not in report:
            continue
        r = report[name]
        print(f"{name:>7}: {r['articles']} articles in {r['seconds']:.1f}s = "
              f"{r['articles_per_s']:.1f} articles/s, {r['words_per_s']:.0f} words/s, "
              f"peak RSS {r['peak_rss_tree_mb']:.0f} MB (tree), "
              f"{r['peak_rss_process_mb']:.0f} MB (largest process)")
    if "ingest" in report:
        s = report["ingest"]["summary"]
        print(f"         ingest: {s['extracted']} extracted, {s['skipped']} skipped, "
              f"{s['duplicates']} duplicates, {s['failed']} failed, {s['events']} events "
              f"(workers {report['workers']}, batch {args.batch_size}, "
              f"nlp batch {args.nlp_batch_size})")
    if "speedup" in report:
        print(f"  ratio: ingest is {report['speedup']:.2f}x the plain spaCy pass "
              f"(articles/s); memory {report['memory_ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
