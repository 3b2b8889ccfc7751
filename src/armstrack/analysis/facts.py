"""What a deal's timeline says about its orders and deliveries, with the evidence for each.

SIPRI records a transfer by its order (year, number ordered) and its
deliveries (number delivered, years of delivery). The register keeps claims;
these helpers read the SIPRI-shaped facts off a deal's realis claims so that
the SIPRI export and the SIPRI comparison read them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from armstrack.register import Deal, TimelineEntry, delivery_complete

__all__ = [
    "Claim",
    "delivery_claims",
    "delivery_years",
    "number_delivered",
    "order_claims",
    "order_year",
]

#: Event types that reach a delivery: a deployment presupposes the hardware arrived.
DELIVERY_TYPES = ("delivery", "deployment")


@dataclass(frozen=True)
class Claim:
    """One realis claim of a deal, reduced to what SIPRI compares, with its evidence."""

    event: int  # index into the register's events
    type: str
    year: int | None  # the year the claim dates the event to (None: undated)
    last_year: int | None  # the interval's last year (== year for a claim within one year)
    quantity: float | None
    evidence: str
    article: str
    title: str
    url: str | None
    published: date | None
    source: str | None
    complete: bool = False  # a delivery reported finished

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "type": self.type,
            "year": self.year,
            "last_year": self.last_year,
            "quantity": self.quantity,
            "evidence": self.evidence,
            "article": self.article,
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "complete": self.complete,
        }


def _years(entry: TimelineEntry) -> tuple[int | None, int | None]:
    """The claim's own first and last year (start, else end); undated claims have none.

    The publication date is deliberately not used: "has signed" in a 2021
    report may be about a 2016 contract, and SIPRI dates by the event.
    """
    time = entry.event.time
    first = (time.start or time.end) if time is not None else None
    last = (time.end or time.start) if time is not None else None
    return (first.year if first else None), (last.year if last else None)


def _claims(deal: Deal, types: Iterable[str]) -> list[Claim]:
    wanted = set(types)
    out = []
    for entry in deal.timeline:
        ev = entry.event
        if ev.type not in wanted or not ev.is_realis:
            continue
        first, last = _years(entry)
        out.append(
            Claim(
                event=entry.index,
                type=ev.type,
                year=first,
                last_year=last,
                quantity=float(ev.quantity.value) if ev.quantity else None,
                evidence=ev.evidence,
                article=ev.article,
                title=entry.title,
                url=entry.url,
                published=entry.published,
                source=ev.source,
                complete=ev.type == "delivery" and delivery_complete(ev),
            )
        )
    return out


def order_claims(deal: Deal) -> list[Claim]:
    """Realis contracts of the deal (SIPRI's orders), in timeline order."""
    return _claims(deal, ("contract",))


def delivery_claims(deal: Deal) -> list[Claim]:
    """Realis deliveries and deployments of the deal, in timeline order."""
    return _claims(deal, DELIVERY_TYPES)


def order_year(deal: Deal) -> int | None:
    """The year of the deal's latest dated realis contract (the one ``Deal.quantity`` reads)."""
    years = [c.year for c in order_claims(deal) if c.year is not None]
    return years[-1] if years else None


def delivery_years(deal: Deal) -> tuple[int, int] | None:
    """First and last year a realis delivery (or deployment) is dated to, or None."""
    years = [c.year for c in delivery_claims(deal) if c.year is not None]
    return (min(years), max(years)) if years else None


def number_delivered(deal: Deal) -> float | None:
    """What the news says has been delivered: all ordered when a delivery is reported
    complete, else the largest number any realis delivery names (reports of
    deliveries usually give running totals or single batches; the largest is
    the safest lower bound)."""
    claims = [c for c in delivery_claims(deal) if c.type == "delivery"]
    if any(c.complete for c in claims) and deal.quantity is not None:
        return float(deal.quantity.value)
    numbers = [c.quantity for c in claims if c.quantity is not None]
    return max(numbers) if numbers else None
