"""Ingest on this machine against ingest on a Dask LocalCluster, side by side in one run.

    python bench/bench_cluster.py [--data PATH] [--limit N] [--shards 8] [--json]

The wire sample (``../shared/data/news-bench/reuters-2006-2013-20k.jsonl.gz``,
first ``--limit`` records) is split into ``--shards`` JSONL.gz shards; then, each
in its own subprocess and into a fresh SQLite register:

1. **local**: ``armstrack ingest SHARDS --workers 2`` (``runner.ingest``);
2. **local:1**: ``--scheduler local:1`` (a LocalCluster of 1 worker process);
3. **local:2**: ``--scheduler local:2``;
4. **phases**: the cost model, each phase alone in one process:
   scan (``cluster.scan_shard`` over every shard: read, sanitize, hash, gate,
   MinHash), decide and write (the client's ``runner`` over those scans, with an
   extractor that returns nothing, so what is timed is deciding and writing), and
   extract (``pipeline.Extractor`` over the articles the gate passed and dedup
   kept).

For 1-3: wall time (cluster start-up and model loading included), articles/s,
the client's peak RSS (the pass's own process) and the largest worker's peak RSS
(any descendant process; sampled from /proc every 0.1 s), and the registers'
``export --format json`` compared (they must be identical). The overhead of
``local:2`` is its time over the local ``--workers 2`` time, minus one.

``uptime``'s load average is recorded before and after: other work on the
machine slows every pass, and it is printed beside the figures.
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

from bench_ingest import DEFAULT_DATA, tree_rss_by_pid

PASSES = ("local", "local:1", "local:2")


def split(data: Path, limit: int | None, shards: int, folder: Path) -> list[str]:
    """The first ``limit`` records of ``data`` as ``shards`` consecutive JSONL.gz shards."""
    with gzip.open(data, "rt", encoding="utf-8") as f:
        lines = list(itertools.islice(f, limit))
    size = -(-len(lines) // shards)
    paths = []
    for i in range(shards):
        path = folder / f"part-{i:02d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.writelines(lines[i * size:(i + 1) * size])
        paths.append(str(path))
    return paths


# ------------------------------------------------------------------ the passes


def pass_ingest(name: str, shards: list[str], db: str) -> dict:
    from armstrack.runner import IngestOptions, ingest
    from armstrack.store import Store

    options = IngestOptions(workers=2, quiet=True, progress=False,
                            scheduler=None if name == "local" else name)
    started = time.perf_counter()
    with Store(db) as store:
        summary = ingest(shards, store, options, err=open(os.devnull, "w"))  # noqa: SIM115
    return {"seconds": time.perf_counter() - started, "articles": summary.read,
            "summary": summary.to_json()}


class _NoEvents:
    """An extractor that finds nothing at no cost (what remains is deciding and writing) and
    keeps what it was given: the articles a real extractor would have parsed."""

    given: list = []

    def __init__(self, batch_size: int) -> None:
        pass

    def process_safe(self, articles: list) -> list:
        _NoEvents.given.extend(articles)
        return [(a, []) for a in articles]


def pass_phases(shards: list[str], db: str) -> dict:
    from armstrack.cluster import scan_shard
    from armstrack.execution import Inline
    from armstrack.pipeline import Extractor
    from armstrack.runner import IngestOptions, _Run, default_components
    from armstrack.store import Store

    started = time.perf_counter()
    scans = [item for shard in shards for item in scan_shard(shard, {})]
    scan_s = time.perf_counter() - started

    comp = default_components()
    opts = IngestOptions(workers=1, quiet=True, progress=False)
    started = time.perf_counter()
    with Store(db) as store:
        run = _Run(store, opts, comp, open(os.devnull, "w"),  # noqa: SIM115
                   executor=Inline(_NoEvents, 16))
        summary = run.execute(shards, items=((False, s) for s in scans))
        write_s = time.perf_counter() - started
    relevant = _NoEvents.given
    started = time.perf_counter()
    events = sum(len(found) for _, found in Extractor(batch_size=16).process_safe(relevant))
    extract_s = time.perf_counter() - started
    return {"articles": summary.read, "relevant": len(relevant), "events": events,
            "scan_seconds": scan_s, "write_seconds": write_s, "extract_seconds": extract_s,
            "scan_per_s": summary.read / scan_s, "write_per_s": summary.read / write_s,
            "extract_per_s": len(relevant) / extract_s if extract_s else None}


# ------------------------------------------------------------------- measuring


def measure(name: str, shards: list[str], db: str) -> dict:
    """One pass in a child process; its result plus client and worker peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, __file__, "--_pass", name, "--_db", db, "--_out", out.name,
               "--_shards", *shards]
        proc = subprocess.Popen(cmd)
        client_peak = worker_peak = 0
        while proc.poll() is None:
            by_pid = tree_rss_by_pid(proc.pid)
            client_peak = max(client_peak, by_pid.pop(proc.pid, 0))
            worker_peak = max([worker_peak, *by_pid.values()])
            time.sleep(0.1)
        if proc.returncode != 0:
            raise SystemExit(f"error: the {name} pass failed (exit {proc.returncode})")
        result = json.load(out)
    result["client_peak_mb"] = round(client_peak / 1e6, 1)
    result["worker_peak_mb"] = round(worker_peak / 1e6, 1)
    return result


