"""What changed in the register between two dates, and the same as an Atom feed.

The register at a date is :func:`armstrack.analysis.snapshot.snapshot`: the
deals built from the articles published by then. A change is a deal whose
*state* (:func:`deal_state`: status, sources, disagreements, variants,
quantity, value) differs between the snapshot at ``since`` and the one at
``until``; it names what moved (``appeared``, ``status``, ``sources``,
``disagreement``, ``details``) and the claims that moved it: the deal's
claims from articles published after ``since``, the one that set the new
status first.

Consistency, by construction and checked by a property test: the states of
the snapshot at D1, updated with the ``after`` states of the changes since D1,
equal the states of the snapshot at D2 (:func:`apply_changes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from armstrack.analysis.snapshot import Register, event_ids, snapshot
from armstrack.model import http_url
from armstrack.register import STAGE_OF_TYPE, Deal, TimelineEntry

__all__ = [
    "DealChange",
    "apply_changes",
    "atom_feed",
    "changes_report",
    "changes_since",
    "deal_state",
    "register_state",
]

def deal_state(deal: Deal, ids: Sequence[str]) -> dict[str, Any]:
    """What a reader of the register sees of a deal, independent of event positions.

    ``ids`` are :func:`event_ids` of the events the deal indexes, so that
    disagreements compare across snapshots. JSON-ready.
    """
    return {
        "status": deal.status,
        "sources": sorted(s.article for s in deal.sources),
        "disagreements": sorted(
            f"{d.kind}:{d.type}:{ids[d.events[0]]}|{ids[d.events[1]]}" for d in deal.disagreements
        ),
        "variants": sorted(deal.variants),
        "quantity": deal.quantity.to_json() if deal.quantity else None,
        "value": deal.value.to_json() if deal.value else None,
    }


def register_state(register: Register) -> dict[str, dict[str, Any]]:
    """Deal key -> :func:`deal_state` for every deal of a register (or snapshot)."""
    ids = event_ids(register.events)
    return {d.key: deal_state(d, ids) for d in register.deals}


@dataclass
class DealChange:
    """One deal that changed between two dates.

    ``kinds`` ⊆ {appeared, status, sources, disagreement, details}; ``before``
    is None for a deal that appeared; ``claims`` are the deal's new claims
    (timeline entries from articles published after ``since``), the one that
    moved the status first.
    """

    key: str
    deal: int | None
    kinds: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any]
    claims: list[TimelineEntry] = field(default_factory=list)
    updated: date | None = None  # the latest publication date among the new claims

    @property
    def summary(self) -> str:
        """One line: what happened to the deal."""
        parts = []
        if "appeared" in self.kinds:
            parts.append(f"new deal ({self.after['status']})")
        if "status" in self.kinds and self.before is not None:
            parts.append(f"status {self.before['status']} -> {self.after['status']}")
        if "sources" in self.kinds and self.before is not None:
            gained = len(set(self.after["sources"]) - set(self.before["sources"]))
            parts.append(f"{gained} new source(s)")
        if "disagreement" in self.kinds:
            old = set(self.before["disagreements"]) if self.before else set()
            parts.append(f"{len(set(self.after['disagreements']) - old)} new disagreement(s)")
        if "details" in self.kinds:
            parts.append("quantity, value or variants changed")
        return f"{self.key}: " + "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "deal": self.deal,
            "kinds": list(self.kinds),
            "summary": self.summary,
            "updated": self.updated.isoformat() if self.updated else None,
            "before": self.before,
            "after": self.after,
            "claims": [_claim_json(t) for t in self.claims],
        }


#: The fields of a timeline entry (``TimelineEntry.to_json``) that a change reports.
_CLAIM_FIELDS = ("type", "modality", "time", "quantity", "source", "evidence", "article",
                 "title", "url", "published")


def _claim_json(entry: TimelineEntry) -> dict[str, Any]:
    full = entry.to_json()
    return {name: full[name] for name in _CLAIM_FIELDS}


def _kinds(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    if before is None:
        return ["appeared"]
    kinds = []
    if before["status"] != after["status"]:
        kinds.append("status")
    if set(after["sources"]) - set(before["sources"]):
        kinds.append("sources")
    if set(after["disagreements"]) - set(before["disagreements"]):
        kinds.append("disagreement")
    if any(before[k] != after[k] for k in ("variants", "quantity", "value")):
        kinds.append("details")
    if not kinds and before != after:  # e.g. a source or disagreement lost: still a change
        kinds.append("details")
    return kinds


def _moving_claims(deal: Deal, since: date, status: str) -> list[TimelineEntry]:
    """The deal's claims reported after ``since``; those that reach the new status first."""
    new = [t for t in deal.timeline if t.published is not None and t.published > since]

    def moved_status(t: TimelineEntry) -> bool:
        if not t.event.is_realis:
            return False
        if t.event.type == "cancellation":
            return status == "cancelled"
        stage = STAGE_OF_TYPE.get(t.event.type)
        return stage == status or (stage == "delivering" and status == "delivered")

    return sorted(new, key=lambda t: (not moved_status(t), t.published, t.index))


