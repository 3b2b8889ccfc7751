"""Shapes of real reports that the labelled corpus showed the rules misread.

Each case is one general mechanism: a contract that is only a prize sought
or competed for is talks; an order won by a maker is sold by the winner and
bought by the state it was won "from"; the buyer in a competition is never a
contender's home; one article's repeated claims are one event. Every
sentence is written for the test (true, well-known facts in our own words).
The rules are tested alone (``ARMSTRACK_LEARNED=off``) so that a retrained
model cannot hide what they do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from armstrack import pipeline
from armstrack.events.merge import merge_events
from armstrack.model import Article, Event, Interval


@pytest.fixture(scope="module")
def rules_only() -> Iterator[pipeline.Extractor]:
    patch = pytest.MonkeyPatch()
    patch.setenv("ARMSTRACK_LEARNED", "off")
    pipeline.recycle()
    yield pipeline.Extractor()
    patch.undo()
    pipeline.recycle()


def _events(extractor: pipeline.Extractor, text: str, when: date = date(2012, 2, 1)):
    [(_, events)] = list(extractor.process([Article(id="t", text=text, published=when)]))
    return events


def _kinds(events: list[Event], system: str) -> set[tuple[str, str | None, str | None]]:
    return {(e.type, e.supplier, e.recipient) for e in events if e.system == system}


@pytest.mark.parametrize("text", [
    "Boeing's Super Hornet is in the race for Brazil's fighter contract, with the Gripen "
    "and the Rafale.",
    "Dassault is fighting for an order from India for 126 Rafale jets.",
    "Brazil has been considering buying the Rafale for years.",
    "Taiwan's interest in buying more F-16 jets has angered Beijing.",
])
def test_a_prize_sought_or_competed_for_is_talks_not_a_contract(
        rules_only: pipeline.Extractor, text: str) -> None:
    system = "F/A-18" if "Hornet" in text else "F-16" if "F-16" in text else "Rafale"
    kinds = {kind for kind, _, _ in _kinds(_events(rules_only, text), system)}
    assert "contract" not in kinds


def test_a_signed_contract_stays_a_contract(rules_only: pipeline.Extractor) -> None:
    events = _events(rules_only, "India signed a contract with France for 36 Rafale jets "
                                 "in September 2016.", date(2016, 9, 24))
    assert ("contract", "FRA", "IND") in _kinds(events, "Rafale")


def test_an_order_won_by_a_maker_is_bought_by_the_state_it_was_won_from(
        rules_only: pipeline.Extractor) -> None:
    events = _events(rules_only, "France's Naval Group won an order for four Gowind corvettes "
                                 "from Egypt in 2014.", date(2014, 7, 30))
    kinds = _kinds(events, "Gowind")
    assert ("contract", "FRA", "EGY") in kinds
    assert not any(recipient == "FRA" for _, _, recipient in kinds)


def test_a_competitions_buyer_is_never_a_contenders_home(
        rules_only: pipeline.Extractor) -> None:
    text = ("South Korea's fighter competition pits the F-35 against the Eurofighter Typhoon, "
            "built by Italy's Leonardo with partners in Britain, Germany and Spain.")
    bids = [e for e in _events(rules_only, text) if e.extra.get("competition")]
    assert bids, "the contenders are bids"
    assert {e.recipient for e in bids} == {"KOR"}


def _event(modality: str, time: Interval | None = None, start: int = 0) -> Event:
    return Event(article="a", type="contract", modality=modality, supplier="FRA",
                 recipient="IND", system="Rafale", time=time, offsets=(start, start + 10))


def test_a_hedged_and_a_stated_report_of_one_contract_are_one_event() -> None:
    merged = merge_events([_event("possible", start=0), _event("asserted", start=50)],
                          by_factuality=False)
    assert len(merged) == 1
    assert merged[0].modality == "asserted"  # the fact the article states outranks the hedge
    assert merged[0].offsets == (0, 10)  # the first report's evidence


def test_a_plan_and_a_fact_at_different_times_stay_apart() -> None:
    year = Interval(date(2016, 1, 1), date(2016, 12, 31))
    later = Interval(date(2019, 1, 1), date(2019, 12, 31))
    events = [_event("asserted", year), _event("planned", later, 50)]
    assert len(merge_events(events, by_factuality=False)) == 2
    # by default, different factuality is never merged
    assert len(merge_events([_event("possible"), _event("asserted")])) == 2


def test_one_dated_and_one_undated_report_of_different_factuality_stay_apart() -> None:
    year = Interval(date(2016, 1, 1), date(2016, 12, 31))
    events = [_event("asserted", year), _event("planned", None, 50)]
    assert len(merge_events(events, by_factuality=False)) == 2
