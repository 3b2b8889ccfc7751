"""Labels of the real-report corpus: their shape, their checks, and SPEC.md gold files.

A label file is JSON Lines, one line per labelled article::

    {"id": "<article id>", "labeller": "h3", "events": [<event>, ...]}

and an event is SPEC.md §5's event without the text: ``type``, ``supplier``,
``recipient``, ``actor``, ``target``, ``system`` (a name or a list of accepted
names, the knowledge base's family name first, or ``null``), ``modality``,
``time`` (``{"start", "end"}`` or ``null``), ``quantity``, ``value``,
``source``, ``offsets`` (``[start, end]`` of the evidence sentence in the
article's ``text``), and three fields of the guideline: ``inferred`` (the
participants that the evidence sentence does not name), ``optional`` (true
for a borderline event that neither rewards nor punishes) and ``note`` (the
labeller's reason, in their own words). An article with no transfer has
``"events": []``: those teach precision.

Why offsets and not sentences: the text is third-party news that stays in
``../shared/data``; offsets let the loader fill the evidence in at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from armstrack.model import MODALITIES, Article, Event, Interval
from armstrack.register.deals import build_deals

EVENT_TYPES = (
    "negotiation", "agreement", "contract", "delivery", "deployment",
    "cancellation", "sanction", "production",
)
PARTIES = ("supplier", "recipient", "actor", "target")
_FIELDS = {
    "type", "supplier", "recipient", "actor", "target", "system", "modality", "time",
    "quantity", "value", "source", "offsets", "inferred", "optional", "note",
}


class LabelError(ValueError):
    """A label line that cannot be used at all (not JSON, no id)."""


@dataclass
class ArticleLabel:
    """One labeller's events for one article, as read from a label file."""

    id: str
    labeller: str
    events: list[dict[str, Any]]
    file: str = ""
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def read_labels(paths: Iterable[Path]) -> list[ArticleLabel]:
    """Every label line of ``paths`` (files or folders of ``*.jsonl``), in order.

    Raises :class:`LabelError` naming the file and line of an unreadable line:
    a corpus with a broken line must be mended, not silently shrunk.
    """
    labels: list[ArticleLabel] = []
    for path in _label_files(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise LabelError(f"{path}:{number}: not JSON ({exc})") from exc
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                raise LabelError(f"{path}:{number}: a label line needs a string 'id'")
            events = data.get("events")
            if not isinstance(events, list):
                raise LabelError(f"{path}:{number}: 'events' must be a list ([] for none)")
            extra = {k: v for k, v in data.items() if k not in ("id", "labeller", "events")}
            labels.append(ArticleLabel(data["id"], str(data.get("labeller", "")), events,
                                       str(path), number, extra))
    return labels


def _label_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    return files


def _options(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_state(code: Any, states: set[str]) -> bool:
    return code is None or code in states


def _date_or_none(value: Any) -> bool:
    if value is None:
        return True
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def check_event(
    event: Any, text: str, states: set[str], systems: Mapping[str, str]
) -> list[str]:
    """What is wrong with one labelled event; a line starting "warning:" is advice only.

    ``systems`` maps every folded knowledge-base name of a system to its family name.
    """
    if not isinstance(event, dict):
        return ["an event must be an object"]
    problems = [f"unknown field {k!r}" for k in event if k not in _FIELDS]
    kinds = _options(event.get("type"))
    if not kinds or any(k not in EVENT_TYPES for k in kinds):
        problems.append(f"type {event.get('type')!r} is not one of {', '.join(EVENT_TYPES)}")
    for mod in _options(event.get("modality")):
        if mod not in MODALITIES:
            problems.append(f"modality {mod!r} is not one of {', '.join(MODALITIES)}")
    for name in PARTIES:
        for code in _options(event.get(name)):
            if not _is_state(code, states):
                problems.append(f"{name} {code!r} is not an ISO 3166-1 alpha-3 code")
    if "sanction" in kinds:
        if not event.get("actor") or not event.get("target"):
            problems.append("a sanction needs an actor and a target")
    elif event.get("actor") or event.get("target"):
        problems.append("only a sanction has an actor and a target")
    names = _options(event.get("system"))
    if names and names[0] is not None:
        family = systems.get(str(names[0]).casefold())
        if family is None:
            problems.append(f"warning: system {names[0]!r} is not in the knowledge base")
        elif family != names[0]:
            problems.append(f"system {names[0]!r}: put the family name {family!r} first")
    problems.extend(_check_offsets(event.get("offsets"), text))
    for time in _options(event.get("time")):
        if time is None:
            continue
        if not isinstance(time, dict) or not (_date_or_none(time.get("start"))
                                              and _date_or_none(time.get("end"))):
            problems.append(f"time {time!r} needs ISO dates or null ends")
        elif time.get("start") and time.get("end") and time["start"] > time["end"]:
            problems.append(f"time {time!r} ends before it starts")
    inferred = event.get("inferred", [])
    if not isinstance(inferred, list) or any(x not in (*PARTIES, "system") for x in inferred):
        problems.append("inferred lists participant names (supplier, recipient, ..., system)")
    if not isinstance(event.get("optional", False), bool):
        problems.append("optional is true or false")
    return problems


def _check_offsets(offsets: Any, text: str) -> list[str]:
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(isinstance(x, int) for x in offsets)):
        return ["offsets must be [start, end] character offsets into the article text"]
    start, end = offsets
    if not 0 <= start < end <= len(text):
        return [f"offsets {offsets} are outside the text (length {len(text)})"]
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return [f"offsets {offsets} start inside a word"]
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        return [f"offsets {offsets} end inside a word"]
    return []


def system_families(kb: Any) -> dict[str, str]:
    """Every folded knowledge-base name of a system -> its family name (``check_event``'s map)."""
    families = {surface.casefold(): entry.family_name or entry.name
                for surface, entry in kb.terms(all_forms=True) if entry.kind == "system"}
    families.update({e.name.casefold(): e.family_name or e.name for e in kb.entries("system")})
    return families


def check_labels(
    labels: Iterable[ArticleLabel],
    records: Mapping[str, Mapping[str, Any]],
    states: set[str],
    systems: Mapping[str, str],
    reserved: frozenset[str] = frozenset(),
) -> list[str]:
    """Every problem of ``labels``, one line each, prefixed with file and line."""
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for label in labels:
        where = f"{label.file}:{label.line}: {label.id}"
        if label.id in reserved:
            problems.append(f"{where}: reserved for the independent test, never label it")
            continue
        record = records.get(label.id)
        if record is None:
            problems.append(f"{where}: no such article in the shared data")
            continue
        key = (label.id, label.labeller)
        if key in seen:
            problems.append(f"{where}: labelled twice by {label.labeller!r} (also {seen[key]})")
        seen[key] = where
        for n, event in enumerate(label.events):
            problems.extend(f"{where}: event {n}: {p}"
                            for p in check_event(event, record["text"], states, systems))
    return problems


def _first(value: Any) -> Any:
    return _options(value)[0]


def label_event(label_event: Mapping[str, Any], article_id: str, text: str) -> Event:
    """A labelled event as an :class:`Event` (first of every list of alternatives)."""
    start, end = label_event["offsets"]
    time = _first(label_event.get("time"))
    return Event(
        article=article_id,
        type=_first(label_event["type"]),
        modality=_first(label_event.get("modality") or "asserted"),
        supplier=_first(label_event.get("supplier")),
        recipient=_first(label_event.get("recipient")),
        actor=_first(label_event.get("actor")),
        target=_first(label_event.get("target")),
        system=_first(label_event.get("system")),
        time=Interval.from_json(time) if isinstance(time, dict) else None,
        evidence=text[start:end],
        offsets=(start, end),
    )


def gold_document(
    labels: Iterable[ArticleLabel], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A SPEC.md gold file of ``labels``: articles, events with evidence, deals.

    Deals are the register's own merge (SPEC.md §5) of the gold events, so deal
    F1 and status accuracy measure extraction, not a second opinion on merging;
    a deal is optional when all its events are.
    """
    articles: list[str] = []
    gold_events: list[dict[str, Any]] = []
    events: list[Event] = []
    for label in labels:
        record = records[label.id]
        articles.append(label.id)
        for raw in label.events:
            event = label_event(raw, label.id, record["text"])
            events.append(event)
            gold = {k: v for k, v in raw.items() if k not in ("inferred", "note")}
            gold["article"] = label.id
            gold["evidence"] = event.evidence
            gold_events.append(gold)
    published = {
        label.id: Article(label.id, "", _published(records[label.id])) for label in labels
    }
    deals = []
    for deal in build_deals(events, published):
        members = [gold_events[i] for i in deal.events]
        deals.append({
            "supplier": deal.supplier, "recipient": deal.recipient, "system": deal.system,
            "status": deal.status, "events": list(deal.events),
            **({"optional": True} if all(m.get("optional") for m in members) else {}),
        })
    return {"articles": articles, "events": gold_events, "deals": deals}


def _published(record: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(record.get("published") or "")
    except ValueError:
        return None
