"""The ingest runner, with small fakes for every stage so it is tested on its own.

The fakes at the top are also used by ``test_cli_ingest.py`` and by the
kill-and-resume driver there (``hybrid_components`` takes the real stage when it
is installed and the fake otherwise, so those tests keep passing as the real
stages land).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from armstrack.model import Article, Event, ReadFailure
from armstrack.runner import Components, IngestOptions, ingest
from armstrack.store import Store

# ----------------------------------------------------------------------------- fakes

RELEVANT_TERMS = ("missile", "missiles", "fighter", "jets", "frigate", "frigates", "howitzers")


@dataclass
class FakeDecision:
    relevant: bool
    reason: str
    hits: tuple[str, ...] = ()


class FakeGate:
    """Relevant when the text names a weapon word; the reason says which or why not."""

    def __init__(self, terms: tuple[str, ...] = RELEVANT_TERMS) -> None:
        self.terms = terms

    def check(self, article: Article) -> FakeDecision:
        words = set(re.findall(r"[a-z]+", article.text.lower()))
        hits = tuple(t for t in self.terms if t in words)
        if hits:
            return FakeDecision(True, "weapon terms: " + ", ".join(hits), hits)
        return FakeDecision(False, "no weapon terms")


def fake_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FakeNearIndex:
    """Word-trigram Jaccard >= 0.5 against every earlier entry; first match in insertion order."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, set[int]]] = []

    def signature(self, text: str) -> bytes:
        words = re.findall(r"\w+", text.lower())
        shingles = sorted({zlib.crc32(" ".join(words[i : i + 3]).encode()) for i in range(
            max(1, len(words) - 2))})
        return struct.pack(f"<{len(shingles)}I", *shingles)

    @staticmethod
    def _set(sig: bytes) -> set[int]:
        return set(struct.unpack(f"<{len(sig) // 4}I", sig))

    def add(self, key: str, text: str) -> str | None:
        return self.add_signature(key, self.signature(text))

    def add_signature(self, key: str, sig: bytes) -> str | None:
        """The first earlier near duplicate, or ``None`` (and ``key`` is indexed)."""
        mine = self._set(sig)
        for other, shingles in self.entries:
            if len(mine & shingles) / max(1, len(mine | shingles)) >= 0.5:
                return other
        self.entries.append((key, mine))
        return None


SENTENCE = re.compile(r"[^.]*\.")
WEAPON_TERM = re.compile(r"\b(missiles?|jets|frigates?|howitzers)\b")


class FakeExtractor:
    """One ``contract`` event per sentence naming a weapon term; records its calls."""

    calls: list[list[str]] = []

    def __init__(self, batch_size: int = 32, n_process: int = 1) -> None:
        self.batch_size = batch_size
        self.n_process = n_process

    def process(self, articles: Any) -> Iterator[tuple[Article, list[Event]]]:
        articles = list(articles)
        FakeExtractor.calls.append([a.id for a in articles])
        for article in articles:
            events = []
            # Sentence by sentence, then the term: linear in the text (one regex over the
            # whole text backtracks quadratically on long texts with few full stops).
            for m in re.finditer(SENTENCE, article.text):
                term = WEAPON_TERM.search(m.group(0))
                if term is None:
                    continue
                events.append(
                    Event(
                        article=article.id,
                        type="contract",
                        modality="asserted",
                        supplier="RUS",
                        recipient="TUR",
                        system=term.group(1),
                        evidence=m.group(0).strip(),
                        offsets=(m.start(), m.end()),
                    )
                )
            yield article, events


class Crash(BaseException):
    """Like a kill: not an ``Exception``, so no per-article guard stops it."""


class FailingExtractor(FakeExtractor):
    """Dies on its second batch, like a crash (or a kill) in the middle of a run."""

    def process(self, articles: Any) -> Iterator[tuple[Article, list[Event]]]:
        articles = list(articles)
        if len(FakeExtractor.calls) >= 1:
            FakeExtractor.calls.append([a.id for a in articles])
            raise Crash("extractor crashed")
        yield from super().process(articles)


