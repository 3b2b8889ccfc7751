"""The fuzz and fault suite (issue 9): properties over the readers, the date and time
parsers and the store; a generated hostile corpus; kills at random points; two writers.

Small on purpose (a few dozen examples each, bounded in time): the big runs are
``bench/bench_hostile.py`` and ``bench/bench_concurrent.py``. The fast fakes of
``test_runner.py`` stand in for the gate, the near-duplicate index and the
extractor wherever the property is about reading, storing or surviving.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import armstrack.runner as runner_module
from armstrack.cli.main import cli
from armstrack.ingest import ReadOptions, parse_date_string, parse_publication_date, read_inputs
from armstrack.model import Article, ReadFailure, printable
from armstrack.runner import IngestOptions, ingest
from armstrack.store import Store

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))
from hostile_corpus import (  # noqa: E402
    Limits,
    make_corpus,
    mismatches,
    real_reading_components,
    record,
)

LIMITS = Limits(max_chars=20_000, max_records=20_000)
LIMIT_FLAGS = ("--max-chars", str(LIMITS.max_chars), "--max-records", str(LIMITS.max_records))
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _printable(items: list[Article | ReadFailure]) -> bool:
    lines = [i.describe() for i in items if isinstance(i, ReadFailure)]
    return all(printable(line) == line for line in lines)


# --------------------------------------------------------------------- properties


@FAST
@given(st.binary(max_size=6000))
def test_any_bytes_read_to_articles_or_failures(data: bytes) -> None:
    items = list(read_inputs(["-"], ReadOptions(stdin=io.BytesIO(data),
                                                published=date(2020, 1, 1))))
    assert items and all(isinstance(i, Article | ReadFailure) for i in items)
    assert _printable(items)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@FAST
@given(st.lists(st.dictionaries(
    st.sampled_from(["id", "text", "body", "published", "date", "title", "url", "author"])
    | st.text(max_size=5), JSON_VALUES | st.text(), max_size=6), max_size=6))
def test_any_jsonl_records_read_to_articles_or_failures(records: list[dict[str, Any]]) -> None:
    data = "\n".join(json.dumps(r) for r in records).encode() + b"\n"
    items = list(read_inputs(["-"], ReadOptions(stdin=io.BytesIO(data))))
    assert _printable(items)
    for item in items:
        if isinstance(item, Article):  # what reaches the store is valid text
            item.sanitized().text.encode("utf-8")


@FAST
@given(st.text(max_size=80))
def test_date_parsers_never_raise(text: str) -> None:
    found = parse_date_string(text)
    assert found is None or isinstance(found, date)
    assert parse_publication_date(text) is None or isinstance(parse_publication_date(text), date)


TIME_PHRASES = st.sampled_from([
    "next year", "last year", "next week", "last month", "3 days ago", "in two years",
    "by the end of the decade", "in the first quarter", "this summer", "on Friday",
    "in July", "within six months", "the following month", "early next year", "in 2019",
])


@settings(max_examples=30, deadline=None)
@given(TIME_PHRASES, st.dates())
def test_time_tagger_never_raises_at_any_publication_date(phrase: str, published: date) -> None:
    from armstrack.nlp.timex import tag_text

    for found in tag_text(f"The delivery is due {phrase}.", published):
        interval = found.interval
        if interval is not None and interval.start and interval.end:
            assert interval.start <= interval.end


ARTICLE_FIELDS = st.fixed_dictionaries({
    "id": st.text(min_size=1, max_size=20),
    "text": st.text(min_size=1, max_size=300),
    "title": st.text(max_size=30),
})


@FAST
@given(st.lists(ARTICLE_FIELDS, min_size=1, max_size=8))
def test_the_store_takes_any_article_and_gives_it_back(fields: list[dict[str, str]]) -> None:
    articles = [Article(published=date(2020, 1, 1), path=f["id"], **f) for f in fields]
    comp = real_reading_components()
    comp.read_inputs = lambda paths, options: iter(articles)
    with Store(":memory:") as store:
        summary = ingest(["-"], store, IngestOptions(workers=1, progress=False),
                         components=comp, err=io.StringIO())
        assert summary.failed == 0
        stored = list(store.articles())
        copies = summary.duplicates + summary.unchanged
        assert len(stored) + copies >= len({a.sanitized().text.lower() for a in articles}) > 0
        for article in stored:
            assert printable(article.id) == article.id and article.text.encode("utf-8")
        assert len(store.events()) == sum(1 for a in stored if a.status == "extracted"
                                          for _ in store.events(a.id))


# ---------------------------------------------------------------- hostile corpus


def test_a_generated_hostile_corpus_costs_each_bad_input_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "default_components", real_reading_components)
    made = make_corpus(tmp_path / "in", 48, limits=LIMITS)
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--workers", "1",
                                      *LIMIT_FLAGS, str(tmp_path / "in")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    with Store(str(db)) as store:
        assert mismatches(made, store) == []


# ------------------------------------------------------------- kills and writers

DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import armstrack.runner as runner
    from hostile_corpus import real_reading_components
    runner.default_components = real_reading_components
    from armstrack.cli.main import cli
    cli(sys.argv[1:])
    """
)


