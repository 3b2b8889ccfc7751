"""Changes since a date, snapshots, and the Atom feed: the snapshot at D1 plus the changes
since D1 is the snapshot at D2, for any register and any two dates (a property test)."""

from __future__ import annotations

from datetime import date, timedelta

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis_helpers import article, small_register
from armstrack.analysis import (
    apply_changes,
    atom_feed,
    changes_since,
    make_register,
    register_state,
    snapshot,
)
from armstrack.model import Event, Interval, Quantity

_DEALS = [("RUS", "TUR", "S-400"), ("USA", "POL", "Patriot"), ("FRA", "IND", "Rafale")]
_TYPES = ["negotiation", "contract", "delivery", "deployment", "cancellation"]
_MODALITIES = ["asserted", "asserted", "planned", "negated"]
_START = date(2015, 1, 1)

claims = st.tuples(
    st.integers(0, len(_DEALS) - 1),
    st.sampled_from(_TYPES),
    st.sampled_from(_MODALITIES),
    st.one_of(st.none(), st.integers(2014, 2024)),
    st.one_of(st.none(), st.integers(1, 60)),
)
reports = st.lists(
    st.tuples(st.integers(0, 3000), st.lists(claims, min_size=1, max_size=3)),
    min_size=1,
    max_size=12,
)


def _register(drawn: list) -> object:
    articles, events = [], []
    for n, (day, items) in enumerate(drawn):
        aid = f"r{n:02d}"
        articles.append(article(aid, _START + timedelta(days=day)))
        for deal, kind, modality, year, number in items:
            supplier, recipient, system = _DEALS[deal]
            time = Interval(date(year, 1, 1), date(year, 12, 31), str(year)) if year else None
            events.append(
                Event(aid, kind, modality, supplier, recipient, system=system, time=time,
                      quantity=Quantity(number, "unit") if number else None,
                      evidence=f"{kind} {modality} {year}")
            )
    return make_register(articles, events)


@settings(max_examples=60, deadline=None)
@given(reports, st.integers(0, 3000), st.integers(0, 3000))
def test_snapshot_plus_changes_is_the_later_snapshot(drawn: list, d1: int, d2: int) -> None:
    register = _register(drawn)
    first, second = sorted((_START + timedelta(days=d1), _START + timedelta(days=d2)))
    before = register_state(snapshot(register, first))
    after = register_state(snapshot(register, second))
    found = changes_since(register, first, second)
    assert apply_changes(before, found) == after
    # Only deals that changed are reported, each with what moved it.
    for change in found:
        assert before.get(change.key) != after[change.key]
        assert change.kinds
        assert all(first < c.published <= second for c in change.claims)


def test_changes_name_what_moved_each_deal() -> None:
    register = small_register()
    found = {c.key: c for c in changes_since(register, date(2018, 1, 1))}
    s400 = found["RUS:TUR:S-400"]
    assert s400.kinds == ["status", "sources", "disagreement", "details"]
    assert (s400.before["status"], s400.after["status"]) == ("contracted", "delivering")
    assert s400.claims[0].event.type == "delivery" and s400.claims[0].event.is_realis
    f35 = found["USA:TUR:F-35"]
    assert f35.kinds == ["status", "sources"]
    assert f35.claims[0].event.type == "cancellation"
    assert changes_since(register, date(2020, 1, 1)) == []
    appeared = changes_since(register, date(2017, 1, 1), date(2018, 1, 1))
    assert [(c.key, c.kinds) for c in appeared] == [
        ("RUS:TUR:S-400", ["appeared"]),
        ("USA:TUR:F-35", ["appeared"]),
    ]


def test_atom_feed_is_valid_and_has_an_entry_per_change() -> None:
    register = small_register()
    found = changes_since(register, date(2018, 1, 1))
    feed = feedparser.parse(atom_feed(found, date(2018, 1, 1)))
    assert not feed.bozo
    assert feed.version == "atom10"
    assert len(feed.entries) == len(found) == 2
    assert {e.id for e in feed.entries} == {
        "urn:armstrack:change:RUS:TUR:S-400:2019-07-12",
        "urn:armstrack:change:USA:TUR:F-35:2019-07-17",
    }
    assert all(e.updated and e.title for e in feed.entries)
    s400 = next(e for e in feed.entries if "S-400" in e.id)
    assert "arrived on Friday" in s400.summary
    assert s400.links[0].href == "https://paper.example.org/a2"