@dataclass
class FakeReadOptions:
    published: date | None = None
    max_bytes: int = 50_000_000
    exclude: frozenset[str] = frozenset()


def fake_read_inputs(paths: list[str], options: FakeReadOptions) -> Iterator[Article | ReadFailure]:
    """JSONL (one article a line) and text files (title, blank, ISO date, blank, body)."""
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            data = file.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                yield ReadFailure(str(file), "not UTF-8 text")
                continue
            if "\x00" in text:
                yield ReadFailure(str(file), "binary data")
                continue
            if file.suffix == ".jsonl":
                for n, line in enumerate(text.splitlines(), start=1):
                    try:
                        rec = json.loads(line)
                        published = date.fromisoformat(rec["published"])
                    except (ValueError, KeyError, TypeError):
                        yield ReadFailure(str(file), "invalid JSON record", record=f"line {n}")
                        continue
                    yield Article(
                        id=rec["id"], text=rec["text"], published=published,
                        title=rec.get("title", ""), url=rec.get("url"), path=str(file),
                        source_format="jsonl",
                    )
                continue
            lines = text.split("\n")
            try:
                published = date.fromisoformat(lines[2].strip())
            except (ValueError, IndexError):
                if options.published is None:
                    yield ReadFailure(str(file), "no publication date")
                    continue
                published = options.published
            yield Article(id=file.stem, text=text, published=published, title=lines[0],
                          path=str(file))


def fake_components(extractor: Any = FakeExtractor, gate: Any = None) -> Components:
    return Components(
        read_inputs=fake_read_inputs,
        read_options=FakeReadOptions,
        gate=gate or FakeGate(),
        content_hash=fake_hash,
        near_index=FakeNearIndex(),
        extractor=extractor,
    )


def hybrid_components() -> Components:
    """The real stage where it is installed, the fake where it is not yet."""
    comp = fake_components()
    try:
        from armstrack.ingest import ReadOptions, read_inputs

        comp.read_inputs, comp.read_options = read_inputs, ReadOptions
    except ImportError:
        pass
    try:
        from armstrack.ingest import RelevanceGate

        comp.gate = RelevanceGate()
    except ImportError:
        pass
    try:
        from armstrack.ingest import NearDuplicateIndex, content_hash

        comp.near_index, comp.content_hash = NearDuplicateIndex(), content_hash
    except ImportError:
        pass
    from armstrack.pipeline import Extractor

    comp.extractor = Extractor
    return comp


# ---------------------------------------------------------------------------- corpora

FILLER = "Shares of the company rose {n} percent on Tuesday after results beat forecasts."
WEAPONS = "Russia agreed to sell {n} missiles to Turkey under a deal signed on Monday in Moscow."
VOCABULARY = re.findall(
    r"\w+",
    "analysts bank board capital city council court demand economy election energy exports "
    "factory farmers growth harbour index inflation investors labour market minister output "
    "parliament port prices profit railway rates region revenue river school season shares "
    "steel storm talks taxes trade union village voters wages weather workers",
)


def words(n: int, k: int = 40) -> str:
    """``k`` words that differ from one ``n`` to the next, so no two stories look alike."""
    rng = random.Random(n)
    return " ".join(rng.choice(VOCABULARY) for _ in range(k)) + "."


def article(n: int, relevant: bool = False, text: str | None = None) -> dict[str, Any]:
    body = text or (WEAPONS if relevant else FILLER).format(n=n) + " " + words(n)
    return {"id": f"a{n:04d}", "title": f"Story {n}", "published": "2020-01-15",
            "url": f"https://example.org/{n}", "text": body}


