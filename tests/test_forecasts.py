"""Forecasts: a sequence of reports over time (tests/data/forecasts, our own words about
well-known deals), the seeds' gold events when ../shared is there, and hand-made edge cases.
Every verdict is checked, and --as-of moves them as it should."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis_helpers import article
from armstrack.analysis import find_forecasts, make_register, tally
from armstrack.cli.main import cli
from armstrack.ingest import read_inputs
from armstrack.model import Article, Event, Interval

ROOT = Path(__file__).resolve().parents[1]
SEQUENCE = ROOT / "tests" / "data" / "forecasts"
SEEDS = ROOT.parent / "shared" / "seeds"
SEEDS_GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"

# (published, deal, type) -> verdict (timing, days late) as of each date.
_S400_TUR = ("2017-12-29", "RUS:TUR:S-400", "delivery")  # "to begin in March 2020"; July 2019
_F35_TUR = ("2018-06-21", "USA:TUR:F-35", "delivery")  # "November 2019"; removed July 2019
_S400_IND = ("2018-10-05", "RUS:IND:S-400", "delivery")  # "by the end of 2020"; Nov 2021
_RAFALE = ("2019-01-02", "FRA:IND:Rafale", "delivery")  # "September 2019"; 8 Oct 2019
_KA226 = ("2019-09-04", "RUS:IND:Ka-226", "contract")  # "by the end of the year"; never
SEQUENCE_VERDICTS = {
    "2019-01-01": {
        _S400_TUR: ("open", "", None),
        _F35_TUR: ("open", "", None),
        _S400_IND: ("open", "", None),
    },
    "2019-08-01": {
        _S400_TUR: ("came_true", "early", None),
        _F35_TUR: ("contradicted", "", None),
        _S400_IND: ("open", "", None),
        _RAFALE: ("open", "", None),
    },
    "2020-06-01": {
        _S400_TUR: ("came_true", "early", None),
        _F35_TUR: ("contradicted", "", None),
        _S400_IND: ("open", "", None),
        _RAFALE: ("came_true", "late", 8),
        _KA226: ("overdue", "", 153),
    },
    "2021-06-01": {
        _S400_TUR: ("came_true", "early", None),
        _F35_TUR: ("contradicted", "", None),
        _S400_IND: ("overdue", "", 152),
        _RAFALE: ("came_true", "late", 8),
        _KA226: ("overdue", "", 518),
    },
    "2022-01-01": {
        _S400_TUR: ("came_true", "early", None),
        _F35_TUR: ("contradicted", "", None),
        _S400_IND: ("came_true", "late", 318),
        _RAFALE: ("came_true", "late", 8),
        _KA226: ("overdue", "", 732),
    },
}


def _run(*args: str):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def sequence_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("forecasts") / "sequence.db")
    result = _run("--db", db, "ingest", str(SEQUENCE))
    assert result.exit_code == 0, result.output
    return db


def _verdicts(forecasts: list[dict]) -> dict:
    return {
        (f["published"], f["deal"], f["type"]): (f["verdict"], f["timing"] or "", f["days_late"])
        for f in forecasts
    }


@pytest.mark.parametrize("as_of", sorted(SEQUENCE_VERDICTS))
def test_every_verdict_of_the_sequence_as_of_each_date(sequence_db: str, as_of: str) -> None:
    result = _run("--db", sequence_db, "forecasts", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["as_of"] == as_of
    verdicts = _verdicts(payload["forecasts"])
    for key, (verdict, timing, late) in SEQUENCE_VERDICTS[as_of].items():
        got = verdicts[key]
        assert got[:2] == (verdict, timing), (key, got)
        if late is not None:
            assert got[2] == late, (key, got)
    assert set(verdicts) == set(SEQUENCE_VERDICTS[as_of])


def test_settled_forecasts_cite_the_report_that_settled_them(sequence_db: str) -> None:
    result = _run("--db", sequence_db, "forecasts", "--format", "json")
    forecasts = {f["deal"]: f for f in json.loads(result.stdout)["forecasts"]}
    assert forecasts["RUS:TUR:S-400"]["settled_by"]["article"] == "f2_turkey-s400-arrives"
    assert forecasts["RUS:TUR:S-400"]["speaker"] == "Sergei Chemezov"
    assert forecasts["USA:TUR:F-35"]["settled_by"]["article"] == "f6_turkey-removed-from-f35"
    assert "suspended" in forecasts["USA:TUR:F-35"]["settled_by"]["evidence"]
    assert forecasts["RUS:IND:Ka-226"]["settled_by"] is None


def test_tallies_per_outlet_and_speaker_and_the_source_filter(sequence_db: str) -> None:
    payload = json.loads(_run("--db", sequence_db, "forecasts", "--as-of", "2022-01-01",
                              "--format", "json").stdout)
    by_outlet = {r["outlet"]: r for r in payload["by_outlet"]}
    assert by_outlet["wire.example.org"] == {
        "outlet": "wire.example.org", "forecasts": 5, "came_true": 3, "on_time": 1, "late": 2,
        "overdue": 1, "open": 0, "contradicted": 1, "on_time_rate": 0.2,
    }
    by_speaker = {r["speaker"]: r for r in payload["by_speaker"]}
    assert by_speaker["Sergei Chemezov"]["on_time_rate"] == 1.0
    assert by_speaker["Indian officials"]["late"] == 1
    only = json.loads(_run("--db", sequence_db, "forecasts", "--source", "chemezov",
                           "--format", "json").stdout)
    assert [f["deal"] for f in only["forecasts"]] == ["RUS:TUR:S-400"]
    table = _run("--db", sequence_db, "forecasts", "--as-of", "2022-01-01")
    assert table.exit_code == 0 and "came_true (late)" in table.stdout and "318" in table.stdout
    assert "by speaker" in table.stdout


def test_on_time_undated_and_ignored_claims() -> None:
    """Inside the interval is on time; a fact the report does not date is 'undated'; a fact from
    the forecast's own article, from before the forecast, or of another stage fulfils nothing."""
    a1, a2, a3 = (article("p1", date(2020, 1, 10)), article("p2", date(2020, 6, 1)),
                  article("p3", date(2022, 3, 1)))
    plan = Interval(date(2020, 1, 1), date(2020, 12, 31), "this year")

    def ev(a: Article, kind: str, modality: str, system: str, time: Interval | None = None
           ) -> Event:
        return Event(a.id, kind, modality, "FRA", "GRC", system=system, time=time)

    events = [
        ev(a1, "delivery", "planned", "Rafale", plan),
        ev(a1, "delivery", "asserted", "Rafale", plan),  # same article: not a later report
        ev(a2, "contract", "asserted", "Rafale", Interval(date(2020, 5, 5), date(2020, 5, 5))),
        ev(a2, "delivery", "asserted", "Rafale", Interval(date(2019, 5, 5), date(2019, 5, 5))),
        ev(a2, "delivery", "asserted", "Rafale", Interval(date(2020, 5, 20), date(2020, 5, 20))),
        ev(a1, "delivery", "planned", "FREMM", Interval(None, date(2020, 12, 31), "by 2020")),
        ev(a3, "delivery", "asserted", "FREMM"),  # undated, reported in 2022
        ev(a1, "delivery", "possible", "Exocet", plan),  # not a forecast by default
        ev(a1, "delivery", "planned", "Meteor"),  # no time: not a forecast
    ]
    register = make_register([a1, a2, a3], events)
    found = {f.deal: f for f in find_forecasts(register, as_of=date(2023, 1, 1))}
    assert set(found) == {"FRA:GRC:Rafale", "FRA:GRC:FREMM"}
    rafale = found["FRA:GRC:Rafale"]
    assert (rafale.verdict, rafale.timing, rafale.days_late, rafale.fulfilled_by) == (
        "came_true", "on_time", 0, 4)
    fremm = found["FRA:GRC:FREMM"]
    assert (fremm.verdict, fremm.timing, fremm.days_late) == ("came_true", "undated", 425)
    assert not fremm.on_time
    with_possible = find_forecasts(register, as_of=date(2023, 1, 1),
                                   modalities=("planned", "hoped", "possible"))
    assert "FRA:GRC:Exocet" in {f.deal for f in with_possible}
    assert {r["outlet"] for r in tally(found.values())} == {"unknown"}


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) else value