def exported(db: str) -> str:
    cli = Path(sys.executable).with_name("armstrack")
    return subprocess.run([str(cli), "--db", db, "export", "--format", "json"],
                          capture_output=True, text=True, check=True).stdout


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--limit", type=int, default=None, help="only the first N records")
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--json", action="store_true")
    p.add_argument("--_pass", help=argparse.SUPPRESS)
    p.add_argument("--_db", help=argparse.SUPPRESS)
    p.add_argument("--_out", help=argparse.SUPPRESS)
    p.add_argument("--_shards", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args._pass:
        result = pass_phases(args._shards, args._db) if args._pass == "phases" else \
            pass_ingest(args._pass, args._shards, args._db)
        with open(args._out, "w") as f:
            json.dump(result, f)
        return 0
    if not args.data.is_file():
        print(f"error: benchmark corpus not found: {args.data} (give --data PATH)",
              file=sys.stderr)
        return 2
    report: dict = {"data": str(args.data), "limit": args.limit, "shards": args.shards,
                    "cpus": os.cpu_count(), "load_before": load()}
    with tempfile.TemporaryDirectory() as tmp:
        shards = split(args.data, args.limit, args.shards, Path(tmp))
        registers = {}
        for name in (*PASSES, "phases"):
            db = os.path.join(tmp, name.replace(":", "-") + ".db")
            r = measure(name, shards, db)
            r["load_after"] = load()
            if name != "phases":
                r["articles_per_s"] = round(r["articles"] / r["seconds"], 1)
                registers[name] = exported(db)
            report[name] = r
    report["same_register"] = len(set(registers.values())) == 1
    report["overhead_local2_vs_workers2"] = round(
        report["local:2"]["seconds"] / report["local"]["seconds"] - 1, 3)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"corpus: {report['data']} (limit {args.limit}) as {args.shards} shards, "
          f"{report['cpus']} cpus, load before: {report['load_before']}")
    for name in PASSES:
        r = report[name]
        print(f"{name:>8}: {r['articles']} articles in {r['seconds']:.1f}s = "
              f"{r['articles_per_s']:.1f} articles/s; peak RSS client {r['client_peak_mb']:.0f} "
              f"MB, largest worker {r['worker_peak_mb']:.0f} MB (load after: {r['load_after']})")
    print(f"   same register (export --format json): {report['same_register']}; overhead of "
          f"local:2 against --workers 2: {report['overhead_local2_vs_workers2']:+.1%}")
    ph = report["phases"]
    print(f"  phases (one process each): scan {ph['scan_per_s']:.0f} articles/s; decide+write "
          f"{ph['write_per_s']:.0f} articles/s; extract {ph['extract_per_s']:.1f} relevant "
          f"articles/s ({ph['relevant']} of {ph['articles']} relevant and unique, "
          f"{ph['events']} events) (load after: {ph['load_after']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