def write_jsonl(path: Path, records: list[dict[str, Any]], bad_lines: tuple[int, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records]
    for i in bad_lines:
        lines.insert(i, '{"id": "broken", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(paths: list[Path], store: Store, comp: Components | None = None, **opts: Any):
    err = io.StringIO()
    options = IngestOptions(workers=opts.pop("workers", 1), progress=False, **opts)
    summary = ingest([str(p) for p in paths], store, options,
                     components=comp or fake_components(), err=err)
    return summary, err.getvalue()


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    FakeExtractor.calls = []


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(str(tmp_path / "reg.db"))
    yield st
    st.close()


# ------------------------------------------------------------------------------ tests


def test_bad_records_are_reported_recorded_and_the_rest_ingested(tmp_path, store):
    good = write_jsonl(tmp_path / "feed.jsonl", [article(i, relevant=i % 3 == 0) for i in range(9)],
                       bad_lines=(4,))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    summary, err = run([good, binary], store)

    assert summary.failed == 2 and summary.exit_code == 1
    assert err.splitlines() == [
        f"error: {good} (line 5): invalid JSON record",
        f"error: {binary}: not UTF-8 text",
    ]
    assert store.counts()["articles"] == 9
    failures = {(f.input, f.record) for f in store.failures()}
    assert failures == {(str(good), "line 5"), (str(binary), None)}


def test_clean_run_exits_zero_and_counts_add_up(tmp_path, store):
    feed = write_jsonl(tmp_path / "f.jsonl", [article(i, relevant=i < 3) for i in range(10)])
    summary, err = run([feed], store)
    assert err == "" and summary.exit_code == 0
    assert (summary.read, summary.extracted, summary.skipped) == (10, 3, 7)
    assert summary.events == 3
    counts = store.counts()
    assert counts["articles"] == 10 and counts["extracted"] == 3 and counts["skipped"] == 7
    assert counts["events"] == 3 and counts["failed"] == 0


def test_skipped_articles_are_stored_with_reasons_and_can_be_rerun(tmp_path, store):
    texts = [
        "The navy will buy four frigates from France, the minister said.",
        "Egypt ordered corvettes from Germany in a deal worth 1 billion euros.",
        "Oil prices fell sharply on Friday.",
    ]
    feed = write_jsonl(tmp_path / "f.jsonl", [article(i, text=t) for i, t in enumerate(texts)])
    run([feed], store)
    skipped = {a.id: a.reason for a in store.articles(status="skipped")}
    assert skipped == {"a0001": "no weapon terms", "a0002": "no weapon terms"}
    assert store.article("a0001").text == texts[1]  # kept whole for a later re-run

    # The gate learns a word (as the knowledge base grows): re-run the skipped ones.
    wider = FakeGate(RELEVANT_TERMS + ("corvettes",))
    summary, _ = run([], store, fake_components(gate=wider), rerun_skipped=True)
    assert summary.rerun == 2 and summary.extracted == 1
    assert store.article("a0001").status == "extracted"
    assert store.article("a0001").reason == "weapon terms: corvettes"
    assert store.article("a0002").status == "skipped"
    assert FakeExtractor.calls[-1] == ["a0001"]


def test_near_duplicates_are_one_story_with_several_sources(tmp_path, store):
    wire = ("Russia agreed to sell S-400 missiles to Turkey, the Kremlin said on Monday. "
            "The deal covers four batteries and is worth 2.5 billion dollars. "
            "Deliveries are due to begin next year, officials in Ankara added.")
    copies = [wire, wire.replace("on Monday", "on Monday evening"),
              "UPDATE 1 - " + wire.replace("officials in Ankara", "Turkish officials")]
    records = [dict(article(i, text=t), id=f"outlet{i}") for i, t in enumerate(copies)]
    records.append(article(9, relevant=True))  # an unrelated relevant story
    summary, _ = run([write_jsonl(tmp_path / "f.jsonl", records)], store)

    assert summary.extracted == 2 and summary.duplicates == 2
    assert [a.status for a in store.articles(story_id="outlet0")] == [
        "extracted", "duplicate", "duplicate"]
    assert {s["id"] for s in store.story_sources("outlet0")} == {"outlet0", "outlet1", "outlet2"}
    # The claim is extracted once, from the first report.
    assert {e.article for e in store.events()} == {"outlet0", "a0009"}
    assert store.article("outlet2").reason == "near duplicate of outlet0"
    assert store.counts()["stories"] == 2 and store.counts()["duplicates"] == 2


def test_near_duplicate_index_survives_a_restart(tmp_path, store):
    wire = ("Russia agreed to sell S-400 missiles to Turkey, the Kremlin said on Monday. "
            "The deal covers four batteries and is worth 2.5 billion dollars.")
    run([write_jsonl(tmp_path / "a.jsonl", [dict(article(1, text=wire), id="first")])], store)
    later = dict(article(2, text=wire + " Ankara confirmed."), id="later")
    run([write_jsonl(tmp_path / "b.jsonl", [later])], store)  # a new run, a fresh index
    assert store.article("later").status == "duplicate"
    assert store.article("later").story_id == "first"


def test_reingesting_the_same_inputs_changes_nothing(tmp_path, store):
    feed = write_jsonl(tmp_path / "f.jsonl", [article(i, relevant=i % 4 == 0) for i in range(20)],
                       bad_lines=(3,))
    run([feed], store)
    before = store.canonical_dump()
    ingested_at = {a.id: a.ingested_at for a in store.articles()}
    summary, _ = run([feed], store)
    assert summary.unchanged == 20 and summary.stored == 0 and summary.events == 0
    assert store.canonical_dump() == before
    assert {a.id: a.ingested_at for a in store.articles()} == ingested_at
    assert store.failures()[0].count == 2  # the failure is seen again, not recorded twice


def test_same_id_with_different_content_becomes_a_new_version(tmp_path, store):
    run([write_jsonl(tmp_path / "a.jsonl", [article(1, text="First text about rates.")])], store)
    run([write_jsonl(tmp_path / "b.jsonl", [article(1, text="Corrected text about prices.")])],
        store)
    assert [(a.id, a.text) for a in store.articles()] == [
        ("a0001", "First text about rates."), ("a0001~2", "Corrected text about prices.")]
    # Both versions again: nothing new.
    summary, _ = run([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], store)
    assert summary.unchanged == 2 and store.counts()["articles"] == 2


def test_exact_copy_under_another_id_is_kept_as_a_source(tmp_path, store):
    text = WEAPONS.format(n=7)
    records = [dict(article(1, text=text), id="reuters-1"),
               dict(article(2, text=text), id="yahoo-9", url="https://yahoo.example/9")]
    summary, _ = run([write_jsonl(tmp_path / "f.jsonl", records)], store)
    assert summary.stored == 1 and summary.duplicates == 1
    assert store.counts()["articles"] == 1 and store.counts()["duplicates"] == 1
    assert [s["id"] for s in store.story_sources("reuters-1")] == ["reuters-1", "yahoo-9"]
    summary, _ = run([tmp_path / "f.jsonl"], store)
    assert summary.unchanged == 2 and summary.duplicates == 0


def test_each_batch_commits_atomically_and_a_rerun_completes_it(tmp_path, tmp_path_factory):
    records = [article(i, relevant=True) for i in range(6)]
    feed = write_jsonl(tmp_path / "f.jsonl", records)
    with Store(str(tmp_path / "crash.db")) as crashed:
        with pytest.raises(Crash, match="extractor crashed"):
            run([feed], crashed, fake_components(extractor=FailingExtractor), batch_size=2)
        # Batch 1 is whole; nothing of batch 2 (its articles, stories or events) is there.
        assert [a.id for a in crashed.articles()] == ["a0000", "a0001"]
        assert {e.article for e in crashed.events()} == {"a0000", "a0001"}
        assert crashed.counts()["stories"] == 2
        run([feed], crashed, batch_size=2)
        resumed = crashed.canonical_dump()
    with Store(str(tmp_path / "clean.db")) as clean:
        run([feed], clean, batch_size=2)
        assert clean.canonical_dump() == resumed


def test_input_is_streamed_and_committed_while_it_is_read(tmp_path, store):
    seen_committed: list[int] = []

    def endless_reader(paths: list[str], options: Any) -> Iterator[Article]:
        for i in range(3000):
            if i == 2500:
                seen_committed.append(store.counts()["articles"])
            yield Article(id=f"n{i}", text=FILLER.format(n=i), published=date(2020, 1, 1))

    comp = fake_components()
    comp.read_inputs = endless_reader
    summary, _ = run(["unused"], store, comp, batch_size=4, max_items=100)
    assert summary.read == 3000 and store.counts()["skipped"] == 3000
    # Batches were written long before the input ended: nothing waits for the whole input.
    assert seen_committed and seen_committed[0] >= 2000


def test_relevant_articles_go_to_the_extractor_in_batches_in_input_order(tmp_path, store):
    records = [article(i, relevant=i % 2 == 0) for i in range(14)]
    run([write_jsonl(tmp_path / "f.jsonl", records)], store, batch_size=3)
    assert FakeExtractor.calls == [["a0000", "a0002", "a0004"], ["a0006", "a0008", "a0010"],
                                   ["a0012"]]


def test_worker_processes_give_the_same_register(tmp_path):
    records = [article(i, relevant=i % 2 == 0) for i in range(40)]
    feed = write_jsonl(tmp_path / "f.jsonl", records)
    dumps = []
    for workers in (1, 2):
        with Store(str(tmp_path / f"w{workers}.db")) as st:
            summary, _ = run([feed], st, workers=workers, batch_size=4)
            assert summary.events == 20
            dumps.append(st.canonical_dump())
        if workers == 2:  # the extraction ran in the worker processes, not here
            assert FakeExtractor.calls == []
        FakeExtractor.calls = []
    assert dumps[0] == dumps[1]


def test_missing_publication_date_is_a_failure_unless_supplied(tmp_path, store):
    undated = tmp_path / "undated.txt"
    undated.write_text("A title\n\nno date here\n\nThe frigate sailed.\n", encoding="utf-8")
    summary, err = run([undated], store)
    assert summary.failed == 1 and "no publication date" in err
    summary, err = run([undated], store, published=date(2021, 3, 4))
    assert summary.failed == 0 and store.article("undated").published == date(2021, 3, 4)


def test_deals_are_rebuilt_at_the_end_of_a_run(tmp_path, store):
    pytest.importorskip("armstrack.register")
    run([write_jsonl(tmp_path / "f.jsonl", [article(i, relevant=True) for i in range(3)])], store)
    assert not store.deals_stale
    deals = store.deals()
    assert {(d.supplier, d.recipient) for d in deals} == {("RUS", "TUR")}
    assert store.counts()["deals"] == len(deals) >= 1
    ids = store.deal_event_ids(deals[0].id)
    assert ids and all("#" in i for i in ids)


def test_summary_line_is_readable() -> None:
    from armstrack.runner import IngestSummary

    s = IngestSummary(read=10, stored=8, extracted=2, skipped=6, duplicates=1, unchanged=1,
                      failed=1, events=3, deals=1, seconds=2.0)
    assert s.line() == (
        "10 articles read in 2.0s (5/s), 8 new, 2 extracted (3 events), 6 skipped, "
        "1 duplicates, 1 unchanged, 1 failed, 1 deals in the register"
    )


def test_an_article_the_rules_fail_on_is_a_failure_not_a_crash(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from armstrack.cli.main import cli
    from armstrack.events import extract as extract_module

    original = extract_module.ArticleExtractor.extract

    def failing(self, article, doc):
        if article.id == "bad":
            raise ValueError("rule crashed")
        return original(self, article, doc)

    monkeypatch.setattr(extract_module.ArticleExtractor, "extract", failing)
    source = tmp_path / "in.jsonl"
    lines = [{"id": name, "title": "t", "published": "2018-10-05", "url": None,
              "text": "Russia signed a contract to sell S-400 missile systems to India."}
             for name in ("bad", "good")]
    lines[1]["text"] += " India will buy Rafale jets from France."
    source.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--workers", "1", str(source)])
    assert result.exit_code == 1
    assert "rule crashed" in result.stderr
    store = Store(str(db))
    assert {a.id for a in store.articles()} == {"bad", "good"}
    assert {e.article for e in store.events()} == {"good"}
    failures = list(store.failures())
    assert len(failures) == 1 and "rule crashed" in failures[0].reason
