"""``armstrack extract``, ``deals``, ``show`` and ``export`` through the command line."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from armstrack.cli.main import cli
from armstrack.model import Article, Event, Interval, Quantity
from armstrack.store import Batch, Store

ARTICLE_TEXT = """# Norway takes delivery of more F-35 jets

March 4, 2020

By Staff Writer

Norway received three more F-35A fighters from the United States on Tuesday.
The Pentagon said deliveries began in 2017.

Original url: https://example.org/norway-f35
"""


def _events_for(article: Article) -> list[Event]:
    """What a perfect extractor would read in ARTICLE_TEXT (and nothing in other articles)."""
    if "Norway" not in article.text:
        return []
    return [
        Event(
            article.id,
            "delivery",
            "asserted",
            "USA",
            "NOR",
            system="F-35",
            variant="F-35A",
            quantity=Quantity(3, "aircraft"),
            evidence="Norway received three more F-35A fighters from the United States on Tuesday.",
        ),
        Event(
            article.id,
            "delivery",
            "asserted",
            "USA",
            "NOR",
            system="F-35",
            time=Interval(date(2017, 1, 1), None, "began in 2017"),
            source="The Pentagon",
        ),
    ]


class FakeExtractor:
    """Stands in for the language pipeline: known events, so the CLI's plumbing is what's tested."""

    def __init__(self, batch_size: int = 32, n_process: int = 1) -> None:
        self.batch_size = batch_size

    def process(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        for article in articles:
            if "EXPLODE" in article.text:
                raise RuntimeError("extractor bug")
            yield article, _events_for(article)


@pytest.fixture
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    import armstrack.pipeline

    monkeypatch.setattr(armstrack.pipeline, "Extractor", FakeExtractor)


def run(*args: str, input: str | bytes | None = None):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# --------------------------------------------------------------------------- extract


def test_extract_prints_specs_json_for_a_text_article(tmp_path: Path, fake_extractor: None) -> None:
    path = tmp_path / "norway_f35.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    result = run("extract", "--format", "json", str(path))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["articles", "events", "deals"]
    (article,) = payload["articles"]
    assert article["id"] == "norway_f35"
    assert article["published"] == "2020-03-04"
    assert article["url"] == "https://example.org/norway-f35"
    assert [e["type"] for e in payload["events"]] == ["delivery", "delivery"]
    assert payload["events"][0]["article"] == "norway_f35"
    (deal,) = payload["deals"]
    assert (deal["supplier"], deal["recipient"], deal["system"], deal["status"]) == (
        "USA",
        "NOR",
        "F-35",
        "delivering",
    )
    assert deal["first_reported"] == "2020-03-04"
    assert deal["events"] == [0, 1]
    assert deal["variants"] == ["F-35A"]


def test_extract_reads_jsonl_gz_and_stdin(tmp_path: Path, fake_extractor: None) -> None:
    records = [
        {"id": "n1", "title": "Jets", "published": "2020-03-04", "url": None, "text": ARTICLE_TEXT},
        {"id": "n2", "title": "Other", "published": "2020-03-05", "url": None, "text": "Rain."},
    ]
    gz = tmp_path / "feed.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    payload = json.loads(run("extract", str(gz)).stdout)
    assert [a["id"] for a in payload["articles"]] == ["n1", "n2"]
    assert {e["article"] for e in payload["events"]} == {"n1"}

    stdin = run("extract", "--published", "2021-01-02", "-", input="Norway news.\n\nNorway jets.")
    assert stdin.exit_code == 0, stdin.stderr
    assert json.loads(stdin.stdout)["articles"][0]["published"] == "2021-01-02"


def test_extract_jsonl_prints_one_event_per_line(tmp_path: Path, fake_extractor: None) -> None:
    path = tmp_path / "norway_f35.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    result = run("extract", "--format", "jsonl", str(path))
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["article"] == "norway_f35" for line in lines)


def test_extract_reports_failures_goes_on_and_exits_1(tmp_path: Path, fake_extractor: None) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    (tmp_path / "undated.txt").write_text("# No date here\n\nJust words.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(ARTICLE_TEXT.replace("Tuesday", "EXPLODE"), encoding="utf-8")
    result = run("extract", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    payload = json.loads(result.stdout)  # stdout stays exact JSON
    assert [a["id"] for a in payload["articles"]] == ["good"]
    assert len(payload["deals"]) == 1
    errors = result.stderr.splitlines()
    assert any("undated.txt" in line for line in errors)
    assert any("bad.txt" in line and "extraction failed" in line for line in errors)
    assert any("missing.txt" in line for line in errors)


def test_extract_with_the_real_pipeline_gives_well_formed_json(tmp_path: Path) -> None:
    path = tmp_path / "norway_f35.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    result = run("extract", "--format", "json", str(path))
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [a["id"] for a in payload["articles"]] == ["norway_f35"]
    for event in payload["events"]:
        assert event["article"] == "norway_f35"
        assert {
            "type",
            "modality",
            "supplier",
            "recipient",
            "system",
            "evidence",
            "offsets",
        } <= set(event)
        start, end = event["offsets"]
        assert ARTICLE_TEXT[start:end] == event["evidence"]
    for deal in payload["deals"]:
        assert all(0 <= i < len(payload["events"]) for i in deal["events"])


# --------------------------------------------------------------------------- the store


def _article(aid: str, published: date, title: str) -> Article:
    return Article(aid, f"{title}.", published, title, f"https://example.org/{aid}", f"{aid}.txt")


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A register written through the store's own API, as ingest would."""
    path = str(tmp_path / "register.db")
    a1 = _article("a1", date(2016, 11, 21), "Turkey in talks")
    a2 = _article("a2", date(2019, 11, 26), "Deliveries under way")
    a3 = _article("a3", date(2019, 7, 20), "Turkey out of the F-35 programme")
    events = {
        "a1": [
            Event("a1", "negotiation", "asserted", "RUS", "TUR", system="S-400"),
            Event(
                "a1",
                "delivery",
                "planned",
                "RUS",
                "TUR",
                system="S-400",
                time=Interval(date(2018, 1, 1), date(2018, 12, 31), "in 2018"),
                evidence="Deliveries are planned for 2018.",
            ),
        ],
        "a2": [
            Event(
                "a2",
                "delivery",
                "asserted",
                "RUS",
                "TUR",
                system="S-400",
                time=Interval(date(2019, 7, 1), date(2019, 7, 31), "in July"),
                source="Alexander Mikheev",
                evidence="Delivery began in July.",
            ),
            Event("a2", "sanction", "threatened", actor="USA", target="TUR", system="S-400"),
        ],
        "a3": [
            Event("a3", "cancellation", "asserted", "USA", "TUR", system="F-35"),
            Event("a3", "production", "asserted", "USA", "TUR", system="F-35", variant="F-35A"),
        ],
    }
    with Store(path) as store:
        batch = Batch()
        for article in (a1, a2, a3):
            batch.add_article(article, content_hash=article.id, status="extracted")
            batch.add_events(article.id, events[article.id])
        store.write_batch(batch)
        store.rebuild_deals()
    return path


