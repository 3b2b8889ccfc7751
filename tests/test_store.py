"""The store on its own: schema, batches, failures, counts, round trips, idempotence."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from armstrack.model import Article, Event, Interval, Money, Quantity, ReadFailure
from armstrack.store import SCHEMA_VERSION, Batch, SchemaVersionError, Store, StoreNotFound
from armstrack.store import store as store_module


def _article(aid: str, text: str = "Some text.", **kw) -> Article:
    return Article(id=aid, text=text, published=date(2020, 5, 1), title=f"T {aid}", **kw)


def _batch(*ids: str, events: int = 1) -> Batch:
    batch = Batch()
    for aid in ids:
        art = _article(aid, f"text of {aid}")
        batch.add_story(art)
        batch.add_article(art, content_hash=f"h-{aid}", status="extracted", story_id=aid)
        batch.add_events(
            aid, [Event(aid, "delivery", "asserted", supplier="USA", recipient="POL",
                        system="F-35") for _ in range(events)]
        )
    return batch


@pytest.fixture
def store(tmp_path: Path):
    st = Store(str(tmp_path / "r.db"))
    yield st
    st.close()


def test_schema_is_created_with_version_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(str(path)) as st:
        assert st.schema_version == SCHEMA_VERSION
        with st.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    tables = {r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "articles", "stories", "copies", "events", "failures", "deals",
            "deal_events"} <= tables


def test_plain_paths_and_urls_open_the_same_database(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(str(path)) as st:
        st.write_batch(_batch("a"))
    with Store(f"sqlite:///{path}") as st:
        assert st.counts()["articles"] == 1


def test_reading_a_missing_database_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no register at"):
        Store(str(tmp_path / "typo.db"), create=False)
    assert not (tmp_path / "typo.db").exists()


def test_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        Store(str(path))


def test_events_round_trip_with_every_field(store: Store) -> None:
    ev = Event(
        article="a", type="contract", modality="hoped", supplier="RUS", recipient="TUR",
        system="S-400", variant="S-400 Triumf",
        time=Interval(date(2020, 1, 1), date(2020, 6, 30), "in the first half of next year"),
        quantity=Quantity(1, "regiment"), value=Money(2500000000, "USD"),
        source="Alexander Mikheev", evidence="Russia hopes to seal a deal.", offsets=(612, 790),
        trigger="seal a deal", confidence=0.8, extra={"note": "x"},
    )
    batch = Batch()
    batch.add_story(_article("a"))
    batch.add_article(_article("a"), content_hash="h", status="extracted", story_id="a")
    batch.add_events("a", [ev])
    store.write_batch(batch)
    (back,) = store.events()
    assert back.extra == {"note": "x", "id": "a#0"}
    back.extra = ev.extra
    assert back == ev
    assert isinstance(back.value.amount, int)


def test_a_failed_batch_leaves_nothing_behind(store: Store) -> None:
    store.write_batch(_batch("a"))
    bad = _batch("b", "c")
    bad.events.append(dict(bad.events[0]))  # the same event id twice: the insert fails
    with pytest.raises(Exception, match="UNIQUE"):
        store.write_batch(bad)
    assert [a.id for a in store.articles()] == ["a"]
    assert store.counts()["stories"] == 1 and store.counts()["events"] == 1


def test_failures_are_recorded_once_and_counted(store: Store) -> None:
    f1 = ReadFailure("feed.jsonl", "invalid JSON", record="line 3")
    f2 = ReadFailure("blob.bin", "binary data")
    store.record_failures([f1, f2])
    store.record_failures([f1])
    rows = store.failures()
    assert [(r.input, r.record, r.reason, r.count) for r in rows] == [
        ("blob.bin", None, "binary data", 1),
        ("feed.jsonl", "line 3", "invalid JSON", 2),
    ]
    assert rows[1].describe() == "feed.jsonl (line 3): invalid JSON"
    assert store.counts()["failed"] == 2


def test_counts(store: Store) -> None:
    batch = _batch("a", "b", events=2)
    batch.add_article(_article("s", "skip me"), content_hash="hs", status="skipped",
                      reason="no terms")
    batch.add_article(_article("d", "dup"), content_hash="hd", status="duplicate",
                      story_id="a", reason="near duplicate of a")
    batch.add_copy(_article("c"), "a")
    batch.add_failure(ReadFailure("x", "bad"))
    store.write_batch(batch)
    counts = store.counts()
    assert {k: counts[k] for k in
            ("articles", "extracted", "skipped", "duplicates", "failed", "stories", "events")} == {
        "articles": 4, "extracted": 2, "skipped": 1, "duplicates": 2, "failed": 1,
        "stories": 2, "events": 4,
    }


def test_stored_articles_are_articles_with_their_status(store: Store) -> None:
    batch = Batch()
    art = _article("s", "Title\n\nbody", url="https://x", path="/in/s.txt", byline="By A",
                   source_format="html", body_start=7, body_end=11)
    batch.add_article(art, content_hash="hs", status="skipped", reason="no terms")
    store.write_batch(batch)
    stored = store.article("s")
    assert isinstance(stored, Article)
    assert (stored.status, stored.reason, stored.body) == ("skipped", "no terms", "body")
    assert stored.to_json() == art.to_json()
    assert [a.id for a in store.iter_skipped(page=1)] == ["s"]


def test_same_batches_give_the_same_dump_whenever_they_run(tmp_path, monkeypatch) -> None:
    dumps = []
    for n, stamp in enumerate(("2020-01-01T00:00:00+00:00", "2031-07-07T07:07:07+00:00")):
        monkeypatch.setattr(store_module, "_now", lambda stamp=stamp: stamp)
        with Store(str(tmp_path / f"{n}.db")) as st:
            st.write_batch(_batch("a", "b"))
            st.record_failures([ReadFailure("x", "bad")] * (n + 1))
            dumps.append(st.canonical_dump())
    assert dumps[0] == dumps[1]
    assert any(line.startswith("events\t") for line in dumps[0])


def test_deals_are_derived_and_rebuilt_when_stale(store: Store) -> None:
    pytest.importorskip("armstrack.register")
    store.write_batch(_batch("a", "b"))
    assert store.deals_stale
    (deal,) = store.deals()  # rebuilt on read, since no ingest run finished the job
    assert not store.deals_stale
    assert (deal.id, deal.supplier, deal.recipient, deal.system) == (1, "USA", "POL", "F-35")
    assert store.deal_event_ids(1) == ["a#0", "b#0"]
    assert store.deals(supplier="rus") == []
