"""The learned layer: its data format, its decisions on articles we wrote, and the corpus tools.

Behaviour, not scores: the shipped model must keep reports that state a
transfer, drop what is no transfer, and mark what a sentence does not say.
"""

from __future__ import annotations

from datetime import date

import pytest

from armstrack.events.learned import MODEL_PATH, LearnedLayer, LinearModel, load_layer
from armstrack.model import Article
from armstrack.pipeline import Extractor


def test_a_linear_model_is_plain_data_and_round_trips() -> None:
    model = LinearModel(["0", "1"], {"1": {"bias": -1.0, "type=contract": 2.0}})
    again = LinearModel.from_json(model.to_json())
    assert again.scores({"bias": 1.0, "type=contract": 1.0})["1"] == pytest.approx(0.731, 1e-3)
    assert again.scores({"bias": 1.0})["1"] < 0.5


def test_three_classes_sum_to_one() -> None:
    model = LinearModel(["a", "b", "c"], {"a": {"x": 1.0}, "b": {"x": -1.0}, "c": {}})
    scores = model.scores({"x": 1.0})
    assert sum(scores.values()) == pytest.approx(1.0)
    assert max(scores, key=scores.__getitem__) == "a"


def test_the_shipped_model_loads_and_says_how_it_was_made() -> None:
    layer = load_layer()
    assert isinstance(layer, LearnedLayer)
    assert layer.about["rebuild"] == "make train"
    assert 0.0 <= layer.threshold <= 1.0
    assert LearnedLayer.from_json(layer.to_json()).threshold == layer.threshold


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _events(extractor: Extractor, text: str, title: str = "", when: date = date(2021, 3, 1)):
    article = Article(id="t", text=text, published=when, title=title)
    [(_, events)] = list(extractor.process([article]))
    return events


def test_a_stated_transfer_is_kept_with_its_confidence(extractor: Extractor) -> None:
    events = _events(extractor, "Russia delivered the first S-400 regiment to Turkey in July "
                                "2019, the Turkish defence ministry said.")
    delivery = [e for e in events if e.type == "delivery"]
    assert delivery and delivery[0].supplier == "RUS" and delivery[0].recipient == "TUR"
    assert 0.0 < delivery[0].confidence <= 1.0
    assert delivery[0].to_json()["inferred"] == []


def test_a_party_from_elsewhere_is_marked_inferred(extractor: Extractor) -> None:
    text = ("Egypt signed a contract with France for 30 more Rafale jets in 2021.\n\n"
            "The first of the aircraft are due to arrive in 2024, officials said.")
    events = _events(extractor, text, when=date(2021, 5, 4))
    later = [e for e in events if e.offsets[0] > 60]
    for event in later:
        assert set(event.to_json()["inferred"]) & {"supplier", "recipient", "system"}


def test_rules_only_is_one_setting_away(monkeypatch: pytest.MonkeyPatch) -> None:
    from armstrack.events.extract import default_reviewer

    monkeypatch.setenv("ARMSTRACK_LEARNED", "off")
    assert default_reviewer() is None
    monkeypatch.setenv("ARMSTRACK_LEARNED", str(MODEL_PATH))
    assert isinstance(default_reviewer(), LearnedLayer)


def test_competition_bids_become_negotiations(extractor: Extractor) -> None:
    text = ("India shortlisted the Rafale and the Eurofighter Typhoon in its tender for 126 "
            "fighter jets in April 2011.")
    events = _events(extractor, text, when=date(2011, 4, 28))
    bids = {(e.supplier, e.recipient, e.system) for e in events if e.type == "negotiation"}
    assert ("FRA", "IND", "Rafale") in bids