def test_deals_table_lists_every_deal(db: str) -> None:
    result = run("--db", db, "deals")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "2 deal(s)" in out
    for text in ("RUS", "TUR", "S-400", "delivering", "F-35", "cancelled", "2016-11-21"):
        assert text in out
    assert "disagreements: 1" in out


def test_deals_filters_accept_ids_names_and_variants(db: str) -> None:
    def keys(*args: str) -> list[str]:
        result = run("--db", db, "deals", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        return [d["key"] for d in json.loads(result.stdout)]

    assert keys() == ["RUS:TUR:S-400", "USA:TUR:F-35"]
    assert keys("--supplier", "RUS") == ["RUS:TUR:S-400"]
    assert keys("--supplier", "Russia") == ["RUS:TUR:S-400"]
    assert keys("--recipient", "tur", "--status", "cancelled") == ["USA:TUR:F-35"]
    assert keys("--system", "F-35A") == ["USA:TUR:F-35"]
    assert keys("--system", "s400") == ["RUS:TUR:S-400"]
    assert keys("--supplier", "FRA") == []


def test_deals_csv_has_a_header_and_a_row_per_deal(db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run("--db", db, "deals", "--format", "csv").stdout)))
    assert [(r["id"], r["supplier"], r["system"], r["status"]) for r in rows] == [
        ("1", "RUS", "S-400", "delivering"),
        ("2", "USA", "F-35", "cancelled"),
    ]


