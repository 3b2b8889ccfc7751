"""The register as data an analysis takes: articles, events, deals, and dated snapshots of it.

Every analysis (SIPRI reconciliation, forecasts, changes, exports) works on a
:class:`Register`, never on a database, so that the command line and the web
face call the same functions with either a :class:`armstrack.store.Store`
(:func:`load_register`) or plain lists (:func:`make_register`, e.g. events read
from SPEC.md's JSON).

A *snapshot* (:func:`snapshot`) is the register as it stood from the articles
published by a date: the same :func:`armstrack.register.build_deals` over the
events of those articles only. Articles without a publication date cannot be
placed in time and belong to no dated snapshot (they are in the full register).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from armstrack.model import Article, Event
from armstrack.register import Deal, build_deals

__all__ = ["Register", "event_ids", "load_register", "make_register", "snapshot"]


@dataclass
class Register:
    """Articles, their events, and the deals built from them (``Deal.events`` index ``events``).

    ``as_of`` is the date of a snapshot (None: every stored article).
    """

    articles: list[Article]
    events: list[Event]
    deals: list[Deal]
    as_of: date | None = None

    @property
    def articles_by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    def deal(self, key: str) -> Deal | None:
        """The deal ``SUPPLIER:RECIPIENT:SYSTEM`` (exact key), or None."""
        return next((d for d in self.deals if d.key == key), None)


def _plain(item: Any) -> Article:
    """The store yields ``StoredArticle``s (an ``Article`` subclass); both are fine as they are."""
    return item if isinstance(item, Article) else item.article


def event_ids(events: Sequence[Event]) -> list[str]:
    """A stable id per event: the store's ``ARTICLE#ORDINAL``, else the same form by position.

    Positions in ``events`` change between snapshots; these ids do not, so
    changes and disagreements are compared through them.
    """
    seen: dict[str, int] = {}
    out = []
    for ev in events:
        ordinal = seen.get(ev.article, 0)
        seen[ev.article] = ordinal + 1
        out.append(str(ev.extra.get("id") or f"{ev.article}#{ordinal}"))
    return out


def make_register(
    articles: Iterable[Article],
    events: Iterable[Event],
    numbers: Mapping[str, int] | None = None,
    as_of: date | None = None,
) -> Register:
    """A register from plain lists; deals are built here and numbered.

    ``numbers`` maps deal keys to the store's deal numbers; deals it does not
    name are numbered by their position in the sorted deal list.
    """
    articles = [_plain(a) for a in articles]
    events = list(events)
    deals = build_deals(events, {a.id: a for a in articles})
    for position, deal in enumerate(deals, start=1):
        deal.id = (numbers or {}).get(deal.key, position if numbers is None else None)
    return Register(articles=articles, events=events, deals=deals, as_of=as_of)


def load_register(store: Any) -> Register:
    """The whole register of a :class:`armstrack.store.Store`, deals numbered as stored.

    Deals are rebuilt from the loaded events (as the store builds them), so
    every ``Deal.events`` index points into this very ``events`` list.
    """
    numbers = {d.key: d.id for d in store.deals()}
    return make_register(store.articles(), store.events(), numbers=numbers)


def snapshot(register: Register, as_of: date) -> Register:
    """The register as it stood from the articles published on or before ``as_of``.

    Deals keep the numbers they have in ``register``; a deal has the same key
    in every snapshot, which is how snapshots are compared.
    """
    kept = [a for a in register.articles if a.published is not None and a.published <= as_of]
    ids = {a.id for a in kept}
    events = [ev for ev in register.events if ev.article in ids]
    numbers = {d.key: d.id for d in register.deals if d.id is not None}
    return make_register(kept, events, numbers=numbers, as_of=as_of)
