"""Exports: every format from one register; Parquet and GraphML read back as the same register."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import networkx as nx
import pyarrow.parquet as pq
import pytest

from analysis_helpers import small_register
from armstrack.analysis import EXPORT_FORMATS, export_register, flat_rows, snapshot


def test_parquet_round_trip_has_the_registers_rows() -> None:
    register = small_register()
    for what in ("deals", "events", "articles"):
        table = pq.read_table(io.BytesIO(export_register(register, "parquet", what=what)))
        rows, columns = flat_rows(register, what)
        assert table.column_names == list(columns)
        assert table.num_rows == len(rows)
    deals = pq.read_table(io.BytesIO(export_register(register, "parquet"))).to_pylist()
    assert [(d["supplier"], d["recipient"], d["system"], d["status"]) for d in deals] == [
        (d.supplier, d.recipient, d.system, d.status) for d in register.deals
    ]
    s400 = deals[0]
    assert s400["events"] == register.deals[0].events
    assert s400["first_reported"] == date(2017, 12, 29)
    assert s400["quantity"] == 4.0
    assert s400["variants"] == ["S-400 Triumf"]


def test_graphml_round_trip_has_the_registers_nodes_and_edges() -> None:
    register = small_register()
    graph = nx.read_graphml(io.BytesIO(export_register(register, "graphml")), force_multigraph=True)
    parties = {p for d in register.deals for p in (d.supplier, d.recipient)}
    assert set(graph.nodes) == parties
    edges = {(u, v, k) for u, v, k in graph.edges(keys=True)}
    assert edges == {(d.supplier, d.recipient, d.key) for d in register.deals}
    assert graph.nodes["TUR"]["receives"] == 2
    assert graph.edges["RUS", "TUR", "RUS:TUR:S-400"]["status"] == "delivering"


def test_text_formats() -> None:
    register = small_register()
    plain = export_register(register, "csv").decode("utf-8")
    excel = export_register(register, "excel")
    assert excel.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel
    assert list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig")))) == list(
        csv.DictReader(io.StringIO(plain))
    )
    lines = export_register(register, "jsonl").decode().splitlines()
    assert [json.loads(line)["key"] for line in lines] == [d.key for d in register.deals]
    payload = json.loads(export_register(register, "json"))
    assert list(payload) == ["articles", "events", "deals"]
    with pytest.raises(ValueError):
        export_register(register, "docx")
    assert set(EXPORT_FORMATS) >= {"csv", "excel", "json", "jsonl", "parquet", "graphml", "sipri"}


def test_sipri_export_follows_the_inclusion_rule() -> None:
    register = small_register()

    def keys(include: str) -> list[str]:
        text = export_register(register, "sipri", include=include).decode()
        return [r["Deal"] for r in csv.DictReader(io.StringIO(text))]

    assert keys("ordered") == ["RUS:TUR:S-400"]  # F-35: cancelled, never ordered in the news
    assert keys("delivering") == ["RUS:TUR:S-400"]
    assert keys("all") == ["RUS:TUR:S-400", "USA:TUR:F-35"]
    row = next(csv.DictReader(io.StringIO(export_register(register, "sipri").decode())))
    assert row["Recipient"] == "Turkey" and row["Supplier"] == "Russia"
    assert row["Year of order"] == "2017" and row["Number ordered"] == "4"
    assert row["Year(s) of delivery"] == "2018-2019"
    assert "https://wire.example.org/a1" in row["Sources"]
    assert "https://paper.example.org/a2" in row["Sources"]
    early = export_register(snapshot(register, date(2018, 1, 1)), "sipri").decode()
    assert "2018-2019" not in early and "Turkey" in early
