"""Events of all articles -> deals, with a status, a timeline and the places claims disagree.

A *deal* is one (supplier, recipient, system family) triple: the unit SIPRI
counts and the unit SPEC.md §5 scores. Everything here is a pure function of
the events and their articles, deterministic (sorted output) and linear in the
number of events apart from the per-deal pairwise disagreement check, so the
store can rebuild the whole register after every ingest.

Rules (and why):

* **Keys.** ``Event.system`` already is the family's canonical name (the
  extractor maps "F-35A" to "F-35" and keeps "F-35A" in ``Event.variant``); we
  still fold case and punctuation ("S400" == "S-400") so that two spellings
  that slipped through never split a deal. Supplier and recipient are ISO
  codes and compare as they are.
* **Which events make a deal.** An event needs a system, a supplier and a
  recipient, and the supplier must differ from the recipient: a domestic
  programme is not an international transfer. ``production`` counts like any
  other type when its supplier is known: licensed production or component
  manufacture of a foreign system is part of that supplier's transfer.
* **Sanctions** never create a deal (a threat of sanctions is not a transfer).
  A sanction event attaches to every deal whose recipient is its ``target`` and
  whose system is its system (and whose supplier is not the sanctioning state
  itself). A sanction with no system attaches only when exactly one deal with
  that recipient has events from the same article, because then the article
  leaves no doubt which transfer it is about; otherwise it attaches to none.
* **Status** (SPEC.md §5): the most advanced stage any realis (asserted) event
  reached: negotiation -> ``negotiating``, agreement -> ``agreed``, contract and
  production -> ``contracted`` (licensed production presupposes a contract),
  delivery -> ``delivering``, or ``delivered`` when the event reports the
  delivery complete (:func:`delivery_complete`), deployment -> ``in_service``.
  ``cancelled`` when a realis cancellation is the latest realis event;
  ``prospective`` when there is no realis event. Sanction events never move a
  status.
* **Event time** for ordering is the interval's start, else its end, else the
  article's publication date. "Latest" compares (time, publication date) and on
  a tie a cancellation counts as the later event: news leads with the newest
  fact, and a cancellation is reported because it ends what came before it.
* **Disagreements**: two claims of the same type in the same deal disagree
  (``time``) when they come from different articles and their time intervals
  do not overlap (a delivery "planned for 2018" vs one that "began in July
  2019"), and (``modality``) when one is realis and the other negated or
  denied and the realis event happened no later than the time the negation
  speaks of (its interval's end, else its publication date): "has not yet
  delivered" in 2018 does not contradict "delivered" in 2019.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from armstrack.model import COARSE_MODALITY, Article, Event, Interval, Money, Quantity

__all__ = [
    "STAGE_OF_TYPE",
    "STATUS_ORDER",
    "Deal",
    "Disagreement",
    "Source",
    "TimelineEntry",
    "build_deals",
    "delivery_complete",
    "deal_status",
    "event_date",
    "fold_system",
]

#: Stages in the order SPEC.md §5 ranks them.
STATUS_ORDER: tuple[str, ...] = (
    "negotiating",
    "agreed",
    "contracted",
    "delivering",
    "delivered",
    "in_service",
)
_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}

#: The stage each realis event type reaches (delivery may be upgraded to "delivered").
STAGE_OF_TYPE: dict[str, str] = {
    "negotiation": "negotiating",
    "agreement": "agreed",
    "contract": "contracted",
    "production": "contracted",
    "delivery": "delivering",
    "deployment": "in_service",
}

#: Wording that says a delivery is finished, not just under way.
_COMPLETE = re.compile(
    r"\b(?:"
    r"complet(?:ed|es|ing|ion of)\s+(?:the\s+|its\s+|their\s+)?deliver"
    r"|deliver(?:y|ies)\s+(?:(?:was|were|has|have|had|is|are)\s+(?:been\s+)?)?"
    r"(?:now\s+)?(?:completed?|finished|over)"
    r"|finished\s+deliver"
    r"|fully\s+delivered"
    r"|(?:final|last)\s+(?:batch|shipment|delivery|consignment|unit|tranche)"
    r"|all\s+(?:of\s+)?(?:the\s+)?(?:\d+\s+|[a-z-]+\s+){0,4}"
    r"(?:were|have\s+been|had\s+been|are\s+now|now)\s+(?:been\s+)?delivered"
    r")",
    re.IGNORECASE,
)


def fold_system(name: str) -> str:
    """Case- and punctuation-folded system name, the deal key ("S-400" == "s400")."""
    return re.sub(r"[\W_]+", "", name.casefold())


def delivery_complete(event: Event) -> bool:
    """Whether a delivery event reports the whole delivery done.

    ``event.extra["complete"]`` (set by the extractor) wins; otherwise the
    trigger and evidence are searched for wording such as "completed delivery",
    "all ... were delivered", "final batch". Deliberately simple: a missed
    completion leaves the deal at ``delivering``, one stage short, never wrong
    in kind.
    """
    flag = event.extra.get("complete") if event.extra else None
    if flag is not None:
        return bool(flag)
    text = " ".join(part for part in (event.trigger, event.evidence) if part)
    return bool(_COMPLETE.search(text))


@dataclass(frozen=True)
class Source:
    """An article a deal was read from, with what a reader needs to look it up."""

    article: str
    title: str = ""
    url: str | None = None
    published: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "title": self.title,
            "url": self.url,
            "published": _iso(self.published),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Source:
        return cls(
            article=data["article"],
            title=data.get("title") or "",
            url=data.get("url"),
            published=_date(data.get("published")),
        )


@dataclass(frozen=True)
class Disagreement:
    """Two claims about the same deal that cannot both be right as stated."""

    kind: str  # "time" | "modality"
    type: str  # the event type both claims are about
    events: tuple[int, int]  # indices into the input event sequence
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.type,
            "events": list(self.events),
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Disagreement:
        first, second = data["events"]
        return cls(kind=data["kind"], type=data["type"], events=(first, second), note=data["note"])


@dataclass(frozen=True)
class TimelineEntry:
    """One claim on a deal's timeline: the event as one article reports it, with its source."""

    index: int  # into the input event sequence
    date: date | None  # the ordering date (time start, else end, else publication)
    event: Event
    title: str = ""
    url: str | None = None
    published: date | None = None
    disagrees_with: tuple[int, ...] = ()

    @property
    def realis(self) -> bool:
        return self.event.is_realis

    def to_json(self) -> dict[str, Any]:
        ev = self.event
        return {
            "event": self.index,
            "date": _iso(self.date),
            "type": ev.type,
            "modality": ev.modality,
            "factuality": COARSE_MODALITY.get(ev.modality, ev.modality),
            "time": ev.time.to_json() if ev.time else None,
            "variant": ev.variant,
            "quantity": ev.quantity.to_json() if ev.quantity else None,
            "value": ev.value.to_json() if ev.value else None,
            "source": ev.source,
            "evidence": ev.evidence,
            "article": ev.article,
            "title": self.title,
            "url": self.url,
            "published": _iso(self.published),
            "disagrees_with": list(self.disagrees_with),
            # Everything needed to rebuild the Event when a store reloads a deal.
            "claim": {**ev.to_json(), "confidence": ev.confidence, "extra": dict(ev.extra)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TimelineEntry:
        claim = data["claim"]
        event = Event.from_json(claim)
        event.confidence = claim.get("confidence", 1.0)
        event.extra = dict(claim.get("extra") or {})
        return cls(
            index=data["event"],
            date=_date(data.get("date")),
            event=event,
            title=data.get("title") or "",
            url=data.get("url"),
            published=_date(data.get("published")),
            disagrees_with=tuple(data.get("disagrees_with") or ()),
        )


@dataclass
class Deal:
    """A transfer of one system family from one supplier to one recipient, across all reports.

    ``events`` index into the event sequence the deal was built from (and, in
    SPEC.md's JSON, into its ``events`` list); they include attached sanction
    events, which are also listed on their own in ``sanction_events``.
    ``sanctions`` are knowledge-base flags: which of the deal's parties appear
    on sanctions lists. ``id`` is the store's number, ``None`` until stored.
    """

    supplier: str
    recipient: str
    system: str
    status: str
    first_reported: date | None = None
    last_reported: date | None = None
    events: list[int] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    quantity: Quantity | None = None
    value: Money | None = None
    sanction_events: list[int] = field(default_factory=list)
    sanctions: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    id: int | None = None

    @property
    def key(self) -> str:
        """``SUPPLIER:RECIPIENT:SYSTEM``, how a user names a deal on the command line."""
        return f"{self.supplier}:{self.recipient}:{self.system}"

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.supplier, self.recipient, fold_system(self.system))

    def to_json(self) -> dict[str, Any]:
        """SPEC.md §5's deal object (the first six fields) plus the register's extras."""
        return {
            "supplier": self.supplier,
            "recipient": self.recipient,
            "system": self.system,
            "status": self.status,
            "first_reported": _iso(self.first_reported),
            "events": list(self.events),
            "id": self.id,
            "key": self.key,
            "last_reported": _iso(self.last_reported),
            "variants": list(self.variants),
            "quantity": self.quantity.to_json() if self.quantity else None,
            "value": self.value.to_json() if self.value else None,
            "sanction_events": list(self.sanction_events),
            "sanctions": list(self.sanctions),
            "sources": [s.to_json() for s in self.sources],
            "timeline": [t.to_json() for t in self.timeline],
            "disagreements": [d.to_json() for d in self.disagreements],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Deal:
        """Inverse of :meth:`to_json`, so a store may persist a deal as one JSON document."""
        return cls(
            supplier=data["supplier"],
            recipient=data["recipient"],
            system=data["system"],
            status=data["status"],
            first_reported=_date(data.get("first_reported")),
            last_reported=_date(data.get("last_reported")),
            events=list(data.get("events") or ()),
            variants=list(data.get("variants") or ()),
            quantity=Quantity.from_json(data.get("quantity")),
            value=Money.from_json(data.get("value")),
            sanction_events=list(data.get("sanction_events") or ()),
            sanctions=list(data.get("sanctions") or ()),
            sources=[Source.from_json(s) for s in data.get("sources") or ()],
            timeline=[TimelineEntry.from_json(t) for t in data.get("timeline") or ()],
            disagreements=[Disagreement.from_json(d) for d in data.get("disagreements") or ()],
            id=data.get("id"),
        )


# --------------------------------------------------------------------------- helpers


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _published(event: Event, articles: Mapping[str, Article]) -> date | None:
    article = articles.get(event.article)
    return article.published if article else None


def event_date(event: Event, published: date | None) -> date | None:
    """When an event happens, for ordering: interval start, else end, else publication date."""
    if event.time is not None:
        if event.time.start is not None:
            return event.time.start
        if event.time.end is not None:
            return event.time.end
    return published


def _order(day: date | None) -> date:
    """Undated events sort first: they carry the least information about when."""
    return day or date.min


def _overlap(a: Interval, b: Interval) -> bool:
    """Inclusive intervals with open (``None``) ends; an interval open on both ends overlaps all."""
    a_start, a_end = a.start or date.min, a.end or date.max
    b_start, b_end = b.start or date.min, b.end or date.max
    return a_start <= b_end and b_start <= a_end


def _dated(interval: Interval | None) -> bool:
    return interval is not None and (interval.start is not None or interval.end is not None)


def deal_status(
    events: Sequence[Event],
    dates: Sequence[date | None],
    published: Sequence[date | None] | None = None,
) -> str:
    """SPEC.md §5's status of a deal from its (non-sanction) events.

    ``dates[i]`` is :func:`event_date` of ``events[i]`` and ``published[i]`` its
    article's publication date, which breaks ties between equal dates; see the
    module docstring for the rules.
    """
    pub = published if published is not None else [None] * len(events)
    realis = [i for i, ev in enumerate(events) if ev.is_realis and ev.type != "sanction"]
    if not realis:
        return "prospective"
    latest = max(
        realis,
        key=lambda i: (_order(dates[i]), _order(pub[i]), events[i].type == "cancellation", i),
    )
    if events[latest].type == "cancellation":
        return "cancelled"
    best = -1
    for i in realis:
        stage = STAGE_OF_TYPE.get(events[i].type)
        if stage is None:
            continue
        if stage == "delivering" and delivery_complete(events[i]):
            stage = "delivered"
        best = max(best, _RANK[stage])
    # Unreachable with SPEC.md's types (a deal whose only realis events are
    # cancellations is cancelled); an unknown type reaches no stage.
    return STATUS_ORDER[best] if best >= 0 else "prospective"


def _sanction_lookup() -> Callable[[str], list[str]]:
    """A cached ``party -> ["RUS: <list>", ...]`` from the knowledge base's sanctions lists.

    The knowledge base is another stage's work and optional here: without it,
    or without ``sanctions_for``, every deal simply carries no flags.
    """
    try:
        from armstrack.kb import load_kb  # optional stage, imported lazily

        lookup = load_kb().sanctions_for
    except Exception:  # a missing or broken kb costs the flags, never the register
        return lambda party: []
    cache: dict[str, list[str]] = {}

    def flags(party: str) -> list[str]:
        if party not in cache:
            try:
                found = lookup(party) if party else None
            except Exception:
                found = None
            items = [] if not found else [found] if isinstance(found, str) else list(found)
            labels = (getattr(x, "name", None) or getattr(x, "list", None) or str(x) for x in items)
            cache[party] = sorted({f"{party}: {label}" for label in labels})
        return cache[party]

    return flags


# --------------------------------------------------------------------------- build


def build_deals(events: Sequence[Event], articles: Mapping[str, Article]) -> list[Deal]:
    """Merge events from all articles into deals, sorted by supplier, recipient and system.

    Pure and deterministic: the same events and articles always give the same
    deals in the same order, with ``Deal.events`` indexing into ``events``.
    """
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    sanctions: list[int] = []
    for i, ev in enumerate(events):
        if ev.type == "sanction":
            sanctions.append(i)
            continue
        if not ev.system or not ev.supplier or not ev.recipient or ev.supplier == ev.recipient:
            continue
        key = fold_system(ev.system)
        if not key:
            continue
        groups[(ev.supplier, ev.recipient, key)].append(i)

    attached = _attach_sanctions(events, groups, sanctions)
    flags = _sanction_lookup()

    deals = []
    for key in sorted(groups):
        members = groups[key]
        deals.append(_make_deal(key, members, attached.get(key, []), events, articles, flags))
    return deals


def _attach_sanctions(
    events: Sequence[Event],
    groups: Mapping[tuple[str, str, str], list[int]],
    sanctions: Sequence[int],
) -> dict[tuple[str, str, str], list[int]]:
    """Sanction event indices per deal key; see the module docstring for the rule."""
    by_recipient: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key in groups:
        by_recipient[key[1]].append(key)
    articles_of = {key: {events[j].article for j in members} for key, members in groups.items()}
    attached: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i in sanctions:
        ev = events[i]
        if not ev.target:
            continue
        candidates = [k for k in by_recipient.get(ev.target, []) if k[0] != ev.actor]
        if ev.system:
            folded = fold_system(ev.system)
            chosen = [k for k in candidates if k[2] == folded]
        else:
            chosen = [k for k in candidates if ev.article in articles_of[k]]
            if len(chosen) != 1:
                chosen = []
        for key in chosen:
            attached[key].append(i)
    return attached


def _make_deal(
    key: tuple[str, str, str],
    members: list[int],
    sanction_members: list[int],
    events: Sequence[Event],
    articles: Mapping[str, Article],
    flags: Callable[[str], list[str]],
) -> Deal:
    supplier, recipient, _ = key
    indices = sorted(set(members) | set(sanction_members))
    published = {i: _published(events[i], articles) for i in indices}
    when = {i: event_date(events[i], published[i]) for i in indices}

    core = [events[i] for i in members]
    status = deal_status(core, [when[i] for i in members], [published[i] for i in members])

    # The name most events use (ties: alphabetical), so display is stable across runs.
    names = Counter(events[i].system for i in members)
    system = min(names, key=lambda name: (-names[name], name or ""))
    variants = sorted({v for i in indices if (v := events[i].variant) and v != system})

    # Quantity and value of the latest realis contract that reports them.
    contracts = sorted(
        (i for i in members if events[i].type == "contract" and events[i].is_realis),
        key=lambda i: (_order(when[i]), _order(published[i]), i),
    )
    quantity = next((events[i].quantity for i in reversed(contracts) if events[i].quantity), None)
    value = next((events[i].value for i in reversed(contracts) if events[i].value), None)

    days = [d for d in published.values() if d is not None]
    sources = _sources(indices, events, articles)
    disagreements = _disagreements(members, events, published, when)
    partners: dict[int, set[int]] = defaultdict(set)
    for d in disagreements:
        a, b = d.events
        partners[a].add(b)
        partners[b].add(a)

    timeline = []
    for i in sorted(indices, key=lambda i: (_order(when[i]), _order(published[i]), i)):
        article = articles.get(events[i].article)
        timeline.append(
            TimelineEntry(
                index=i,
                date=when[i],
                event=events[i],
                title=article.title if article else "",
                url=article.url if article else None,
                published=published[i],
                disagrees_with=tuple(sorted(partners.get(i, ()))),
            )
        )

    return Deal(
        supplier=supplier,
        recipient=recipient,
        system=system or "",
        status=status,
        first_reported=min(days) if days else None,
        last_reported=max(days) if days else None,
        events=indices,
        variants=variants,
        quantity=quantity,
        value=value,
        sanction_events=sorted(sanction_members),
        sanctions=sorted(set(flags(supplier)) | set(flags(recipient)) | set(flags(system or ""))),
        sources=sources,
        timeline=timeline,
        disagreements=disagreements,
    )


def _sources(
    indices: Sequence[int], events: Sequence[Event], articles: Mapping[str, Article]
) -> list[Source]:
    seen: dict[str, Source] = {}
    for i in indices:
        article_id = events[i].article
        if article_id in seen:
            continue
        article = articles.get(article_id)
        seen[article_id] = Source(
            article=article_id,
            title=article.title if article else "",
            url=article.url if article else None,
            published=article.published if article else None,
        )
    return sorted(seen.values(), key=lambda s: (_order(s.published), s.article))


def _disagreements(
    members: Sequence[int],
    events: Sequence[Event],
    published: Mapping[int, date | None],
    when: Mapping[int, date | None],
) -> list[Disagreement]:
    """Pairs of claims of the same type that contradict each other (module docstring)."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_type[events[i].type].append(i)
    found: list[Disagreement] = []
    for event_type, group in sorted(by_type.items()):
        for pos, i in enumerate(group):
            for j in group[pos + 1 :]:
                a, b = events[i], events[j]
                if (
                    a.article != b.article
                    and _dated(a.time)
                    and _dated(b.time)
                    and not _overlap(a.time, b.time)  # type: ignore[arg-type]
                ):
                    found.append(
                        Disagreement(
                            "time",
                            event_type,
                            (i, j),
                            f"{_describe(a)} vs {_describe(b)}",
                        )
                    )
                    continue
                kinds = {COARSE_MODALITY.get(a.modality), COARSE_MODALITY.get(b.modality)}
                if kinds != {"realis", "negated"}:
                    continue
                real, neg = (i, j) if a.is_realis else (j, i)
                happened = _order(when[real])
                neg_ev = events[neg]
                as_of = (neg_ev.time.end if neg_ev.time else None) or published[neg]
                if as_of is None or happened <= as_of:
                    found.append(
                        Disagreement(
                            "modality",
                            event_type,
                            (i, j),
                            f"{_describe(events[real])} vs {_describe(neg_ev)}",
                        )
                    )
    return sorted(found, key=lambda d: (d.events, d.kind))


def _describe(ev: Event) -> str:
    when = (ev.time.text or _span(ev.time)) if ev.time else "undated"
    who = f" ({ev.source})" if ev.source else ""
    return f"{ev.modality} {when} in {ev.article}{who}"


def _span(interval: Interval) -> str:
    return f"{_iso(interval.start) or '…'}..{_iso(interval.end) or '…'}"
