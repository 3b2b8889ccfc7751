"""Issue 9: nothing a feed can send breaks a run or loses an article.

One test (or a few) per defect of the issue, numbered as there. Each failed
before its fix. Most run the real readers, the real store and the real command
line with the fast fakes of ``test_runner.py`` for the gate, the near-duplicate
index and the extractor; the ones about the language pipeline run the real one.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import armstrack.runner as runner_module
from armstrack.cli.main import cli
from armstrack.ingest import ReadOptions, read_inputs
from armstrack.ingest.dedup import content_hash
from armstrack.model import Article, Event, ReadFailure
from armstrack.store import Store, StoreError, claim_key

sys.path.insert(0, str(Path(__file__).parent))
from hostile_corpus import real_reading_components, warc_bytes  # noqa: E402
from test_runner import FakeExtractor, article, run, write_jsonl  # noqa: E402

GOOD = (
    "Poland buys Patriot missiles\n\n2021-03-01\n\n"
    "WARSAW - Poland signed a contract to buy Patriot missiles from the United States "
    "on Monday, the defence ministry said. Story {n}."
)


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "default_components", real_reading_components)


def invoke(*args: str, **kw: Any) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


def good_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"good{i}.txt"
        path.write_text(GOOD.format(n=i), encoding="utf-8")
        paths.append(path)
    return paths


def read(*inputs: Any, **kw: Any) -> list[Article | ReadFailure]:
    return list(read_inputs(list(inputs), ReadOptions(**kw)))


# 1 ------------------------------------------------------------------ oversized article


def test_1_an_article_over_the_character_limit_is_one_failure_and_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    records = [article(i, relevant=True) for i in range(6)]
    records[3] = dict(records[3], text="Missiles. " + "word " * 1000)
    feed = write_jsonl(tmp_path / "feed.jsonl", records)
    with Store(str(tmp_path / "r.db")) as store:
        summary, err = run([feed], store, real_reading_components(), max_chars=2000)
        assert summary.failed == 1 and summary.stored == 5
        assert "over the limit of 2,000 per article (use --max-chars)" in err
        assert {a.id for a in store.articles()} == {"a0000", "a0001", "a0002", "a0004", "a0005"}
    # A one-line text file: the same limit, the same kind of failure.
    huge = tmp_path / "huge.txt"
    huge.write_text("Title\n\n2021-01-01\n\n" + "x" * 5000, encoding="utf-8")
    (failure,) = read(str(huge), max_chars=1000)
    assert isinstance(failure, ReadFailure)
    assert "over the limit of 1,000 per article" in failure.reason


def test_1_the_language_pipeline_fails_only_the_article_spacy_refuses() -> None:
    from armstrack.pipeline import Extractor

    text = "Russia delivered S-400 missiles to Turkey in July 2019."
    articles = [
        Article(id="a", text=text, published=date(2019, 8, 1)),
        Article(id="huge", text="word " * 220_000 + text, published=date(2019, 8, 1)),
        Article(id="b", text=text, published=date(2019, 8, 1)),
    ]
    results = dict((a.id, r) for a, r in Extractor(batch_size=8).process_safe(articles))
    assert isinstance(results["huge"], str) and "E088" in results["huge"]
    assert isinstance(results["a"], list) and isinstance(results["b"], list)
    assert results["a"], "the good articles around the huge one are still extracted"


class _BatchKiller(FakeExtractor):
    """Raises for a whole batch when one article in it is long (spaCy's E088 does that)."""

    def process(self, articles: Any) -> Iterator[tuple[Article, list[Event]]]:
        articles = list(articles)
        if any(len(a.text) > 3000 for a in articles):
            raise ValueError("[E088] Text of length 5000 exceeds maximum")
        yield from super().process(articles)


def test_1_an_extractor_that_fails_a_whole_batch_costs_only_the_culprit(tmp_path: Path) -> None:
    records = [article(i, relevant=True) for i in range(8)]
    records[4] = dict(records[4], text="Missiles. " + "word " * 1000)
    feed = write_jsonl(tmp_path / "feed.jsonl", records)
    with Store(str(tmp_path / "r.db")) as store:
        summary, err = run([feed], store, real_reading_components(_BatchKiller), batch_size=8)
        assert summary.failed == 1 and "E088" in err
        with_events = {e.article for e in store.events()}
        assert with_events == {f"a{i:04d}" for i in range(8)} - {"a0004"}
        assert store.counts()["articles"] == 8  # the culprit is stored all the same


# 2 -------------------------------------------------------------------- lone surrogates


def test_2_lone_surrogates_in_json_text_and_id_are_stored(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        '{"id": "s1", "published": "2020-01-01", "text": "Missiles for Turkey \\ud800 today."}',
        '{"id": "bad\\udfff", "published": "2020-01-01", "text": "Frigates \\udc00 sold."}',
        json.dumps(article(1, relevant=True)),
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(str(tmp_path / "r.db")) as store:
        summary, _ = run([feed], store, real_reading_components())
        assert summary.failed == 0 and summary.stored == 3
        stored = {a.id: a.text for a in store.articles()}
    assert stored["s1"] == "Missiles for Turkey \ufffd today."
    assert "bad\ufffd" in stored
    assert content_hash("a \ud800 b")  # the hash itself never raises either


# 3 ----------------------------------------------------------- file names not in UTF-8


def test_3_a_file_name_that_is_not_utf8_is_read_and_named_printably(
    tmp_path: Path, fast_cli: None
) -> None:
    folder = tmp_path / "news"
    good_files(folder, 7)
    raw = os.fsencode(folder) + b"/n\xe9.txt"
    with open(raw, "wb") as f:
        f.write(GOOD.format(n=99).encode())
    db = tmp_path / "r.db"
    result = invoke("--db", str(db), "ingest", "--workers", "1", str(folder))
    assert result.exit_code == 0, result.stderr
    with Store(str(db)) as store:
        ids = {a.id for a in store.articles()}
    assert ids == {f"good{i}" for i in range(7)} | {"n\\xe9"}
    out = CliRunner().invoke(cli, ["extract", "--format", "json", os.fsdecode(raw)])
    assert "n\\\\xe9" in out.stdout  # JSON of the printable name, valid UTF-8
    out.stdout.encode("utf-8")


# 4 --------------------------------------------------------------------------- FIFOs


def _finishes(fn: Any, seconds: float = 20) -> Any:
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.update(value=fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung"
    return box["value"]


def test_4_a_fifo_in_a_folder_or_given_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    good_files(folder, 2)
    os.mkfifo(folder / "pipe")
    items = _finishes(lambda: read(str(folder)))
    assert sum(isinstance(i, Article) for i in items) == 2
    (fifo,) = [i for i in items if isinstance(i, ReadFailure)]
    assert "not a regular file (a FIFO)" in fifo.reason
    given = _finishes(lambda: read(str(folder / "pipe"), str(folder / "good0.txt")))
    assert isinstance(given[0], ReadFailure) and given[0].reason == "empty file"
    assert isinstance(given[1], Article)


# 5 ---------------------------------------------------------- unreadable file argument


def test_5_an_unreadable_argument_is_one_error_and_the_rest_is_ingested(
    tmp_path: Path, fast_cli: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = good_files(tmp_path / "news", 2)
    real_open = os.open

    def refusing_open(path: Any, *args: Any, **kw: Any) -> int:
        if os.fsdecode(path) == str(first):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kw)

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: (
        False if os.fsdecode(p) == str(first) else real_access(p, mode, **kw)))
    monkeypatch.setattr(os, "open", refusing_open)
    db = tmp_path / "r.db"
    result = invoke("--db", str(db), "ingest", "--workers", "1", str(first), str(second))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {first}: permission denied"
    with Store(str(db)) as store:
        assert [a.id for a in store.articles()] == ["good1"]


# 6, 7 ----------------------------------------------------------------------------- WARC


def _page(title: str) -> bytes:
    body = "Russia delivered S-400 missiles to Turkey in July 2019, officials said. " * 4
    return (
        f"<html><head><title>{title}</title><meta name='date' content='2019-08-01'></head>"
        f"<body><article><h1>{title}</h1><p>{title}. {body}</p></article></body></html>"
    ).encode()


def test_6_a_warc_whose_first_record_is_an_image_is_read(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500)
    records = [("http://x/a.png", png, "image/png"),
               ("http://x/story", _page("First story"), "text/html")]
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc_bytes(records))
    assert [type(i).__name__ for i in read(str(path))] == ["Article"]
    by_record = tmp_path / "by-record.warc.gz"  # gzipped record by record, as crawls are
    by_record.write_bytes(warc_bytes(records, gz=True))
    assert [type(i).__name__ for i in read(str(by_record))] == ["Article"]
    whole = tmp_path / "whole.warc.gz"  # one gzip member for the whole file
    whole.write_bytes(gzip.compress(path.read_bytes()))
    assert [type(i).__name__ for i in read(str(whole))] == ["Article"]


def test_7_a_wrong_content_length_is_a_recorded_failure_and_nothing_leaks(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = warc_bytes([("http://x/a", _page("First"), "text/html"),
                  ("http://x/b", _page("Second"), "text/html"),
                  ("http://x/c", _page("Third"), "text/html")])
    at = data.index(b"Content-Length", data.index(b"http://x/b"))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    path = tmp_path / "bad.warc"
    path.write_bytes(data[:at] + f"Content-Length: {length - 40}".encode() + data[end:])
    items = read(str(path))
    assert [type(i).__name__ for i in items] == ["Article", "ReadFailure", "Article"]
    assert items[1].record == "record 2" and "Content-Length" in items[1].reason
    assert capfd.readouterr().err == ""  # warcio's warning and raw payload stay out


def test_7_a_warc_cut_inside_a_header_says_so_readably(tmp_path: Path) -> None:
    data = warc_bytes([("http://x/a", _page("First"), "text/html"),
                  ("http://x/b", _page("Second"), "text/html")])
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: data.index(b"WARC-Target-URI: http://x/b") + 10])
    items = read(str(path))
    assert isinstance(items[0], Article) and isinstance(items[-1], ReadFailure)
    assert "header of record 2 is cut short or malformed" in items[-1].reason
    assert "NoneType" not in items[-1].reason


