"""Issue 9's big run: a generated hostile corpus mixed with real articles, ingested once.

At least 1,000 generated hostile inputs of every kind (``tests/hostile_corpus.py``:
oversized articles and records, lone surrogates, undecodable and control-character
file names, FIFOs, damaged WARCs, newline bombs, 10,000-deep HTML, XML bombs,
external entities, binary junk, truncated gzip, ...) plus one gzip of 1 GiB of
newlines, mixed in one folder with 1,000 real articles from ``../shared/data``
(never a reserved id), then ``armstrack ingest`` over the folder with the real
pipeline (2 workers) in a child process. It checks, and exits non-zero unless:

- no traceback, and the ingest's exit status is 1 (inputs failed, the run went on);
- every real article is stored (as an article or an exact copy);
- every generated input ends as it must (its articles stored, its failure recorded),
  and every failure reads as one printable line with a reason;

and reports the ingest's wall time and the peak RSS of its process tree.

    .venv/bin/python bench/bench_hostile.py [--hostile 1000] [--real 1000] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from armstrack.corpus.sources import SOURCE_FILES, reserved_ids, shared_data_dir  # noqa: E402
from armstrack.store import Store  # noqa: E402
from bench_ingest import _tree_rss  # noqa: E402
from hostile_corpus import Expect, Limits, make_corpus, mismatches  # noqa: E402

#: The limits the run is given on its command line (the defaults are higher; these
#: keep the generated oversized inputs and newline bombs cheap to make).
LIMITS = Limits(max_chars=100_000, max_records=200_000)


def real_articles(count: int) -> list[dict]:
    """``count`` real articles, none reserved: the defence set first, then the wire sample."""
    data, reserved = shared_data_dir(), reserved_ids()
    chosen: list[dict] = []
    for source in ("reuters-defence", "news-bench"):
        path = data / SOURCE_FILES[source]
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("id") not in reserved:
                    chosen.append(record)
                if len(chosen) >= count:
                    return chosen
    return chosen


def gigabyte_of_newlines(path: Path) -> Expect:
    """One gzip member of 1 GiB of newlines (about 1 MB on disk), written as a stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\n" * (1 << 20)
    with open(path, "wb") as out:
        out.write(compressor.compress(b'{"id": "gib", "text": "x"}\n'))
        for _ in range(1024):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())
    return Expect(str(path), "gigabyte-of-newlines", 0, True)


def run_measured(cmd: list[str]) -> tuple[int, float, int, str]:
    """Exit status, wall seconds, peak RSS of the process tree, and stderr of ``cmd``."""
    with tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        err.seek(0)
        return os.waitstatus_to_exitcode(status), seconds, peak, err.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hostile", type=int, default=1000)
    parser.add_argument("--real", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (shared_data_dir() / SOURCE_FILES["news-bench"]).exists():
        print(f"error: {shared_data_dir()} is missing (the real articles come from there)",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        made = make_corpus(folder, args.hostile, limits=LIMITS)
        made.append(gigabyte_of_newlines(folder / "gib.jsonl.gz"))
        real = real_articles(args.real)
        for part in range(0, len(real), 100):  # ten files among the hostile ones
            lines = (json.dumps(r) for r in real[part : part + 100])
            (folder / f"real{part:04d}.jsonl").write_text("\n".join(lines) + "\n")
        db = Path(tmp) / "register.db"
        code, seconds, peak, stderr = run_measured([
            sys.executable, "-c", "from armstrack.cli.main import cli; cli()", "--db", str(db),
            "ingest", "--quiet", "--workers", str(args.workers),
            "--max-chars", str(LIMITS.max_chars), "--max-records", str(LIMITS.max_records),
            str(folder),
        ])
        with Store(str(db), create=False) as store:
            stored_ids = {a.id for a in store.articles()}
            copies = _copy_ids(store)
            wrong = mismatches(made, store)
            counts = store.counts()
            failures = len(store.failures())
        lost = [r["id"] for r in real if r["id"] not in stored_ids | copies]

    report = {
        "command": (f"armstrack ingest --workers {args.workers} --max-chars {LIMITS.max_chars} "
                    f"--max-records {LIMITS.max_records} FOLDER"),
        "hostile_inputs": len(made),
        "kinds": dict(sorted(Counter(e.kind for e in made).items())),
        "real_articles": len(real),
        "exit_status": code,
        "traceback": "Traceback" in stderr,
        "error_lines": sum(1 for line in stderr.splitlines() if line.startswith("error: ")),
        "other_stderr_lines": [line for line in stderr.splitlines()
                               if not line.startswith("error: ")][:5],
        "real_articles_lost": lost[:10],
        "expectation_mismatches": wrong[:10],
        "failures_recorded": failures,
        "register": counts,
        "seconds": round(seconds, 1),
        "peak_rss_tree_mb": round(peak / 1e6, 1),
    }
    ok = (code == 1 and not report["traceback"] and not lost and not wrong
          and not report["other_stderr_lines"])
    report["ok"] = ok
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{len(made)} hostile inputs ({len(report['kinds'])} kinds) + {len(real)} real "
              f"articles: exit {code}, {report['error_lines']} error lines, "
              f"{failures} failures recorded, {counts['articles']} articles stored, "
              f"{len(lost)} real articles lost, {len(wrong)} expectation mismatches, "
              f"traceback: {report['traceback']}")
        print(f"wall {seconds:.1f} s, peak RSS {peak / 1e6:.0f} MB (process tree)")
        for line in wrong[:10] + report["other_stderr_lines"]:
            print(f"  {line}")
        print("OK" if ok else "NOT OK")
    return 0 if ok else 1


def _copy_ids(store: Store) -> set[str]:
    """Ids stored as exact copies of another article (a real article may repeat one)."""
    from sqlalchemy import select

    from armstrack.store import schema

    with store.engine.connect() as conn:
        return set(conn.execute(select(schema.copies.c.id)).scalars())


if __name__ == "__main__":
    raise SystemExit(main())
