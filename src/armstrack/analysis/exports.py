"""The register in the formats analysts work with; every format is bytes, ready to save or serve.

One function, :func:`export_register`, so the command line (``armstrack
export``) and the web face produce byte-identical files. Schemas are in
``docs/exports.md``:

* ``csv``: flat rows of deals (or events, articles), SPEC.md names, ``;`` in lists;
* ``excel``: the same CSV with a UTF-8 byte-order mark and CRLF line ends, so
  Excel opens accents and Cyrillic names correctly on a double click;
* ``json``: SPEC.md §5's object ``{"articles", "events", "deals"}`` (or one of its lists);
* ``jsonl``: one deal (or event, article) JSON object per line;
* ``parquet``: one table of deals (or events, articles), typed: dates as
  ``date32``, lists as lists (pyarrow);
* ``graphml``: the supplier -> recipient network, one node per state, one edge
  per deal (networkx; opens in Gephi, yEd, Cytoscape);
* ``sipri``: SIPRI's trade-register columns plus the sources of each row
  (:func:`armstrack.analysis.sipri.sipri_rows`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from armstrack.analysis.names import knowledge_base
from armstrack.analysis.sipri import SIPRI_COLUMNS, sipri_rows
from armstrack.analysis.snapshot import Register
from armstrack.register import (
    ARTICLE_COLUMNS,
    DEAL_COLUMNS,
    EVENT_COLUMNS,
    article_rows,
    deal_rows,
    dumps,
    event_rows,
    extract_payload,
)

__all__ = [
    "CONTENT_TYPES",
    "EXPORT_FORMATS",
    "SUFFIXES",
    "deal_graph",
    "export_register",
    "flat_rows",
    "parquet_table",
]

EXPORT_FORMATS = ("csv", "excel", "json", "jsonl", "parquet", "graphml", "sipri")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel": "text/csv; charset=utf-8",
    "sipri": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "graphml": "application/graphml+xml",
}
SUFFIXES = {
    "csv": ".csv",
    "excel": ".csv",
    "sipri": ".csv",
    "json": ".json",
    "jsonl": ".jsonl",
    "parquet": ".parquet",
    "graphml": ".graphml",
}
#: Flat columns that hold ``;``-joined lists (typed as lists in Parquet).
_LIST_COLUMNS = {"events", "variants", "sanctions", "articles"}
_INT_COLUMNS = {"n_events", "disagreements", "index", "offset_start", "offset_end"}
_DATE_COLUMNS = {"first_reported", "last_reported", "published", "time_start", "time_end"}


def flat_rows(
    register: Register, what: str = "deals"
) -> tuple[list[dict[str, Any]], Sequence[str]]:
    """The CSV rows and columns of ``what`` (deals, events, articles), as ``export`` writes them."""
    if what == "deals":
        return list(deal_rows(register.deals)), DEAL_COLUMNS
    if what == "events":
        return list(event_rows(register.events)), EVENT_COLUMNS
    if what == "articles":
        return list(article_rows(register.articles)), ARTICLE_COLUMNS
    raise ValueError(f"nothing to export called {what!r} (deals, events, articles)")


def _csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _payload(register: Register) -> dict[str, Any]:
    """SPEC.md §5's object, plus each event's stable id (``ARTICLE#ORDINAL``) when stored."""
    payload = extract_payload(register.articles, register.events, register.deals)
    for entry, event in zip(payload["events"], register.events, strict=True):
        if event.extra.get("id"):
            entry["id"] = event.extra["id"]
    return payload


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in _LIST_COLUMNS:
            items = [v for v in str(value).split(";") if v] if value != "" else []
            out[key] = [int(v) for v in items] if key == "events" else items
        elif key in _DATE_COLUMNS:
            out[key] = date.fromisoformat(value) if value else None
        elif key in ("quantity", "value"):
            out[key] = float(value) if value != "" else None
        else:
            out[key] = None if value == "" else value
    return out


def parquet_table(register: Register, what: str = "deals") -> Any:
    """A ``pyarrow.Table`` of ``what``: the flat columns, typed (lists, dates, numbers)."""
    import pyarrow as pa

    rows, columns = flat_rows(register, what)
    typed = [_typed(r) for r in rows]
    fields = []
    for name in columns:
        if name in _LIST_COLUMNS:
            kind = pa.list_(pa.int64() if name == "events" else pa.string())
        elif name in _DATE_COLUMNS:
            kind = pa.date32()
        elif name in ("quantity", "value"):
            kind = pa.float64()
        elif name in _INT_COLUMNS or (name == "id" and what == "deals"):
            kind = pa.int64()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.Table.from_pylist(typed, schema=pa.schema(fields))


def deal_graph(register: Register) -> Any:
    """The supplier -> recipient network as a ``networkx.MultiDiGraph``.

    Nodes are parties (ISO codes) with ``label`` (the state's name) and how
    many deals they supply and receive; each deal is one edge keyed by the deal
    key, with ``system``, ``status``, ``deal`` (number), ``first_reported``,
    ``last_reported``, ``sources`` (count) and, when known, ``quantity``.
    GraphML has no null: an attribute a deal lacks is left out of its edge.
    """
    import networkx as nx

    kb = knowledge_base()
    graph = nx.MultiDiGraph(name="armstrack deals")
    for deal in register.deals:
        for party, role in ((deal.supplier, "supplies"), (deal.recipient, "receives")):
            if party not in graph:
                entry = kb.get(party) if kb is not None else None
                graph.add_node(party, label=entry.name if entry else party, supplies=0, receives=0)
            graph.nodes[party][role] += 1
        attrs: dict[str, Any] = {
            "system": deal.system,
            "status": deal.status,
            "deal": deal.id if deal.id is not None else -1,
            "first_reported": deal.first_reported.isoformat() if deal.first_reported else "",
            "last_reported": deal.last_reported.isoformat() if deal.last_reported else "",
            "sources": len(deal.sources),
        }
        if deal.quantity is not None:
            attrs["quantity"] = float(deal.quantity.value)
        graph.add_edge(deal.supplier, deal.recipient, key=deal.key, **attrs)
    return graph


def export_register(
    register: Register, fmt: str, what: str | None = None, include: str = "ordered"
) -> bytes:
    """The register as a file in ``fmt`` (one of :data:`EXPORT_FORMATS`).

    ``what`` (deals, events, articles) picks a table for the flat formats and a
    list of the JSON object (default: deals; the whole object for JSON).
    ``include`` is the SIPRI inclusion rule of the ``sipri`` format
    (ordered, delivering, all).
    """
    if fmt == "json":
        payload = _payload(register)
        return (dumps(payload if what is None else payload[what]) + "\n").encode("utf-8")
    if fmt == "jsonl":
        items = _payload(register)[what or "deals"]
        return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode("utf-8")
    if fmt in ("csv", "excel"):
        rows, columns = flat_rows(register, what or "deals")
        if fmt == "csv":
            return _csv(rows, columns).encode("utf-8")
        return _csv(rows, columns, newline="\r\n").encode("utf-8-sig")
    if fmt == "sipri":
        return _csv(sipri_rows(register.deals, include), SIPRI_COLUMNS).encode("utf-8")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        sink = io.BytesIO()
        pq.write_table(parquet_table(register, what or "deals"), sink)
        return sink.getvalue()
    if fmt == "graphml":
        import networkx as nx

        sink = io.BytesIO()
        nx.write_graphml(deal_graph(register), sink, encoding="utf-8")
        return sink.getvalue()
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
