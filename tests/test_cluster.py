"""``ingest --scheduler``: a LocalCluster of 2 worker processes writes the register a local
ingest writes, also when a worker is killed mid-extraction or the client is killed mid-run.

Inputs are small (a few example articles in three JSONL shards, with an exact copy and
an edited near duplicate in other shards than their originals, an irrelevant article
and a shard that does not exist) and batches hold 2 articles, so every run has several
batches in flight.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from armstrack.cli.main import cli
from armstrack.ingest import read_inputs
from armstrack.model import Article
from armstrack.runner import IngestOptions, default_components, ingest
from armstrack.store import Store
from cluster_helpers import KillOnce

TESTS = Path(__file__).resolve().parent
EXAMPLES = TESTS.parent / "examples" / "articles"
IRRELEVANT = ("The city council approved a new timetable for the number 12 bus on Tuesday, "
              "adding two evening services after complaints from commuters.")


def _record(article: Article, **changes: Any) -> dict[str, Any]:
    record = {"id": article.id, "title": article.title, "text": article.body,
              "published": article.published.isoformat() if article.published else None,
              "url": article.url}
    record.update(changes)
    return record


def _write(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("shards")
    examples = sorted((a for a in read_inputs([str(EXAMPLES)]) if isinstance(a, Article)),
                      key=lambda a: a.id)[:7]
    first, second = examples[0], examples[1]
    sentence_end = second.body.index(". ") + 1
    updated = second.body[:sentence_end] + " Officials confirmed this on Friday." + \
        second.body[sentence_end:]
    return [
        _write(folder / "part-1.jsonl", [_record(a) for a in examples[:3]] +
               [{"id": "bus-timetable", "text": IRRELEVANT, "published": "2021-03-02"}]),
        _write(folder / "part-2.jsonl", [_record(examples[3]),
                                         _record(first, id="copy-of-first"),
                                         _record(examples[4])]),
        str(folder / "part-missing.jsonl"),  # cannot be read: a recorded failure
        _write(folder / "part-3.jsonl", [_record(examples[5]),
                                         _record(second, id="update-of-second", text=updated),
                                         _record(examples[6])]),
    ]


@pytest.fixture(scope="module")
def scheduler() -> Any:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


def _ingest(db: Path, shards: list[str], scheduler: str | None = None,
            extractor: Any = None) -> None:
    comp = default_components()
    if extractor is not None:
        comp.extractor = extractor
    options = IngestOptions(batch_size=2, workers=1, quiet=True, scheduler=scheduler)
    with Store(str(db)) as store:
        ingest(shards, store, options, components=comp)


def register(db: Path) -> dict[str, Any]:
    """``export --format json`` and ``failures --format json``, ids aside."""
    def without_ids(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_ids(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [without_ids(v) for v in value]
        return value

    runner = CliRunner()
    exported = runner.invoke(cli, ["--db", str(db), "export", "--format", "json"])
    failures = runner.invoke(cli, ["--db", str(db), "failures", "--format", "json"])
    status = runner.invoke(cli, ["--db", str(db), "status", "--format", "json"])
    assert exported.exit_code == 0 and failures.exit_code == 0, exported.output
    return {"export": without_ids(json.loads(exported.stdout)),
            "failures": [(f["input"], f["reason"]) for f in json.loads(failures.stdout)],
            "status": json.loads(status.stdout)}


@pytest.fixture(scope="module")
def local_register(shards: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("local") / "local.db"
    _ingest(db, shards)
    found = register(db)
    # The comparison means something: events, an exact copy, a near duplicate, a failure.
    assert found["status"]["events"] > 0 and found["status"]["duplicates"] >= 2
    assert found["status"]["skipped"] == 1 and found["failures"]
    return found


def test_cluster_ingest_writes_the_local_register(shards, scheduler, local_register, tmp_path):
    _ingest(tmp_path / "cluster.db", shards, scheduler)
    assert register(tmp_path / "cluster.db") == local_register


def test_the_cli_runs_a_local_cluster_and_prints_where_its_dashboard_is(shards, local_register,
                                                                        tmp_path):
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", *shards, "--batch-size", "2",
                                      "--scheduler", "local:1"])
    assert result.exit_code == 1  # the missing shard
    assert "dashboard http" in result.stderr
    assert "part-missing.jsonl" in result.stderr
    assert register(db) == local_register


def test_a_worker_killed_during_extraction_changes_nothing(shards, scheduler, local_register,
                                                           tmp_path):
    flag = tmp_path / "killed"
    _ingest(tmp_path / "killed.db", shards, scheduler, partial(KillOnce, str(flag)))
    assert flag.exists()  # a worker did die
    assert register(tmp_path / "killed.db") == local_register


DRIVER = """
import sys
from functools import partial
sys.path.insert(0, {tests!r})
from cluster_helpers import Slow
from armstrack.runner import IngestOptions, default_components, ingest
from armstrack.store import Store
comp = default_components()
comp.extractor = partial(Slow, 1.0)
with Store({db!r}) as store:
    ingest({shards!r}, store, IngestOptions(batch_size=2, quiet=True, scheduler={address!r}),
           components=comp)
"""


def _articles_written(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_client_killed_mid_run_and_run_again_ends_with_the_same_register(
        shards, scheduler, local_register, tmp_path):
    db = tmp_path / "resumed.db"
    script = DRIVER.format(tests=str(TESTS), db=str(db), shards=shards, address=scheduler)
    client = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _articles_written(db) == 0 and client.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    client.kill()
    client.wait()
    written = _articles_written(db)
    assert 0 < written < local_register["status"]["articles"]  # killed mid-run
    _ingest(db, shards, scheduler)
    assert register(db) == local_register