@pytest.mark.skipif(not SEEDS_GOLD.exists(), reason="../shared/gold/seeds.json is not there")
def test_seed_forecasts_from_their_gold_events() -> None:
    """The seeds' gold events (first alternative of each field), dated by the seed files."""
    gold = json.loads(SEEDS_GOLD.read_text(encoding="utf-8"))
    articles = [a for a in read_inputs([str(SEEDS)]) if isinstance(a, Article)]
    events = []
    for g in gold["events"]:
        time = _first(g.get("time"))
        events.append(
            Event(
                g["article"], _first(g["type"]), _first(g["modality"]),
                supplier=_first(g.get("supplier")), recipient=_first(g.get("recipient")),
                system=_first(g.get("system")),
                time=Interval.from_json(time) if isinstance(time, dict) else None,
            )
        )
    register = make_register(articles, events)
    modalities = ("planned", "hoped", "possible")

    def verdicts(as_of: date) -> dict:
        return {
            (f.deal, f.type, f.modality): (f.verdict, f.timing)
            for f in find_forecasts(register, as_of=as_of, modalities=modalities)
        }

    assert verdicts(date(2017, 6, 1)) == {
        ("RUS:TUR:S-400", "negotiation", "planned"): ("overdue", ""),  # commission by end-2016
        ("RUS:CHN:S-400", "delivery", "planned"): ("open", ""),  # "no earlier than 2018": no end
        ("RUS:TUR:S-400", "delivery", "possible"): ("open", ""),  # "sometime in the 2020s"
    }
    assert verdicts(date(2020, 1, 1)) == {
        # talks reported (undated) in the 2019 article
        ("RUS:TUR:S-400", "negotiation", "planned"): ("came_true", "undated"),
        ("RUS:CHN:S-400", "delivery", "planned"): ("open", ""),
        # deliveries began in July 2019, before the 2020s began
        ("RUS:TUR:S-400", "delivery", "possible"): ("came_true", "early"),
        ("RUS:TUR:S-400", "contract", "hoped"): ("open", ""),  # first half of 2020
        ("RUS:TUR:S-400", "deployment", "planned"): ("open", ""),  # by April 2020
    }
    later = verdicts(date(2020, 7, 1))
    assert later[("RUS:TUR:S-400", "contract", "hoped")] == ("overdue", "")
    assert later[("RUS:TUR:S-400", "deployment", "planned")] == ("overdue", "")


