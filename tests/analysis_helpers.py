"""A small register built from hand-written events (no language pipeline), for analysis tests."""

from __future__ import annotations

from datetime import date

from armstrack.analysis import Register, make_register
from armstrack.model import Article, Event, Interval, Quantity


def article(aid: str, published: date, url: str | None = None) -> Article:
    return Article(aid, f"{aid}.", published, f"Report {aid}", url, f"{aid}.txt")


def year(y: int) -> Interval:
    return Interval(date(y, 1, 1), date(y, 12, 31), str(y))


def small_register() -> Register:
    """Three reports about two deals: an order, deliveries that disagree, a cancellation."""
    a1 = article("a1", date(2017, 12, 29), "https://wire.example.org/a1")
    a2 = article("a2", date(2019, 7, 12), "https://paper.example.org/a2")
    a3 = article("a3", date(2019, 7, 17), "https://wire.example.org/a3")
    events = [
        Event("a1", "contract", "asserted", "RUS", "TUR", system="S-400", time=year(2017),
              quantity=Quantity(4, "battery"), evidence="Turkey signed for four batteries."),
        Event("a1", "delivery", "planned", "RUS", "TUR", system="S-400",
              time=Interval(date(2020, 3, 1), date(2020, 3, 31), "in March 2020"),
              source="Sergei Chemezov", evidence="Deliveries are to begin in March 2020."),
        Event("a1", "delivery", "planned", "USA", "TUR", system="F-35",
              time=Interval(None, date(2019, 11, 30), "by November 2019"),
              evidence="The first F-35s are due in Turkey by November 2019."),
        Event("a2", "delivery", "asserted", "RUS", "TUR", system="S-400",
              time=Interval(date(2019, 7, 12), date(2019, 7, 12), "on Friday"),
              evidence="The first S-400 parts arrived on Friday."),
        Event("a2", "delivery", "asserted", "RUS", "TUR", system="S-400", variant="S-400 Triumf",
              time=year(2018), evidence="A claim that parts came in 2018."),
        Event("a3", "cancellation", "asserted", "USA", "TUR", system="F-35",
              evidence="Washington removed Turkey from the F-35 programme."),
    ]
    return make_register([a1, a2, a3], events)