# 8 ---------------------------------------------------------------- work per input


def test_8_a_gzip_of_newlines_is_stopped_by_the_records_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    good = json.dumps(article(1, relevant=True)) + "\n"
    bomb.write_bytes(gzip.compress((good + "\n" * 200_000).encode()))
    items = read(str(bomb), max_records=5_000)
    assert isinstance(items[0], Article)
    assert isinstance(items[-1], ReadFailure)
    assert items[-1].reason.startswith("stopped after 5,000 records, the limit per input")
    assert "--max-records" in items[-1].reason


def test_8_the_time_per_input_is_bounded(tmp_path: Path) -> None:
    slow = tmp_path / "slow.jsonl"
    slow.write_text(json.dumps(article(1)) + "\n" + "\n" * 2_000, encoding="utf-8")
    items = read(str(slow), max_seconds=1e-9)
    assert isinstance(items[-1], ReadFailure) and "the time limit per input" in items[-1].reason


# 9 ------------------------------------------------------------------ calendar ends


@pytest.mark.parametrize(
    ("published", "text"),
    [("9999-12-31", "Delivery is due next year."), ("9999-12-31", "It comes next week."),
     ("0001-01-01", "It was signed last year."), ("0001-01-01", "It began 3 days ago.")],
)
def test_9_times_at_the_ends_of_the_calendar_are_left_unresolved(published: str, text: str) -> None:
    result = invoke("timex", "--published", published, text)
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert found and found[0]["start"] is None and found[0]["end"] is None