def test_what_contradicts_a_forecast() -> None:
    """A denial or a negation about the forecast's period contradicts it; an undated 'has not
    yet' does not (the forecast stays open, then becomes overdue)."""
    made, later = article("m1", date(2020, 1, 10)), article("m2", date(2020, 6, 1))
    in_2020 = Interval(date(2020, 1, 1), date(2020, 12, 31), "in 2020")

    def pair(system: str, modality: str, time: Interval | None) -> list[Event]:
        return [
            Event("m1", "delivery", "planned", "USA", "TUR", system=system, time=in_2020),
            Event("m2", "delivery", modality, "USA", "TUR", system=system, time=time),
        ]

    events = [
        *pair("F-35", "denied", None),
        *pair("F-16", "negated", Interval(date(2020, 1, 1), date(2020, 12, 31), "this year")),
        *pair("Patriot", "negated", None),
        *pair("THAAD", "negated", Interval(date(2019, 1, 1), date(2019, 12, 31), "last year")),
    ]
    register = make_register([made, later], events)

    def verdicts(as_of: date) -> dict[str, str]:
        return {f.deal: f.verdict for f in find_forecasts(register, as_of=as_of)}

    assert verdicts(date(2020, 7, 1)) == {
        "USA:TUR:F-35": "contradicted",
        "USA:TUR:F-16": "contradicted",
        "USA:TUR:Patriot": "open",
        "USA:TUR:THAAD": "open",
    }
    assert verdicts(date(2021, 2, 1))["USA:TUR:Patriot"] == "overdue"
    assert verdicts(date(2020, 3, 1))["USA:TUR:F-35"] == "open"  # the denial is not out yet
