"""Concurrent ingests into one new database: two, then four at once, 20 rounds each.

Real articles from ``../shared/data`` (never a reserved id) are split into ``k``
chunks; ingest ``i`` of ``k`` reads chunks ``i`` and ``i + 1`` (mod ``k``), so every
article is read by two ingests at once. Each round starts ``k`` real
``armstrack ingest`` processes on a new database at the same moment. After every
round it checks, and exits non-zero unless:

- no process crashed (exit status 0, no traceback) and no article was lost;
- the register is the one a single sequential ingest of all articles gives: the same
  stored article ids with the same status, the same claims (events by deal, type,
  factuality and time, each once), and the same deals with the same status.

    .venv/bin/python bench/bench_concurrent.py [--rounds 20] [--articles 80] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from armstrack.corpus.sources import SOURCE_FILES, shared_data_dir  # noqa: E402
from armstrack.store import Store, claim_key  # noqa: E402
from bench_hostile import real_articles  # noqa: E402

CLI = [sys.executable, "-c", "from armstrack.cli.main import cli; cli()"]


def register_view(db: Path) -> dict[str, list]:
    """What "the same register" means, independent of the order ingests took turns in."""
    with Store(str(db), create=False) as store:
        return {
            "articles": sorted((a.id, a.status) for a in store.articles()),
            "claims": sorted({tuple(map(str, claim_key(e))) for e in store.events()}),
            "deals": sorted((d.key, d.status) for d in store.deals()),
        }


def ingest(db: Path, inputs: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen([*CLI, "--db", str(db), "ingest", "--quiet", "--workers", "1",
                             *map(str, inputs)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def one_round(db: Path, chunks: list[Path], k: int) -> list[str]:
    """Start ``k`` overlapping ingests at once; what went wrong (empty: nothing)."""
    procs = [ingest(db, [chunks[i % len(chunks)], chunks[(i + 1) % len(chunks)]])
             for i in range(k)]
    problems = []
    for proc in procs:
        _, err = proc.communicate(timeout=1800)
        if proc.returncode != 0 or "Traceback" in err:
            problems.append(f"exit {proc.returncode}: {err.strip()[-300:]}")
    return problems


def _difference(expected: dict[str, list], got: dict[str, list]) -> str:
    parts = []
    for key in expected:
        missing = sorted(set(map(tuple, expected[key])) - set(map(tuple, got[key])))
        extra = sorted(set(map(tuple, got[key])) - set(map(tuple, expected[key])))
        if missing or extra:
            parts.append(f"  {key}: missing {missing[:3]}, extra {extra[:3]}")
    return "\n".join(parts)


def split(real: list[dict], k: int, folder: Path) -> list[Path]:
    """``k`` JSONL files of consecutive articles; together they hold every article once."""
    folder.mkdir()
    size = -(-len(real) // k)
    chunks = []
    for n in range(k):
        path = folder / f"chunk{n}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in real[n * size : (n + 1) * size]))
        chunks.append(path)
    return chunks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (shared_data_dir() / SOURCE_FILES["news-bench"]).exists():
        print(f"error: {shared_data_dir()} is missing", file=sys.stderr)
        return 2
    report: dict[str, object] = {"articles": args.articles, "rounds": args.rounds}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        real = real_articles(args.articles)
        everything = root / "all.jsonl"
        everything.write_text("".join(json.dumps(r) + "\n" for r in real))
        reference = root / "sequential.db"
        done = subprocess.run([*CLI, "--db", str(reference), "ingest", "--quiet", "--workers",
                               "1", str(everything)], capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        expected = register_view(reference)
        report["sequential"] = {key: len(value) for key, value in expected.items()}
        for k in (2, 4):
            chunks = split(real, k, root / f"k{k}")
            started, differing, crashes = time.perf_counter(), 0, []
            for n in range(args.rounds):
                db = root / f"k{k}-{n}.db"
                crashes += one_round(db, chunks, k)
                if register_view(db) != expected:
                    differing += 1
            seconds = time.perf_counter() - started
            report[f"{k}_at_once"] = {"rounds": args.rounds, "crashes": len(crashes),
                                      "registers_differing": differing,
                                      "seconds": round(seconds, 1), "first_crash": crashes[:1]}
            ok = ok and not crashes and not differing
            if differing and not args.json:
                print(_difference(expected, register_view(db)))
            if not args.json:
                print(f"{k} ingests at once, {args.rounds} rounds: {len(crashes)} crashes, "
                      f"{differing} registers differing from the sequential one "
                      f"({seconds:.0f} s)", flush=True)
    report["ok"] = ok
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"sequential register: {report['sequential']}")
        print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