def test_9_an_undated_article_published_at_the_calendar_end_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text("Russia will deliver S-400 missiles to Turkey next year.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["extract", "--format", "json", "--published", "9999-12-31", str(path)]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["events"], "the claim is read; only its time is open"


# 10 ------------------------------------------------------------------- deep nesting


def test_10_ten_thousand_nested_divs_do_not_lose_the_article(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    story = "Poland signed a contract to buy Patriot missiles from the United States. " * 3
    page.write_text(
        "<html><head><title>Deep</title></head><body>" + "<div>" * 10_000
        + f"<p>{story}</p>" + "</div>" * 10_000 + "</body></html>",
        encoding="utf-8",
    )
    (item,) = read(str(page), published=date(2021, 1, 1))
    assert isinstance(item, Article) and "Patriot missiles" in item.text


# 11 -------------------------------------------------------- two ingests, one database


def test_11_two_openers_of_a_new_database_both_succeed(tmp_path: Path) -> None:
    for attempt in range(20):  # the race (switching a new file to WAL) is a narrow one
        db = str(tmp_path / f"new{attempt}.db")
        errors: list[BaseException] = []

        def open_it(db: str = db, errors: list[BaseException] = errors) -> None:
            try:
                Store(db).close()
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []


def test_11_ingests_into_one_database_take_turns(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    with Store(db) as first, Store(db) as second:
        order: list[str] = []
        with first.ingest_lock():
            waiter = threading.Thread(
                target=lambda: _locked(second, order, "second"), daemon=True
            )
            waiter.start()
            waiter.join(0.5)
            assert waiter.is_alive(), "the second ingest must wait for the first"
            order.append("first")
        waiter.join(30)
        assert order == ["first", "second"]


def _locked(store: Store, order: list[str], name: str) -> None:
    with store.ingest_lock():
        order.append(name)


def test_11_the_same_text_from_two_ingests_is_stored_once(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [article(i, relevant=True) for i in range(4)])
    db = str(tmp_path / "r.db")
    results: list[Any] = []

    def ingest_once() -> None:
        with Store(db) as store:
            results.append(run([feed], store, real_reading_components())[0])

    threads = [threading.Thread(target=ingest_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == 2
    assert sorted(r.stored for r in results) == [0, 4]
    with Store(db) as store:
        assert store.counts()["articles"] == 4 and len(store.events()) == 4


# 12, 13, 14 ---------------------------------------------------------- --db problems


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_12_every_db_problem_is_one_readable_line(tmp_path: Path) -> None:
    notdb = tmp_path / "notes.txt"
    notdb.write_text("just some notes, not a database\n" * 50)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {
        str(notdb): "no armstrack register here",
        str(folder): "is a folder, not a database file",
        str(tmp_path / "missing" / "r.db"): "r.db",
        "nosuchscheme://host/db": "unknown database URL scheme",
        "postgresql://user:secret@localhost:1/db": "",
    }
    for db, expected in cases.items():
        for command in (["status"], ["deals"], ["ingest", str(notdb)]):
            line = _one_error_line(invoke("--db", db, *command))
            assert line.startswith("Error: ") and expected in line, (db, command, line)
            assert "secret" not in line


def test_12_a_foreign_database_is_not_ours_to_write(tmp_path: Path) -> None:
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
    before = foreign.read_bytes()
    for command in (["status"], ["deals"], ["ingest", str(foreign)]):
        line = _one_error_line(invoke("--db", str(foreign), *command))
        assert "no armstrack register here" in line and "people" in line
    assert foreign.read_bytes() == before


def test_12_export_to_a_missing_folder_is_an_error_line(tmp_path: Path, fast_cli: None) -> None:
    db = tmp_path / "r.db"
    invoke("--db", str(db), "ingest", "--workers", "1", *map(str, good_files(tmp_path / "n", 1)))
    line = _one_error_line(invoke("--db", str(db), "export", "--format", "csv", "-o",
                                  str(tmp_path / "nowhere" / "deals.csv")))
    assert "cannot write" in line


def test_13_read_commands_open_read_only_and_write_nothing(tmp_path: Path, fast_cli: None) -> None:
    db = tmp_path / "r.db"
    invoke("--db", str(db), "ingest", "--workers", "1", *map(str, good_files(tmp_path / "n", 2)))
    with Store(str(db)) as store:
        store.write_batch(store_batch_marking_deals_stale())
    before = db.read_bytes()
    for command in (["status"], ["deals"], ["failures"], ["export", "--format", "json"]):
        assert invoke("--db", str(db), *command).exit_code == 0
    assert db.read_bytes() == before
    with Store(str(db), create=False) as reader:
        assert reader.readonly and reader.deals_stale  # deals built for the reader only
        with pytest.raises(StoreError, match="read-only"):
            reader.rebuild_deals()


def store_batch_marking_deals_stale() -> Any:
    from armstrack.store import Batch

    batch = Batch()
    batch.updates.append({"id": "good0", "status": "extracted", "reason": "re-gated"})
    return batch


def test_14_an_empty_db_is_the_same_error_for_every_command(tmp_path: Path) -> None:
    for command in (["status"], ["deals"], ["ingest", str(tmp_path)]):
        line = _one_error_line(invoke("--db", "", *command))
        assert "--db is empty" in line


# 15 ------------------------------------------------------------ names printed raw


def test_15_names_with_newlines_and_escapes_are_printed_escaped(
    tmp_path: Path, fast_cli: None
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "x\nerror: forged.txt").write_bytes(b"\x00\x01binary")
    (folder / "\x1b[31mred.txt").write_bytes(b"\x00\x01binary")
    result = invoke("--db", str(tmp_path / "r.db"), "ingest", "--workers", "1", str(folder))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "\x1b" not in result.stderr and "x\\x0aerror: forged.txt" in result.stderr
    failures = invoke("--db", str(tmp_path / "r.db"), "failures").stdout
    assert "\x1b" not in failures and len(failures.strip().splitlines()) == 2


# 16 --------------------------------------------------------- an updated story


V1 = (
    "Russia and Turkey sign S-400 deal\n\n2017-09-12\n\n"
    "Russia signed a contract in September 2017 to supply S-400 missile systems to Turkey, "
    "officials in Moscow said. The deal is worth 2.5 billion dollars, according to the "
    "Turkish defence ministry. Turkey is the first member of NATO to buy the Russian air "
    "defence system. Washington has warned Ankara that the system cannot be tied into the "
    "alliance's shared air defences. Turkish officials said the purchase became necessary "
    "when years of talks with Western allies brought no offer they could accept. China "
    "was the first foreign buyer of the system. The "
    "agreement also foresees that some parts will later be made in Turkey itself. The S-400 "
    "is a long-range surface-to-air missile system built by the Russian company Almaz-Antey. "
    "It can track aircraft and missiles at great distances and has been sold to China and "
    "India as well. Greece, another NATO member, has operated an older Russian system, the "
    "S-300, for many years. NATO officials voiced concern that the system could not work "
    "with the alliance's own equipment. Turkey has bought most of its major weapons "
    "from the United States and European countries for decades. Its air force flies "
    "American F-16 fighter jets, and its navy operates frigates of German design. Ankara "
    "has also been building up its own defence industry, which makes drones, armoured "
    "vehicles and warships. Moscow has sold air defence systems to many countries in the "
    "Middle East and Asia over the past twenty years."
)
# The update, published when the first battery arrived: one sentence more.
V2 = V1.replace("2017-09-12", "2019-07-12").replace(
    "defence ministry.", "defence ministry. Russia delivered the first S-400 battery to "
    "Turkey in July 2019.")


def _ingest_in_order(folder: Path, order: tuple[str, ...]) -> Path:
    folder.mkdir()
    db = folder / "r.db"
    for name in order:
        path = folder / f"{name}.txt"
        path.write_text({"v1": V1, "v2": V2}[name], encoding="utf-8")
        result = invoke("--db", str(db), "ingest", "--workers", "1", str(path))
        assert result.exit_code == 0, result.stderr
    return db


def test_16_an_updated_story_keeps_its_new_claim_and_no_claim_twice(tmp_path: Path) -> None:
    claims = {}
    for order in (("v1", "v2"), ("v2", "v1")):
        db = _ingest_in_order(tmp_path / "-".join(order), order)
        with Store(str(db)) as store:
            keys = [claim_key(e) for e in store.events()]
            assert len(keys) == len(set(keys)), keys  # no claim stored twice
            assert store.counts()["duplicates"] == 1 and store.counts()["stories"] == 1
            (deal,) = [d for d in store.deals() if (d.supplier, d.recipient) == ("RUS", "TUR")]
            entries = [claim_key(e.event) for e in deal.timeline]
            assert len(entries) == len(set(entries)), entries  # the timeline shows each once
            assert deal.status == "delivering"
        claims[order] = set(keys)
    delivered = ("delivery", "asserted", "RUS", "TUR", "S-400", "2019-07-01", "2019-07-31")
    assert delivered in claims[("v1", "v2")]  # the update's new claim is read
    assert claims[("v1", "v2")] == claims[("v2", "v1")]  # whatever the arrival order


# 17 ------------------------------------------------------- the register's own files


def test_17_a_folder_holding_the_database_does_not_read_it(tmp_path: Path, fast_cli: None) -> None:
    folder = tmp_path / "news"
    good_files(folder, 2)
    db = folder / "x.db"
    for _ in range(2):
        result = invoke("--db", str(db), "ingest", "--workers", "1", str(folder))
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    given = invoke("--db", str(db), "ingest", "--workers", "1", str(db))
    assert "the register's own database file" in given.stderr


# limits ------------------------------------------------------------------------------


def test_per_input_limits_are_set_by_options_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_ingest(paths: Any, store: Any, options: Any, err: Any = None) -> Any:
        seen["options"] = options
        return runner_module.IngestSummary()

    monkeypatch.setattr(runner_module, "ingest", fake_ingest)
    db = str(tmp_path / "r.db")
    invoke("--db", db, "ingest", "x", "--max-chars", "1000", "--max-records", "50",
           "--max-seconds", "2.5")
    opts = seen["options"]
    assert (opts.max_chars, opts.max_records, opts.max_seconds) == (1000, 50, 2.5)
    monkeypatch.setenv("ARMSTRACK_MAX_CHARS", "777")
    monkeypatch.setenv("ARMSTRACK_MAX_RECORDS", "9")
    invoke("--db", db, "ingest", "x")
    assert (seen["options"].max_chars, seen["options"].max_records) == (777, 9)
    assert invoke("--db", db, "ingest", "x", "--max-chars", "0").exit_code == 2


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to read as a user without write access")
def test_12_a_read_only_database_in_a_read_only_folder_can_be_read(fast_cli: None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="armstrack-ro-"))
    try:
        db = folder / "r.db"
        files = good_files(folder / "in", 1)
        first = invoke("--db", str(db), "ingest", "--workers", "1", str(files[0]))
        assert first.exit_code == 0, first.stderr
        folder.chmod(0o755)
        db.chmod(0o444)
        (folder / "in").chmod(0o555)
        folder.chmod(0o555)
        as_nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                     sys.executable, "-c", "from armstrack.cli.main import cli; cli()",
                     "--db", str(db)]
        status = subprocess.run([*as_nobody, "status", "--format", "json"],
                                capture_output=True, text=True, timeout=120)
        if "Permission denied" in status.stderr and "python" in status.stderr.lower():
            pytest.skip("this checkout is not readable by other users")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["articles"] == 1
        ingest = subprocess.run([*as_nobody, "ingest", str(files[0])], capture_output=True,
                                text=True, timeout=120)
        assert ingest.returncode == 1 and "the database is read-only" in ingest.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
