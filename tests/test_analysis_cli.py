"""``changes``, ``export --as-of`` and the export formats through the command line, on a register
ingested from the forecast sequence (tests/data/forecasts)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import feedparser
import networkx as nx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from armstrack.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("analysis-cli") / "register.db")
    result = _run("--db", path, "ingest", str(ROOT / "tests" / "data" / "forecasts"))
    assert result.exit_code == 0, result.output
    return path


def _deals_as_of(db: str, day: str) -> dict[str, dict]:
    result = _run("--db", db, "export", "--format", "json", "--what", "deals", "--as-of", day)
    assert result.exit_code == 0, result.output
    return {d["key"]: d for d in json.loads(result.stdout)}


def _state(deal: dict) -> tuple:
    return (deal["status"], sorted(s["article"] for s in deal["sources"]))


def test_export_as_of_plus_changes_since_is_export_as_of_later(db: str) -> None:
    first, second = "2018-12-31", "2019-12-31"
    before, after = _deals_as_of(db, first), _deals_as_of(db, second)
    assert set(before) == {"RUS:TUR:S-400", "RUS:IND:S-400", "USA:TUR:F-35"}
    result = _run("--db", db, "changes", "--since", first, "--until", second, "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    moved = {c["key"]: (c["after"]["status"], c["after"]["sources"]) for c in changes}
    rebuilt = {key: _state(d) for key, d in before.items()} | moved
    assert rebuilt == {key: _state(d) for key, d in after.items()}
    kinds = {c["key"]: c["kinds"] for c in changes}
    assert kinds["USA:TUR:F-35"] == ["status", "sources"]  # cancelled by the July 2019 report
    assert kinds["FRA:IND:Rafale"] == ["appeared"]
    f35 = next(c for c in changes if c["key"] == "USA:TUR:F-35")
    assert f35["claims"][0]["type"] == "cancellation"
    assert f35["claims"][0]["article"] == "f6_turkey-removed-from-f35"


def test_changes_table_and_atom_file(db: str, tmp_path: Path) -> None:
    table = _run("--db", db, "changes", "--since", "2019-07-13")
    assert table.exit_code == 0, table.output
    assert "USA:TUR:F-35" in table.stdout and "cancelled" in table.stdout
    feed_path = tmp_path / "changes.atom"
    result = _run("--db", db, "changes", "--since", "2019-07-13", "--format", "atom",
                  "-o", str(feed_path))
    assert result.exit_code == 0 and result.stdout == ""
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo and feed.version == "atom10"
    assert any("USA:TUR:F-35" in e.title for e in feed.entries)


def test_every_export_format_to_a_file(db: str, tmp_path: Path) -> None:
    deals = _deals_as_of(db, "2030-01-01")
    for fmt, suffix in (("parquet", "parquet"), ("graphml", "graphml"), ("excel", "csv"),
                        ("jsonl", "jsonl"), ("sipri", "csv")):
        out = tmp_path / f"register.{suffix}"
        result = _run("--db", db, "export", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, (fmt, result.output)
        assert out.stat().st_size > 0
    assert pq.read_table(tmp_path / "register.parquet").num_rows == len(deals)
    graph = nx.read_graphml(tmp_path / "register.graphml", force_multigraph=True)
    assert {k for _, _, k in graph.edges(keys=True)} == set(deals)
    assert (tmp_path / "register.csv").read_bytes()  # sipri, written last
    sipri_rows = list(csv.DictReader(io.StringIO((tmp_path / "register.csv").read_text())))
    # SIPRI's rule: ordered or delivering; not the F-35s (cancelled before any order) nor Ka-226
    assert {r["Deal"] for r in sipri_rows} == {"FRA:IND:Rafale", "RUS:IND:S-400", "RUS:TUR:S-400"}
    assert all(r["Sources"].startswith("https://") for r in sipri_rows)
    everything = _run("--db", db, "export", "--format", "sipri", "--include", "all")
    assert {r["Deal"] for r in csv.DictReader(io.StringIO(everything.stdout))} == set(deals)
    delivering = _run("--db", db, "export", "--format", "sipri", "--include", "delivering")
    assert {r["Deal"] for r in csv.DictReader(io.StringIO(delivering.stdout))} == {
        "FRA:IND:Rafale", "RUS:IND:S-400", "RUS:TUR:S-400"}


def test_export_refuses_what_with_graph_formats(db: str) -> None:
    result = _run("--db", db, "export", "--format", "graphml", "--what", "events")
    assert result.exit_code == 2 and "--what does not apply" in result.output