def test_show_prints_the_timeline_with_evidence_sources_and_disagreements(db: str) -> None:
    by_key = run("--db", db, "show", "RUS:TUR:S-400")
    assert by_key.exit_code == 0, by_key.output
    by_id = run("--db", db, "show", "1")
    assert by_id.stdout == by_key.stdout
    out = by_key.stdout
    assert "delivering" in out
    assert "Delivery began in July." in out and "Alexander Mikheev" in out
    assert "Deliveries are planned for 2018." in out
    assert "disagrees with" in out and "Claims that disagree" in out
    assert "Turkey in talks" in out and "https://example.org/a2" in out
    # Ordered by time: the 2018 plan comes before the July 2019 delivery.
    assert out.index("planned for 2018") < out.index("began in July")


def test_show_json_and_names(db: str) -> None:
    result = run("--db", db, "show", "Russia:tur:S400", "--format", "json")
    deal = json.loads(result.stdout)
    assert deal["key"] == "RUS:TUR:S-400"
    assert deal["id"] == 1
    assert [t["type"] for t in deal["timeline"]] == [
        "negotiation",
        "delivery",
        "delivery",
        "sanction",
    ]
    assert deal["disagreements"][0]["kind"] == "time"


def test_show_unknown_deal_is_an_error(db: str) -> None:
    result = run("--db", db, "show", "FRA:IND:Rafale")
    assert result.exit_code != 0
    assert "no deal" in result.stderr


def test_commands_refuse_a_missing_database(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.db")
    result = run("--db", missing, "deals")
    assert result.exit_code != 0
    assert "no register" in result.stderr
    assert not Path(missing).exists()


def test_export_json_is_specs_object_for_the_whole_register(db: str, tmp_path: Path) -> None:
    out = tmp_path / "register.json"
    result = run("--db", db, "export", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert list(payload) == ["articles", "events", "deals"]
    assert [a["id"] for a in payload["articles"]] == ["a1", "a2", "a3"]
    assert len(payload["events"]) == 6
    assert [(d["id"], d["key"], d["status"]) for d in payload["deals"]] == [
        (1, "RUS:TUR:S-400", "delivering"),
        (2, "USA:TUR:F-35", "cancelled"),
    ]
    for deal in payload["deals"]:
        for i in deal["events"]:
            event = payload["events"][i]
            assert event["type"] == "sanction" or event["recipient"] == deal["recipient"]


def test_export_csv_of_each_kind(db: str) -> None:
    def rows(what: str) -> list[dict[str, str]]:
        result = run("--db", db, "export", "--format", "csv", "--what", what)
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    deals = rows("deals")
    assert [d["id"] for d in deals] == ["1", "2"]
    assert deals[0]["events"].count(";") == 3  # four events, sanction included
    events = rows("events")
    assert len(events) == 6
    assert events[0]["index"] == "0" and events[0]["type"] == "negotiation"
    articles = rows("articles")
    assert [a["id"] for a in articles] == ["a1", "a2", "a3"]
    assert articles[0]["url"] == "https://example.org/a1"


def test_extract_uses_process_safe_and_reports_its_error_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class SafeExtractor(FakeExtractor):
        def process(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
            raise AssertionError("process_safe should be preferred")

        def process_safe(
            self, articles: Iterable[Article]
        ) -> Iterator[tuple[Article, list[Event] | str]]:
            for article in articles:
                if "EXPLODE" in article.text:
                    yield article, "extraction failed: ValueError: bad parse"
                else:
                    yield article, _events_for(article)

    import armstrack.pipeline

    monkeypatch.setattr(armstrack.pipeline, "Extractor", SafeExtractor)
    (tmp_path / "a.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_TEXT.replace("Tuesday", "EXPLODE"), encoding="utf-8")
    result = run("extract", str(tmp_path))
    assert result.exit_code == 1
    assert [a["id"] for a in json.loads(result.stdout)["articles"]] == ["a"]
    assert "b.txt: extraction failed: ValueError: bad parse" in result.stderr