def _inputs(folder: Path, hostile: int, good: int, start: int = 0) -> list[Path]:
    """A hostile corpus and a JSONL file of good articles, in one folder."""
    make_corpus(folder, hostile, seed=start, limits=LIMITS)
    # One article, one text, whichever folder holds it: overlapping inputs are the same.
    lines = [json.dumps(record(k, random.Random(k), id=f"good-{k}"))
             for k in range(start, start + good)]
    (folder / "good.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [folder]


def _command(driver: Path, db: Path, inputs: list[Path]) -> list[str]:
    return [sys.executable, str(driver), "--db", str(db), "ingest", "--workers", "1",
            "--batch-size", "4", *LIMIT_FLAGS, *map(str, inputs)]


def _register(db: Path) -> list[str]:
    with Store(str(db)) as store:
        return store.canonical_dump()


@pytest.fixture
def driver(tmp_path: Path) -> Path:
    path = tmp_path / "driver.py"
    path.write_text(DRIVER.format(tests=str(TESTS)), encoding="utf-8")
    return path


def test_killed_at_random_points_and_run_again_the_register_is_the_same(
    tmp_path: Path, driver: Path
) -> None:
    inputs = _inputs(tmp_path / "in", hostile=24, good=120)
    reference = tmp_path / "reference.db"
    done = subprocess.run(_command(driver, reference, inputs), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    expected = _register(reference)
    rng = random.Random(9)
    for attempt in range(2):
        db = tmp_path / f"killed{attempt}.db"
        proc = subprocess.Popen(_command(driver, db, inputs), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))  # a random point: reading, extracting or committing
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        again = subprocess.run(_command(driver, db, inputs), capture_output=True, text=True,
                               timeout=300)
        assert again.returncode == 1 and "Traceback" not in again.stderr
        assert _register(db) == expected, f"attempt {attempt}"


def test_two_writers_at_once_end_with_the_register_of_one(tmp_path: Path, driver: Path) -> None:
    first = _inputs(tmp_path / "a", hostile=10, good=60, start=0)
    second = _inputs(tmp_path / "b", hostile=10, good=60, start=30)  # ids 30..59 overlap
    with Store(str(tmp_path / "reference.db")) as store:  # one after the other
        for inputs in (first, second):
            ingest(list(map(str, inputs)), store, IngestOptions(
                workers=1, batch_size=4, progress=False, max_chars=LIMITS.max_chars,
                max_records=LIMITS.max_records), components=real_reading_components(),
                err=io.StringIO())
        expected = sorted((a.id, a.status) for a in store.articles())
        expected_events = len(store.events())
    for attempt in range(1):  # bench/bench_concurrent.py runs it 20 times, two and four at once
        db = tmp_path / f"both{attempt}.db"
        procs = [subprocess.Popen(_command(driver, db, inputs), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
                 for inputs in (first, second)]
        errors = [proc.communicate(timeout=300)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [1, 1]
        assert not any("Traceback" in e for e in errors), errors
        with Store(str(db)) as store:
            assert sorted((a.id, a.status) for a in store.articles()) == expected
            assert len(store.events()) == expected_events
    assert os.path.exists(str(db) + "-lock")  # they took turns
