"""The register on its own: deal keys, status rules, sanctions, timeline, disagreements, JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from armstrack.model import Article, Event, Interval, Money, Quantity
from armstrack.register import (
    Deal,
    build_deals,
    deal_status,
    delivery_complete,
    event_date,
    extract_payload,
    fold_system,
)


def span(start: str | None, end: str | None, text: str = "") -> Interval:
    return Interval(
        date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None, text
    )


def ev(
    article: str = "a1",
    type: str = "contract",
    modality: str = "asserted",
    supplier: str | None = "USA",
    recipient: str | None = "POL",
    system: str | None = "F-35",
    **kw: object,
) -> Event:
    return Event(article, type, modality, supplier, recipient, system=system, **kw)  # type: ignore[arg-type]


ARTICLES = {
    "a1": Article("a1", "text", date(2019, 5, 1), "Poland buys jets", "https://ex.org/a1"),
    "a2": Article("a2", "text", date(2020, 2, 1), "First jets arrive", "https://ex.org/a2"),
    "a3": Article("a3", "text", date(2021, 3, 1), "Deal in doubt", None),
}


def one(events: list[Event], articles: dict[str, Article] = ARTICLES) -> Deal:
    deals = build_deals(events, articles)
    assert len(deals) == 1, [d.key for d in deals]
    return deals[0]


# --------------------------------------------------------------------------- keys


def test_variants_of_one_family_are_one_deal_and_keep_their_variant() -> None:
    deal = one(
        [
            ev(system="F-35", variant="F-35A"),
            ev(article="a2", type="delivery", system="F-35", variant="F-35B"),
            ev(article="a2", type="negotiation", system="F-35"),
        ]
    )
    assert deal.key == "USA:POL:F-35"
    assert deal.variants == ["F-35A", "F-35B"]
    assert deal.events == [0, 1, 2]


def test_spelling_of_the_system_is_folded_but_supplier_recipient_and_system_split_deals() -> None:
    events = [
        ev(system="S-400"),
        ev(system="s400"),
        ev(system="S-400", supplier="RUS"),
        ev(system="S-400", recipient="IND"),
        ev(system="Patriot"),
    ]
    deals = build_deals(events, ARTICLES)
    assert [(d.supplier, d.recipient, fold_system(d.system), d.events) for d in deals] == [
        ("RUS", "POL", "s400", [2]),
        ("USA", "IND", "s400", [3]),
        ("USA", "POL", "patriot", [4]),
        ("USA", "POL", "s400", [0, 1]),
    ]


def test_events_that_cannot_make_a_deal_are_left_out() -> None:
    events = [
        ev(system=None),
        ev(supplier=None),
        ev(recipient=None),
        ev(supplier="TUR", recipient="TUR", type="production", system="TF-X"),
    ]
    assert build_deals(events, ARTICLES) == []


def test_production_with_a_known_supplier_makes_a_deal_at_contracted() -> None:
    deal = one([ev(type="production", supplier="USA", recipient="TUR", system="F-16")])
    assert deal.status == "contracted"


def test_output_is_sorted_and_deterministic() -> None:
    events = [ev(recipient="ZAF"), ev(recipient="AUS"), ev(supplier="FRA", recipient="IND")]
    first = [d.to_json() for d in build_deals(events, ARTICLES)]
    again = [d.to_json() for d in build_deals(list(events), dict(ARTICLES))]
    assert first == again
    assert [d["key"] for d in first] == ["FRA:IND:F-35", "USA:AUS:F-35", "USA:ZAF:F-35"]


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("event_type", "status"),
    [
        ("negotiation", "negotiating"),
        ("agreement", "agreed"),
        ("contract", "contracted"),
        ("production", "contracted"),
        ("delivery", "delivering"),
        ("deployment", "in_service"),
        ("cancellation", "cancelled"),
    ],
)
def test_each_realis_event_type_reaches_its_stage(event_type: str, status: str) -> None:
    assert one([ev(type=event_type)]).status == status


def test_status_is_the_most_advanced_realis_stage_whatever_the_order() -> None:
    deal = one(
        [
            ev(article="a2", type="delivery", time=span("2020-01-01", "2020-01-31")),
            ev(article="a1", type="contract"),
            ev(article="a3", type="negotiation"),
        ]
    )
    assert deal.status == "delivering"


def test_irrealis_and_negated_events_do_not_move_the_status() -> None:
    deal = one(
        [
            ev(type="negotiation"),
            ev(type="contract", modality="planned"),
            ev(type="delivery", modality="possible"),
            ev(type="deployment", modality="negated"),
            ev(type="cancellation", modality="denied"),
        ]
    )
    assert deal.status == "negotiating"


@pytest.mark.parametrize("modality", ["planned", "hoped", "possible", "threatened", "negated"])
def test_a_deal_without_realis_events_is_prospective(modality: str) -> None:
    assert one([ev(type="delivery", modality=modality)]).status == "prospective"


def test_delivery_reported_complete_is_delivered() -> None:
    complete = ev(type="delivery", evidence="Russia completed delivery of the second regiment.")
    assert delivery_complete(complete)
    assert one([complete]).status == "delivered"
    assert delivery_complete(ev(type="delivery", evidence="The final batch arrived in May."))
    assert delivery_complete(ev(type="delivery", evidence="All 32 jets have been delivered."))
    assert delivery_complete(ev(type="delivery", extra={"complete": True}))
    began = ev(type="delivery", evidence="Delivery of the S-400 parts began in July.")
    assert not delivery_complete(began)
    # The extractor's flag wins over wording.
    assert not delivery_complete(ev(type="delivery", evidence="final batch", extra={"complete": 0}))


def test_cancelled_when_a_realis_cancellation_is_the_latest_realis_event() -> None:
    deal = one(
        [
            ev(article="a1", type="contract", time=span("2019-04-01", "2019-04-30")),
            ev(article="a3", type="cancellation"),  # undated: its publication date, 2021
        ]
    )
    assert deal.status == "cancelled"


def test_not_cancelled_when_the_deal_went_on_after_the_cancellation() -> None:
    deal = one(
        [
            ev(article="a1", type="cancellation", time=span("2019-01-01", "2019-01-31")),
            ev(article="a2", type="contract"),  # undated, published 2020
        ]
    )
    assert deal.status == "contracted"


def test_an_irrealis_event_after_a_cancellation_does_not_revive_the_deal() -> None:
    deal = one(
        [
            ev(article="a1", type="cancellation"),
            ev(article="a3", type="contract", modality="hoped", time=span("2022-01-01", None)),
        ]
    )
    assert deal.status == "cancelled"


def test_cancellation_wins_a_tie_on_the_same_day() -> None:
    # Same article, no times: "Turkey was removed from the F-35 programme, in which it made parts".
    deal = one([ev(type="cancellation"), ev(type="production")])
    assert deal.status == "cancelled"


def test_ties_on_event_time_are_broken_by_publication_date() -> None:
    same_time = span("2019-01-01", "2019-12-31")
    events = [
        ev(article="a3", type="contract", time=same_time),
        ev(article="a1", type="cancellation", time=same_time),
    ]
    dates = [event_date(e, ARTICLES[e.article].published) for e in events]
    published = [ARTICLES[e.article].published for e in events]
    assert deal_status(events, dates, published) == "contracted"


def test_event_date_prefers_start_then_end_then_publication() -> None:
    p = date(2019, 11, 26)
    assert event_date(ev(time=span("2020-01-01", "2020-06-30")), p) == date(2020, 1, 1)
    assert event_date(ev(time=span(None, "2020-04-30")), p) == date(2020, 4, 30)
    assert event_date(ev(time=None), p) == p


# --------------------------------------------------------------------------- sanctions


def test_a_sanction_attaches_to_the_recipients_deal_for_its_system_without_moving_status() -> None:
    events = [
        ev(supplier="RUS", recipient="TUR", system="S-400", type="negotiation"),
        ev(supplier="USA", recipient="TUR", system="F-35", type="contract", modality="planned"),
        Event("a1", "sanction", "asserted", actor="USA", target="TUR", system="S400"),
    ]
    deals = {d.key: d for d in build_deals(events, ARTICLES)}
    assert set(deals) == {"RUS:TUR:S-400", "USA:TUR:F-35"}
    s400 = deals["RUS:TUR:S-400"]
    assert s400.sanction_events == [2]
    assert 2 in s400.events
    assert s400.status == "negotiating"
    assert deals["USA:TUR:F-35"].sanction_events == []


def test_a_sanction_never_creates_a_deal() -> None:
    events = [Event("a1", "sanction", "threatened", actor="USA", target="TUR", system="S-400")]
    assert build_deals(events, ARTICLES) == []
    other_recipient = [
        ev(supplier="RUS", recipient="CHN", system="S-400"),
        Event("a1", "sanction", "threatened", actor="USA", target="TUR", system="S-400"),
    ]
    assert one(other_recipient).sanction_events == []


def test_a_sanction_without_system_attaches_only_when_its_article_names_one_deal() -> None:
    sanction = Event("a1", "sanction", "threatened", actor="USA", target="TUR")
    single = [ev(supplier="RUS", recipient="TUR", system="S-400"), sanction]
    assert one(single).sanction_events == [1]
    two = [
        ev(supplier="RUS", recipient="TUR", system="S-400"),
        ev(supplier="RUS", recipient="TUR", system="Su-35"),
        sanction,
    ]
    assert all(d.sanction_events == [] for d in build_deals(two, ARTICLES))


def test_a_sanctioning_state_does_not_sanction_its_own_sale() -> None:
    events = [
        ev(supplier="USA", recipient="TUR", system="F-16"),
        Event("a1", "sanction", "asserted", actor="USA", target="TUR", system="F-16"),
    ]
    assert one(events).sanction_events == []


# --------------------------------------------------------------------------- timeline


def test_timeline_orders_by_time_then_publication_and_keeps_each_claim() -> None:
    events = [
        ev(article="a3", type="delivery", source="ministry", evidence="Jets arrived."),
        ev(article="a2", type="delivery", time=span(None, "2020-04-30", "by April 2020")),
        ev(
            article="a1",
            type="contract",
            time=span("2018-01-01", "2018-12-31", "in 2018"),
            quantity=Quantity(32, "aircraft"),
            value=Money(4_600_000_000, "USD"),
        ),
        ev(article="a1", type="negotiation"),  # undated: 2019-05-01, its publication
    ]
    deal = one(events)
    assert [t.index for t in deal.timeline] == [2, 3, 1, 0]
    assert [t.date for t in deal.timeline] == [
        date(2018, 1, 1),
        date(2019, 5, 1),
        date(2020, 4, 30),
        date(2021, 3, 1),
    ]
    last = deal.timeline[-1]
    assert (last.event.source, last.event.evidence, last.title, last.url, last.published) == (
        "ministry",
        "Jets arrived.",
        "Deal in doubt",
        None,
        date(2021, 3, 1),
    )
    assert deal.timeline[0].to_json()["quantity"] == {"value": 32, "unit": "aircraft"}
    assert (deal.first_reported, deal.last_reported) == (date(2019, 5, 1), date(2021, 3, 1))
    assert [s.article for s in deal.sources] == ["a1", "a2", "a3"]
    assert deal.sources[0].url == "https://ex.org/a1"


def test_quantity_and_value_come_from_the_latest_realis_contract() -> None:
    deal = one(
        [
            ev(article="a1", quantity=Quantity(32, "aircraft"), value=Money(4.6e9, "USD")),
            ev(article="a2", quantity=Quantity(48, "aircraft")),
            ev(article="a3", modality="planned", quantity=Quantity(64, "aircraft")),
            ev(article="a3", type="delivery", quantity=Quantity(6, "aircraft")),
        ]
    )
    assert deal.quantity == Quantity(48, "aircraft")
    assert deal.value == Money(4.6e9, "USD")


# --------------------------------------------------------------------------- disagreements


def test_time_disagreement_between_articles_is_flagged_on_the_timeline() -> None:
    events = [
        ev(
            article="a1", type="delivery", modality="planned", time=span("2018-01-01", "2018-12-31")
        ),
        ev(article="a2", type="delivery", time=span("2019-07-01", "2019-07-31", "in July")),
    ]
    deal = one(events)
    assert [(d.kind, d.type, d.events) for d in deal.disagreements] == [
        ("time", "delivery", (0, 1))
    ]
    assert {t.index: t.disagrees_with for t in deal.timeline} == {0: (1,), 1: (0,)}


def test_overlapping_open_or_undated_or_same_article_claims_do_not_disagree() -> None:
    events = [
        ev(article="a1", type="delivery", time=span("2018-01-01", None, "no earlier than 2018")),
        ev(article="a2", type="delivery", time=span("2019-07-01", "2019-07-31")),
        ev(article="a3", type="delivery"),  # undated
        ev(article="a2", type="delivery", time=span("2025-01-01", "2025-12-31")),  # same as #1
        ev(article="a3", type="contract", time=span("2010-01-01", "2010-12-31")),  # other type
    ]
    assert one(events).disagreements == []


def test_realis_vs_negated_disagree_only_when_the_negation_postdates_the_event() -> None:
    contradicted = [
        ev(article="a1", type="delivery", time=span("2019-03-01", "2019-03-31")),
        ev(article="a2", type="delivery", modality="denied", source="the ministry"),
    ]
    assert [(d.kind, d.events) for d in one(contradicted).disagreements] == [("modality", (0, 1))]
    not_yet_then_done = [
        ev(article="a1", type="delivery", modality="negated"),  # "not yet", as of 2019-05-01
        ev(article="a2", type="delivery", time=span("2019-07-01", "2019-07-31")),
    ]
    assert one(not_yet_then_done).disagreements == []


# --------------------------------------------------------------------------- JSON


def test_extract_payload_has_specs_shape_with_valid_indices() -> None:
    articles = list(ARTICLES.values())
    events = [
        ev(article="a1", variant="F-35A", time=span("2019-01-01", "2019-12-31", "this year")),
        ev(article="a2", type="delivery", supplier="RUS", recipient="TUR", system="S-400"),
        Event("a2", "sanction", "threatened", actor="USA", target="TUR", system="S-400"),
        ev(article="a3", system=None),
    ]
    payload = json.loads(json.dumps(extract_payload(articles, events)))
    assert list(payload) == ["articles", "events", "deals"]
    assert [a["id"] for a in payload["articles"]] == ["a1", "a2", "a3"]
    assert set(payload["articles"][0]) >= {"id", "title", "published", "url", "path"}
    assert payload["events"] == [e.to_json() for e in events]
    assert payload["events"][0]["time"] == {
        "start": "2019-01-01",
        "end": "2019-12-31",
        "text": "this year",
    }
    assert [
        (d["supplier"], d["recipient"], d["system"], d["status"]) for d in payload["deals"]
    ] == [
        ("RUS", "TUR", "S-400", "delivering"),
        ("USA", "POL", "F-35", "contracted"),
    ]
    for deal in payload["deals"]:
        assert set(deal) >= {
            "supplier",
            "recipient",
            "system",
            "status",
            "first_reported",
            "events",
        }
        assert all(0 <= i < len(events) for i in deal["events"])
        for i in deal["events"]:
            e = payload["events"][i]
            assert e["type"] == "sanction" or (e["supplier"], e["recipient"]) == (
                deal["supplier"],
                deal["recipient"],
            )
    assert payload["deals"][0]["events"] == [1, 2]
    assert payload["deals"][0]["first_reported"] == "2020-02-01"


def test_deal_json_round_trips_for_the_store() -> None:
    events = [
        ev(
            article="a1", type="delivery", modality="planned", time=span("2018-01-01", "2018-12-31")
        ),
        ev(article="a2", type="delivery", time=span("2019-07-01", "2019-07-31"), extra={"x": 1}),
        ev(article="a2", quantity=Quantity(2, "batteries"), value=Money(2.5e9, "USD")),
    ]
    deal = one(events)
    deal.id = 7
    again = Deal.from_json(json.loads(json.dumps(deal.to_json())))
    assert again.to_json() == deal.to_json()
    assert again.timeline[1].event.extra == {"x": 1}
