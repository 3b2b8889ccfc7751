"""SPEC.md §5's interchange object and flat (CSV) rows of the register.

Kept next to :func:`build_deals` so that ``extract`` (no database) and
``export`` (the whole store) print the same shape from the same code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from armstrack.model import Article, Event
from armstrack.register.deals import Deal, build_deals

__all__ = [
    "ARTICLE_COLUMNS",
    "DEAL_COLUMNS",
    "EVENT_COLUMNS",
    "article_rows",
    "deal_rows",
    "dumps",
    "event_rows",
    "extract_payload",
]


def extract_payload(
    articles: Sequence[Article],
    events: Sequence[Event],
    deals: Sequence[Deal] | None = None,
) -> dict[str, Any]:
    """``{"articles", "events", "deals"}`` exactly as SPEC.md §5 lays it out.

    ``deals`` default to :func:`build_deals` over ``events``, so their
    ``events`` indices point into the ``events`` list printed next to them.
    Deals carry the register's extra fields (timeline, sources, ...) after the
    six the spec fixes; the scorer ignores them.
    """
    if deals is None:
        deals = build_deals(events, {a.id: a for a in articles})
    return {
        "articles": [a.to_json() for a in articles],
        "events": [e.to_json() for e in events],
        "deals": [d.to_json() for d in deals],
    }


DEAL_COLUMNS: tuple[str, ...] = (
    "id",
    "supplier",
    "recipient",
    "system",
    "status",
    "first_reported",
    "last_reported",
    "n_events",
    "events",
    "variants",
    "quantity",
    "quantity_unit",
    "value",
    "currency",
    "sanctions",
    "disagreements",
    "articles",
)

EVENT_COLUMNS: tuple[str, ...] = (
    "index",
    "article",
    "type",
    "modality",
    "supplier",
    "recipient",
    "actor",
    "target",
    "system",
    "variant",
    "time_start",
    "time_end",
    "time_text",
    "quantity",
    "quantity_unit",
    "value",
    "currency",
    "source",
    "trigger",
    "offset_start",
    "offset_end",
    "evidence",
)

ARTICLE_COLUMNS: tuple[str, ...] = ("id", "title", "published", "url", "path")


def deal_rows(deals: Iterable[Deal]) -> Iterable[dict[str, Any]]:
    """One flat row per deal; list fields are joined with ``;`` (ids never contain one)."""
    for d in deals:
        yield {
            "id": d.id if d.id is not None else "",
            "supplier": d.supplier,
            "recipient": d.recipient,
            "system": d.system,
            "status": d.status,
            "first_reported": d.first_reported.isoformat() if d.first_reported else "",
            "last_reported": d.last_reported.isoformat() if d.last_reported else "",
            "n_events": len(d.events),
            "events": ";".join(str(i) for i in d.events),
            "variants": ";".join(d.variants),
            "quantity": d.quantity.value if d.quantity else "",
            "quantity_unit": d.quantity.unit if d.quantity else "",
            "value": d.value.amount if d.value else "",
            "currency": d.value.currency if d.value else "",
            "sanctions": ";".join(d.sanctions),
            "disagreements": len(d.disagreements),
            "articles": ";".join(s.article for s in d.sources),
        }


def event_rows(events: Iterable[Event]) -> Iterable[dict[str, Any]]:
    """One flat row per event, in order; ``index`` is what deals' ``events`` refer to."""
    for i, e in enumerate(events):
        t = e.time
        yield {
            "index": i,
            "article": e.article,
            "type": e.type,
            "modality": e.modality,
            "supplier": e.supplier or "",
            "recipient": e.recipient or "",
            "actor": e.actor or "",
            "target": e.target or "",
            "system": e.system or "",
            "variant": e.variant or "",
            "time_start": t.start.isoformat() if t and t.start else "",
            "time_end": t.end.isoformat() if t and t.end else "",
            "time_text": t.text if t else "",
            "quantity": e.quantity.value if e.quantity else "",
            "quantity_unit": e.quantity.unit if e.quantity else "",
            "value": e.value.amount if e.value else "",
            "currency": e.value.currency if e.value else "",
            "source": e.source or "",
            "trigger": e.trigger or "",
            "offset_start": e.offsets[0],
            "offset_end": e.offsets[1],
            "evidence": e.evidence,
        }


def article_rows(articles: Iterable[Article]) -> Iterable[dict[str, Any]]:
    for a in articles:
        yield {k: ("" if v is None else v) for k, v in a.to_json().items()}


def dumps(payload: Mapping[str, Any] | list[Any]) -> str:
    """The one JSON encoding machine output uses: UTF-8 text, stable key order, indented."""
    return json.dumps(payload, ensure_ascii=False, indent=2)