def changes_since(register: Register, since: date, until: date | None = None) -> list[DealChange]:
    """Deals that appeared or changed between the snapshot at ``since`` and at ``until``.

    ``until`` defaults to the whole register. Sorted by the latest publication
    date of the new claims (newest first), then key.
    """
    before_reg = snapshot(register, since)
    after_reg = snapshot(register, until) if until is not None else register
    before = register_state(before_reg)
    after_ids = event_ids(after_reg.events)
    found = []
    for deal in after_reg.deals:
        state = deal_state(deal, after_ids)
        old = before.get(deal.key)
        if old == state:
            continue
        claims = _moving_claims(deal, since, state["status"])
        days = [t.published for t in claims if t.published is not None]
        found.append(
            DealChange(
                key=deal.key,
                deal=deal.id,
                kinds=_kinds(old, state),
                before=old,
                after=state,
                claims=claims,
                updated=max(days) if days else None,
            )
        )
    return sorted(found, key=lambda c: (-(c.updated or date.min).toordinal(), c.key))


def changes_report(register: Register, since: date, until: date | None = None) -> dict[str, Any]:
    """What ``armstrack changes --format json`` prints (and the web face serves).

    ``{"since": ISO date, "until": ISO date | None, "changes": [DealChange.to_json()...]}``.
    """
    return {
        "since": since.isoformat(),
        "until": until.isoformat() if until else None,
        "changes": [c.to_json() for c in changes_since(register, since, until)],
    }


def apply_changes(
    states: Mapping[str, dict[str, Any]], changes: Sequence[DealChange]
) -> dict[str, dict[str, Any]]:
    """A register state moved forward by changes (what a feed reader reconstructs)."""
    out = dict(states)
    for change in changes:
        out[change.key] = change.after
    return out


# --------------------------------------------------------------------------- Atom

_ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(
    changes: Sequence[DealChange],
    since: date,
    feed_id: str = "urn:armstrack:changes",
    title: str = "armstrack: changes in the arms-transfer register",
    link: str | None = None,
) -> str:
    """An Atom 1.0 document (RFC 4287) with one entry per change; UTF-8 XML text.

    Entry ids are ``urn:armstrack:change:KEY:DATE`` (the key's spaces encoded),
    stable across runs, so a reader shows an entry once per change.
    """
    ET.register_namespace("", _ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def stamp(day: date | None) -> str:
        return datetime.combine(day or since, datetime.min.time(), UTC).isoformat().replace(
            "+00:00", "Z"
        )

    feed = ET.Element(f"{{{_ATOM}}}feed")
    sub(feed, "id", f"{feed_id}:{since.isoformat()}")
    sub(feed, "title", f"{title} since {since.isoformat()}")
    newest = max((c.updated for c in changes if c.updated), default=since)
    sub(feed, "updated", stamp(newest))
    author = sub(feed, "author")
    sub(author, "name", "armstrack")
    if link:
        sub(feed, "link", href=link, rel="self")
    for change in changes:
        entry = sub(feed, "entry")
        day = change.updated or since
        slug = change.key.replace(" ", "%20")
        sub(entry, "id", f"urn:armstrack:change:{slug}:{day.isoformat()}")
        sub(entry, "title", change.summary)
        sub(entry, "updated", stamp(day))
        for claim in change.claims:
            if http_url(claim.url):  # an article's javascript: or data: URL is no link
                sub(entry, "link", href=http_url(claim.url), rel="related")
        lines = [change.summary, ""]
        for claim in change.claims:
            ev = claim.event
            when = claim.published.isoformat() if claim.published else "undated"
            who = f" ({ev.source})" if ev.source else ""
            lines.append(f"{when} {ev.type} ({ev.modality}){who}: {ev.evidence}")
            cited = claim.title or ev.article
            lines.append(f"    {cited} {claim.url}" if claim.url else f"    {cited}")
        sub(entry, "content", "\n".join(lines), type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
